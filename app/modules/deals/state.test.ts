import { describe, expect, it } from "vitest";
import { QUOTE_STATUSES, QUOTE_TRANSITIONS, SUPERSEDABLE, canMoveQuote, effectiveQuoteStatus } from "~/modules/quotes/state";
import { DEAL_STAGES, DEAL_TRANSITIONS, OPEN_STAGES, canMoveDeal } from "./state";

const edges = (list: readonly { from: string; to: string }[]) => new Set(list.map((t) => `${t.from}→${t.to}`));

describe("deal state machine (one table)", () => {
  // DESIGN.md plus the refinements recorded in docs/decisions/050.
  const expected = new Set([
    "registered→approved",
    "registered→conflict",
    "registered→rejected",
    "conflict→approved",
    "conflict→rejected",
    "approved→negotiating",
    "approved→quoted",
    "negotiating→quoted",
    "quoted→negotiating",
    "quoted→won",
    "approved→lost",
    "negotiating→lost",
    "quoted→lost",
    ...OPEN_STAGES.map((s) => `${s}→expired`),
  ]);

  it("allows exactly the designed transitions", () => {
    expect(edges(DEAL_TRANSITIONS)).toEqual(expected);
  });

  it("forbids every other pair, including anything out of a closed stage", () => {
    for (const from of DEAL_STAGES)
      for (const to of DEAL_STAGES) {
        expect(canMoveDeal(from, to), `${from}→${to}`).toBe(expected.has(`${from}→${to}`));
      }
    for (const closed of ["won", "lost", "rejected", "expired"] as const) for (const to of DEAL_STAGES) expect(canMoveDeal(closed, to)).toBe(false);
  });

  it("only the system (order approval) makes a deal won, only the dealer loses it, only the manufacturer side approves", () => {
    expect(canMoveDeal("quoted", "won", "system")).toBe(true);
    expect(canMoveDeal("quoted", "won", "manufacturer")).toBe(false);
    expect(canMoveDeal("quoted", "won", "dealer")).toBe(false);
    expect(canMoveDeal("quoted", "lost", "dealer")).toBe(true);
    expect(canMoveDeal("quoted", "lost", "manufacturer")).toBe(false);
    expect(canMoveDeal("registered", "approved", "dealer")).toBe(false);
    expect(canMoveDeal("registered", "approved", "manufacturer")).toBe(true);
    expect(canMoveDeal("approved", "expired", "dealer")).toBe(false);
  });
});

describe("quote state machine (one table)", () => {
  const expected = new Set([
    "draft→pending_approval",
    "draft→proposed",
    "pending_approval→proposed",
    "pending_approval→draft",
    "proposed→accepted",
    "proposed→revision_requested",
    "proposed→expired",
    "proposed→superseded",
    "revision_requested→superseded",
    "expired→superseded",
    "accepted→superseded",
    "accepted→converted",
  ]);

  it("allows exactly the designed transitions", () => {
    expect(edges(QUOTE_TRANSITIONS)).toEqual(expected);
    for (const from of QUOTE_STATUSES) for (const to of QUOTE_STATUSES) expect(canMoveQuote(from, to), `${from}→${to}`).toBe(expected.has(`${from}→${to}`));
  });

  it("no manufacturer mover can accept or convert a quote; only the approver side approves a discount", () => {
    for (const by of ["manufacturer", "approver", "system"] as const) {
      expect(canMoveQuote("proposed", "accepted", by)).toBe(false);
      expect(canMoveQuote("accepted", "converted", by)).toBe(false);
    }
    expect(canMoveQuote("pending_approval", "proposed", "manufacturer")).toBe(false);
    expect(canMoveQuote("pending_approval", "proposed", "approver")).toBe(true);
  });

  it("drafts, pending approvals and converted quotes are never superseded", () => {
    expect(SUPERSEDABLE).not.toContain("draft");
    expect(SUPERSEDABLE).not.toContain("pending_approval");
    expect(SUPERSEDABLE).not.toContain("converted");
  });

  it("a proposed quote past its validity date shows as expired", () => {
    expect(effectiveQuoteStatus("proposed", "2026-01-31", "2026-02-01")).toBe("expired");
    expect(effectiveQuoteStatus("proposed", "2026-02-01", "2026-02-01")).toBe("proposed");
    expect(effectiveQuoteStatus("accepted", "2026-01-31", "2026-02-01")).toBe("accepted");
  });
});

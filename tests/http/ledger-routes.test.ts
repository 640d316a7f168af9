/**
 * Loaders and actions of the ledger area called directly (no server): scoping
 * (403/404), bad input (400 with localized field errors, nothing changed), 409s.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { createCast, requestAs, type TestUser } from "../factories";
import { post, seedFeeTypes, statementOf, sys } from "../helpers/ledger";
import { issueStatements } from "../../app/modules/statements/issue.server";
import { clockForEachTest } from "../helpers/clock";
import * as statementsList from "../../app/routes/statements._index";
import * as statementDetail from "../../app/routes/statements.$id";
import * as statementPrint from "../../app/routes/statements.$id_.print";
import * as statementPdf from "../../app/routes/statements.$id_.pdf";
import * as fees from "../../app/routes/fees";
import * as ledgerNew from "../../app/routes/finance.ledger.new";
import * as ledgerIndex from "../../app/routes/finance.ledger._index";
import * as ledgerDealer from "../../app/routes/finance.ledger.$dealerId";
import * as disputeDetail from "../../app/routes/finance.disputes.$id";
import * as disputesIndex from "../../app/routes/finance.disputes._index";
import * as aging from "../../app/routes/finance.aging";
import * as financeStatements from "../../app/routes/finance.statements";
import * as paymentsImport from "../../app/routes/finance.payments.import";

type Loader = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;

async function status(fn: Loader, user: TestUser | null, path: string, params: Record<string, string> = {}, form?: Record<string, string>) {
  try {
    const res = (await fn({ request: await requestAs(user, path, form ? { form } : {}), params, context: {} })) as Response;
    return { status: res.status, body: res.headers.get("Content-Type")?.includes("json") ? ((await res.json()) as Record<string, unknown>) : null, res };
  } catch (err) {
    if (err instanceof Response) return { status: err.status, body: null, res: err };
    throw err;
  }
}

// setup() issues the period 2026-10, which must have ended: noon on 6 December 2026 in Shanghai.
clockForEachTest("2026-12-06T04:00:00Z");

async function setup() {
  const cast = await createCast();
  await seedFeeTypes();
  await post(cast.dealerA.id, "invoice", 500_00, "2026-10-03", { reference: "INV-A-1" });
  await post(cast.dealerA.id, "fee", 20_00, "2026-10-04", { feeTypeCode: "freight" });
  await post(cast.dealerB.id, "invoice", 700_00, "2026-10-03");
  await issueStatements(sys(), { period: "2026-10" });
  const sa = (await statementOf(cast.dealerA.id, "2026-10"))!;
  const sb = (await statementOf(cast.dealerB.id, "2026-10"))!;
  const lines = await getDb().selectFrom("statement_lines").selectAll().where("statement_id", "=", sa.id).orderBy("line_no").execute();
  return { cast, sa, sb, lines };
}

describe("statement pages", () => {
  it("dealer finance and admin read their own; dealer B gets 404 on A's statement; sales and account managers get 403", async () => {
    const { cast, sa } = await setup();
    const p = { id: String(sa.id) };
    expect((await status(statementDetail.loader as Loader, cast.a.dealer_finance, `/statements/${sa.id}`, p)).status).toBe(200);
    expect((await status(statementDetail.loader as Loader, cast.a.dealer_admin, `/statements/${sa.id}`, p)).status).toBe(200);
    expect((await status(statementDetail.loader as Loader, cast.staff.finance, `/statements/${sa.id}`, p)).status).toBe(200);
    expect((await status(statementDetail.loader as Loader, cast.b.dealer_finance, `/statements/${sa.id}`, p)).status).toBe(404);
    expect((await status(statementDetail.loader as Loader, cast.b.dealer_admin, `/statements/${sa.id}/print`, p)).status).toBe(404);
    expect((await status(statementPrint.loader as Loader, cast.b.dealer_admin, `/statements/${sa.id}/print`, p)).status).toBe(404);
    // The PDF: the statement page's rule (dealer B 404, roles without the ledger 403).
    const pdf = await status(statementPdf.loader as Loader, cast.a.dealer_finance, `/statements/${sa.id}/pdf`, p);
    expect(pdf.status).toBe(200);
    expect(pdf.res.headers.get("Content-Type")).toBe("application/pdf");
    expect((await status(statementPdf.loader as Loader, cast.b.dealer_finance, `/statements/${sa.id}/pdf`, p)).status).toBe(404);
    expect((await status(statementPdf.loader as Loader, cast.a.dealer_sales, `/statements/${sa.id}/pdf`, p)).status).toBe(403);
    expect((await status(statementPdf.loader as Loader, cast.staff.account_manager, `/statements/${sa.id}/pdf`, p)).status).toBe(403);
    expect((await status(statementDetail.loader as Loader, cast.a.dealer_sales, `/statements/${sa.id}`, p)).status).toBe(403);
    expect((await status(statementDetail.loader as Loader, cast.staff.account_manager, `/statements/${sa.id}`, p)).status).toBe(403);
    expect((await status(statementsList.loader as Loader, cast.a.dealer_sales, "/statements")).status).toBe(403);
    expect((await status(statementsList.loader as Loader, cast.staff.ops, "/statements")).status).toBe(403);
    expect((await status(statementDetail.loader as Loader, cast.a.dealer_finance, "/statements/abc", { id: "abc" })).status).toBe(404);
    const list = await status(statementsList.loader as Loader, cast.a.dealer_finance, "/statements");
    expect((list.body!.rows as { id: number }[]).map((r) => r.id)).toEqual([sa.id]);
    expect((list.body!.own as { summary: { credit: { balanceMinor: number } } }).summary.credit.balanceMinor).toBe(520_00);
    expect((await status(fees.loader as Loader, cast.a.dealer_sales, "/fees")).status).toBe(403);
    expect((await status(fees.loader as Loader, cast.b.dealer_admin, `/fees?dealerId=${cast.dealerA.id}`)).status).toBe(404);
  });

  it("CSV exports of a statement and the list carry the lines and are scoped", async () => {
    const { cast, sa } = await setup();
    const csv = await status(statementDetail.loader as Loader, cast.a.dealer_finance, `/statements/${sa.id}?format=csv`, { id: String(sa.id) });
    expect(csv.res.headers.get("Content-Type")).toContain("text/csv");
    const text = await csv.res.text();
    expect(text).toContain("INV-A-1");
    expect(text).toContain("500.00");
    expect(text.trim().split("\r\n")).toHaveLength(1 + 1 + 2 + 1);
    const list = await status(statementsList.loader as Loader, cast.staff.finance, "/statements?format=csv");
    const body = await list.res.text();
    expect(body).toContain(cast.dealerA.code);
    expect(body).toContain(cast.dealerB.code);
    const own = await (await status(statementsList.loader as Loader, cast.a.dealer_admin, "/statements?format=csv")).res.text();
    expect(own).not.toContain(cast.dealerB.code);
  });

  it("dispute and confirm through the action: bad amounts are 400 with nothing changed; confirm twice is 409; finance cannot respond (403)", async () => {
    const { cast, sa, sb, lines } = await setup();
    const p = { id: String(sa.id) };
    const u = cast.a.dealer_finance;
    const bad = await status(statementDetail.action as Loader, u, `/statements/${sa.id}`, p, {
      intent: "dispute",
      lineId: String(lines[0]!.id),
      reasonCode: "price_differs",
      amount: "12.345",
    });
    expect(bad.status).toBe(400);
    expect((bad.body!.fieldErrors as Record<string, string>).amount).toBe("At most two decimals.");
    const tooBig = await status(statementDetail.action as Loader, u, `/statements/${sa.id}`, p, {
      intent: "dispute",
      lineId: String(lines[0]!.id),
      reasonCode: "price_differs",
      amount: "500.01",
    });
    expect(tooBig.status).toBe(400);
    const badReason = await status(statementDetail.action as Loader, u, `/statements/${sa.id}`, p, {
      intent: "dispute",
      lineId: String(lines[0]!.id),
      reasonCode: "because",
      amount: "1",
    });
    expect(badReason.status).toBe(400);
    const otherLine = await getDb().selectFrom("statement_lines").select("id").where("statement_id", "=", sb.id).executeTakeFirstOrThrow();
    expect(
      (
        await status(statementDetail.action as Loader, u, `/statements/${sa.id}`, p, {
          intent: "dispute",
          lineId: String(otherLine.id),
          reasonCode: "other",
          amount: "1",
        })
      ).status,
    ).toBe(404);
    expect(await getDb().selectFrom("disputes").select("id").execute()).toHaveLength(0);
    const ok = await status(statementDetail.action as Loader, u, `/statements/${sa.id}`, p, {
      intent: "dispute",
      lineId: String(lines[0]!.id),
      reasonCode: "price_differs",
      amount: "25",
      comment: "Quote says less",
    });
    expect(ok.status).toBe(200);
    // Confirming with the version seen before the dispute: 409 (the statement changed).
    expect((await status(statementDetail.action as Loader, u, `/statements/${sa.id}`, p, { intent: "confirm", version: String(sa.version) })).status).toBe(409);
    const fresh = (await statementOf(cast.dealerA.id, "2026-10"))!;
    expect((await status(statementDetail.action as Loader, u, `/statements/${sa.id}`, p, { intent: "confirm", version: String(fresh.version) })).status).toBe(
      200,
    );
    const twice = await status(statementDetail.action as Loader, cast.a.dealer_admin, `/statements/${sa.id}`, p, {
      intent: "confirm",
      version: String(fresh.version + 1),
    });
    expect(twice.status).toBe(409);
    expect(twice.body!.formError).toBe("This statement has already been confirmed.");
    expect((await status(statementDetail.action as Loader, cast.staff.finance, `/statements/${sa.id}`, p, { intent: "confirm", version: "1" })).status).toBe(
      403,
    );
    expect((await status(statementDetail.action as Loader, cast.b.dealer_admin, `/statements/${sa.id}`, p, { intent: "confirm", version: "1" })).status).toBe(
      404,
    );
  });
});

describe("finance pages", () => {
  it("are finance/admin only", async () => {
    const { cast } = await setup();
    for (const [mod, path] of [
      [ledgerIndex, "/finance/ledger"],
      [ledgerNew, "/finance/ledger/new"],
      [disputesIndex, "/finance/disputes"],
      [aging, "/finance/aging"],
      [financeStatements, "/finance/statements"],
      [paymentsImport, "/finance/payments/import"],
    ] as const) {
      for (const who of [cast.a.dealer_admin, cast.a.dealer_finance, cast.staff.ops, cast.staff.account_manager])
        expect((await status(mod.loader as Loader, who, path)).status).toBe(403);
      expect((await status(mod.loader as Loader, cast.staff.finance, path)).status).toBe(200);
    }
    expect(
      (await status(ledgerDealer.loader as Loader, cast.staff.admin, `/finance/ledger/${cast.dealerA.id}`, { dealerId: String(cast.dealerA.id) })).status,
    ).toBe(200);
    expect((await status(ledgerDealer.loader as Loader, cast.staff.admin, "/finance/ledger/99999", { dealerId: "99999" })).status).toBe(404);
  });

  it("post entry form: bad amounts and unknown dealers are 400 with localized errors, nothing posted; a good one redirects", async () => {
    const { cast } = await setup();
    const before = (await getDb().selectFrom("ledger_entries").select("id").execute()).length;
    const f = (over: Record<string, string>) => ({
      key: "form-key-123456",
      type: "payment",
      description: "Payment",
      amount: "100",
      dealerId: String(cast.dealerA.id),
      ...over,
    });
    for (const [over, field] of [
      [{ amount: "1.001" }, "amount"],
      [{ amount: "0" }, "amount"],
      [{ amount: "100000000000000" }, "amount"],
      [{ amount: "-5" }, "amount"],
      [{ dealerId: "" }, "dealerId"],
      [{ type: "invoice" }, "type"],
      [{ type: "fee" }, "feeTypeCode"],
    ] as const) {
      const r = await status(ledgerNew.action as Loader, cast.staff.finance, "/finance/ledger/new", {}, f(over));
      expect(r.status, JSON.stringify(over)).toBe(400);
      expect(Object.keys(r.body!.fieldErrors as object)).toContain(field);
    }
    const unknown = await status(ledgerNew.action as Loader, cast.staff.finance, "/finance/ledger/new", {}, f({ dealerId: "987654" }));
    expect(unknown.status).toBe(400);
    expect((unknown.body!.fieldErrors as Record<string, string>).dealerId).toBe("Choose an existing dealer.");
    expect((await getDb().selectFrom("ledger_entries").select("id").execute()).length).toBe(before);
    const good = await status(ledgerNew.action as Loader, cast.staff.finance, "/finance/ledger/new", {}, f({ amount: "1,000.50" }));
    expect(good.status).toBe(302);
    expect(good.res.headers.get("Location")).toMatch(new RegExp(`^/finance/ledger/${cast.dealerA.id}\\?posted=\\d+$`));
    const again = await status(ledgerNew.action as Loader, cast.staff.finance, "/finance/ledger/new", {}, f({ amount: "1,000.50" }));
    expect(again.res.headers.get("Location")).toContain("dup=1");
    expect((await getDb().selectFrom("ledger_entries").select("id").execute()).length).toBe(before + 1);
    expect((await status(ledgerNew.action as Loader, cast.a.dealer_finance, "/finance/ledger/new", {}, f({}))).status).toBe(403);
  });

  it("dispute decision: reject needs an explanation; the loser of two decisions gets 409", async () => {
    const { cast, sa, lines } = await setup();
    await status(
      statementDetail.action as Loader,
      cast.a.dealer_admin,
      `/statements/${sa.id}`,
      { id: String(sa.id) },
      { intent: "dispute", lineId: String(lines[1]!.id), reasonCode: "not_received", amount: "20" },
    );
    const d = await getDb().selectFrom("disputes").selectAll().executeTakeFirstOrThrow();
    const p = { id: String(d.id) };
    const noNote = await status(disputeDetail.action as Loader, cast.staff.finance, `/finance/disputes/${d.id}`, p, { decision: "reject", version: "1" });
    expect(noNote.status).toBe(400);
    expect((noNote.body!.fieldErrors as Record<string, string>).note).toBe("Explain to the dealer why the dispute is rejected.");
    expect(
      (await status(disputeDetail.action as Loader, cast.staff.finance, `/finance/disputes/${d.id}`, p, { decision: "accept", version: "1" })).status,
    ).toBe(200);
    const late = await status(disputeDetail.action as Loader, cast.staff.admin, `/finance/disputes/${d.id}`, p, {
      decision: "reject",
      note: "no",
      version: "1",
    });
    expect(late.status).toBe(409);
    expect((await status(disputeDetail.loader as Loader, cast.a.dealer_admin, `/finance/disputes/${d.id}`, p)).status).toBe(403);
    const entry = await getDb().selectFrom("ledger_entries").selectAll().where("dispute_id", "=", d.id).executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ entry_type: "credit_note", amount_minor: -20_00, fee_type_code: "freight" });
  });

  it("issue for period: a period that has not ended is 400; issuing again reports already issued", async () => {
    const { cast } = await setup();
    const notEnded = await status(financeStatements.action as Loader, cast.staff.finance, "/finance/statements", {}, { period: "2099-01" });
    expect(notEnded.status).toBe(400);
    const again = await status(financeStatements.action as Loader, cast.staff.finance, "/finance/statements", {}, { period: "2026-10" });
    expect(again.status).toBe(200);
    expect(again.body!.message).toContain("0 statements issued, 2 already issued");
    expect((await status(financeStatements.action as Loader, cast.a.dealer_admin, "/finance/statements", {}, { period: "2026-10" })).status).toBe(403);
  });
});

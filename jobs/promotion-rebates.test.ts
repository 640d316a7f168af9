import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../db/client";
import { actorFor } from "../tests/factories";
import { reportLine, selloutWorld } from "../tests/factories/sellout";
import { jobDefinition } from "../app/modules/notifications/jobs.catalog";
import { claimSlot, executeClaim, runScheduled } from "../app/modules/notifications/jobs.server";
import { manualSlot } from "../app/modules/notifications/slots";
import { createPromotion } from "../app/modules/promotions/promotions.server";
import { PromotionSchema } from "../app/modules/promotions/promotions.schema.server";
import { run } from "./promotion-rebates";

afterEach(() => vi.useRealTimers());

describe("promotion rebates job", () => {
  it("posts last month's rebates once, however often the slot runs; a manual run posts nothing more", async () => {
    const when = new Date("2026-11-30T19:00:00Z"); // 03:00 on 1 December in Shanghai
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(when);
    const w = await selloutWorld();
    await createPromotion(
      actorFor(w.staff.admin),
      PromotionSchema.parse({
        code: "SO-1",
        nameEn: "Sell-out rebate",
        nameZh: "销量返利",
        mechanism: "rebate",
        rebatePercent: "1.5",
        rebateBasis: "sellout",
        startsOn: "2026-11-01",
        endsOn: "2026-12-31",
        status: "active",
        productSkus: "AC-100 AC-200",
      }),
    );
    await reportLine(w, "2026-11", { sku: "AC-100", revenue: 20_000_00 });
    await reportLine(w, "2026-11", { sku: "AC-200", revenue: 1_333_33 });
    const job = jobDefinition("promotion-rebates");
    const first = await runScheduled(job, run, when, { owner: "runner-a" });
    const second = await runScheduled(job, run, when, { owner: "runner-b" });
    expect(first?.status).toBe("succeeded");
    expect(second?.status ?? null).not.toBe("succeeded");
    const claim = await claimSlot(job, manualSlot(new Date()), "runner-c", "manual");
    expect((await executeClaim(job, run, claim!, { owner: "runner-c" }))?.status).toBe("succeeded");
    // (20,000.00 + 1,333.33) × 1.5% = 319.99995 → 320.00, dated the run's day.
    const entries = await getDb().selectFrom("ledger_entries").select(["dealer_id", "entry_type", "amount_minor", "business_date"]).execute();
    expect(entries).toEqual([{ dealer_id: w.dealerA.id, entry_type: "rebate", amount_minor: -320_00, business_date: "2026-12-01" }]);
  });
});

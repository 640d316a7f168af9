import { describe, expect, it } from "vitest";
import { getDb } from "../client";
import { runChecks } from "../check";
import { seedDemo } from "./index";

describe("demo seed: ledger and statements", () => {
  it("seeds three months of statements for every dealer, in every state, and every check passes", { timeout: 300_000 }, async () => {
    const db = getDb();
    const ids = await seedDemo(db);
    const checks = await runChecks(db);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    const d1 = await db.selectFrom("statements").selectAll().where("dealer_id", "=", ids.dealerIds.D001!).orderBy("period").execute();
    expect(d1.map((s) => s.status)).toEqual(["confirmed", "resolved", "issued"]);
    expect(d1[1]!.confirmed_closing_minor).not.toBeNull();
    for (const id of Object.values(ids.dealerIds)) {
      const n = await db.selectFrom("statements").select("id").where("dealer_id", "=", id).execute();
      expect(n).toHaveLength(3);
    }
    const disputes = await db.selectFrom("disputes").select(["status", "dealer_id", "adjustment_entry_id"]).execute();
    expect(
      disputes
        .filter((d) => d.dealer_id === ids.dealerIds.D001)
        .map((d) => d.status)
        .sort(),
    ).toEqual(["accepted", "rejected"]);
    expect(disputes.some((d) => d.status === "open")).toBe(true);
    // The accepted dispute's credit note is on the next statement, not the disputed one.
    const accepted = disputes.find((d) => d.dealer_id === ids.dealerIds.D001 && d.status === "accepted")!;
    const line = await db.selectFrom("statement_lines").select("statement_id").where("ledger_entry_id", "=", accepted.adjustment_entry_id!).executeTakeFirst();
    expect(line?.statement_id).toBe(d1[2]!.id);
    const types = await db.selectFrom("ledger_entries").select("entry_type").distinct().execute();
    expect(types.map((t) => t.entry_type)).toEqual(expect.arrayContaining(["credit_note", "fee", "invoice", "payment", "rebate"]));
  });
});

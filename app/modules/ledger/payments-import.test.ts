import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor, createCast } from "../../../tests/factories";
import { ForbiddenError, ValidationError } from "~/utils/errors";
import { decodeBankFile, importPayments, parseCsv, referenceTokens } from "./payments-import.server";

const enc = (s: string) => new TextEncoder().encode(s);

describe("bank CSV import", () => {
  it("parses quoted CSV and finds reference tokens", () => {
    expect(parseCsv('a,b\r\n"x, y","he said ""hi"""\n\n1,2')).toEqual([
      ["a", "b"],
      ["x, y", 'he said "hi"'],
      ["1", "2"],
    ]);
    expect(referenceTokens("D001货款 SO-2026-000123/11月")).toEqual(["D001", "SO-2026-000123", "11"]);
    expect(decodeBankFile(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toBe("a");
    expect(decodeBankFile(new Uint8Array([0xd6, 0xd0, 0xce, 0xc4]))).toBe("中文"); // GBK
  });

  it("matches by dealer code or order number, reports the rest, and never posts a bank row twice", async () => {
    const cast = await createCast();
    const db = getDb();
    await db.insertInto("orders").values({ number: "SO-2026-000777", dealer_id: cast.dealerB.id, status: "approved", total_minor: 1 }).execute();
    const a = cast.dealerA.code;
    const csv = [
      "date,amount,reference,bank_ref,payer",
      `2026-11-20,"12,000.00",${a} 货款,B-1,Dealer A`,
      "2026-11-20,500.5,Payment for SO-2026-000777,B-2,Dealer B",
      "2026-11-20,100,Unknown company,B-3,Someone",
      `2026-11-20,100,${a} and ${cast.dealerB.code},B-4,Both`,
      `2026-11-20,1.234,${a},B-5,Bad`,
      `2026-11-20,0,${a},B-6,Zero`,
      `2026-11-20,10,${a},,NoRef`,
      `2026-11-20,10,${a},B-1,Again`,
    ].join("\n");
    const fin = actorFor(cast.staff.finance);
    const r = await importPayments(fin, { filename: "bank.csv", bytes: enc(csv) });
    expect(r.total).toBe(8);
    expect(r.posted.map((p) => [p.row, p.dealerCode])).toEqual([
      [2, a],
      [3, cast.dealerB.code],
    ]);
    expect(r.postedMinor).toBe(12_000_00 + 500_50);
    expect(Object.fromEntries(r.problems.map((p) => [p.row, p.problem]))).toEqual({
      4: "no_match",
      5: "ambiguous",
      6: "bad_amount",
      7: "bad_amount",
      8: "missing_bank_ref",
      9: "duplicate_in_file",
    });
    const entries = await db.selectFrom("ledger_entries").selectAll().orderBy("id").execute();
    expect(entries.map((e) => [e.dealer_id, e.amount_minor, e.source_type, e.source_id])).toEqual([
      [cast.dealerA.id, -12_000_00, "bank", "B-1"],
      [cast.dealerB.id, -500_50, "bank", "B-2"],
    ]);
    expect(entries[1]!.order_id).not.toBeNull();
    // Re-import: nothing posted again.
    const again = await importPayments(fin, { filename: "bank.csv", bytes: enc(csv) });
    expect(again.posted).toHaveLength(0);
    expect(again.problems.filter((p) => p.problem === "already_imported").map((p) => p.row)).toEqual([2, 3]);
    expect(await db.selectFrom("ledger_entries").select("id").execute()).toHaveLength(2);
    const imports = await db.selectFrom("payment_imports").selectAll().execute();
    expect(imports.map((i) => i.matched_rows)).toEqual([2, 0]);
    const events = await db.selectFrom("domain_events").select("type").where("type", "=", "payment.received").execute();
    expect(events).toHaveLength(2);
  });

  it("two imports of the same file at once post each row once", async () => {
    const cast = await createCast();
    const csv = `amount,reference,bank_ref\n100,${cast.dealerA.code},C-1\n200,${cast.dealerA.code},C-2\n`;
    const fin = actorFor(cast.staff.finance);
    const [x, y] = await Promise.all([
      importPayments(fin, { filename: "a.csv", bytes: enc(csv) }),
      importPayments(fin, { filename: "b.csv", bytes: enc(csv) }),
    ]);
    expect(x.posted.length + y.posted.length).toBe(2);
    expect(await getDb().selectFrom("ledger_entries").select("id").execute()).toHaveLength(2);
  });

  it("refuses a file without the needed columns, and non-finance users", async () => {
    const cast = await createCast();
    await expect(importPayments(actorFor(cast.staff.finance), { filename: "x.csv", bytes: enc("foo,bar\n1,2") })).rejects.toBeInstanceOf(ValidationError);
    await expect(importPayments(actorFor(cast.staff.finance), { filename: "x.csv", bytes: enc("") })).rejects.toBeInstanceOf(ValidationError);
    await expect(importPayments(actorFor(cast.a.dealer_finance), { filename: "x.csv", bytes: enc("amount,reference,bank_ref\n1,x,y") })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});

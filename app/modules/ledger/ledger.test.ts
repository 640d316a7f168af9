import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { createConnection } from "mysql2/promise";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor, createCast, createDealer, createManufacturer } from "../../../tests/factories";
import { createCatalogBasics, createProduct } from "../../../tests/factories/catalog";
import { post, seedFeeTypes, sys } from "../../../tests/helpers/ledger";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";
import { transaction } from "~/utils/tx.server";
import { todayIn } from "~/utils/time";
import { creditPosition, creditPositions } from "./credit.server";
import { leastPrivilegeGrants } from "./grants";
import { PostEntrySchema } from "./ledger.schema.server";
import { dealerSummary, feesReport, getEntry, listEntries, postManualEntry, reverseLedgerEntry, setCreditLimit } from "./ledger.server";
import { balanceOf, reverseEntry } from "./post.server";

const today = () => todayIn("Asia/Shanghai");
const form = (over: Record<string, string>) => PostEntrySchema.safeParse({ key: `k-${Math.random().toString(36).slice(2)}`, description: "x", ...over });

describe("postEntry and reversals", () => {
  it("refuses wrong signs, zero and absurd amounts, unknown dealers and another currency", async () => {
    await createManufacturer();
    const d = await createDealer();
    await expect(post(d.id, "invoice", -5, today())).rejects.toBeInstanceOf(ValidationError);
    await expect(post(d.id, "payment", 5, today())).rejects.toBeInstanceOf(ValidationError);
    await expect(post(d.id, "fee", 0, today())).rejects.toBeInstanceOf(ValidationError);
    await expect(post(d.id, "fee", 1e15, today())).rejects.toBeInstanceOf(ValidationError);
    await expect(post(d.id, "fee", 1.5, today())).rejects.toBeInstanceOf(ValidationError);
    await expect(post(999_999, "fee", 100, today())).rejects.toMatchObject({ fieldErrors: { dealerId: ["ledger.unknownDealer"] } });
    await expect(post(d.id, "fee", 100, today(), { currency: "USD" })).rejects.toMatchObject({ fieldErrors: { currency: ["ledger.currencyMismatch"] } });
    expect(await getDb().selectFrom("ledger_entries").select("id").execute()).toHaveLength(0);
  });

  it("an entry is reversed once; a reversal cannot be reversed; the balance nets to zero", async () => {
    await createManufacturer();
    const d = await createDealer();
    const id = await post(d.id, "invoice", 123_45, today());
    const rev = await transaction("t", (tx) => reverseEntry(tx, sys(), id, today(), "wrong price"));
    const row = await getDb().selectFrom("ledger_entries").selectAll().where("id", "=", rev).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ amount_minor: -123_45, reverses_entry_id: id, entry_type: "adjustment", source_type: "reversal" });
    expect(await balanceOf(getDb(), d.id)).toBe(0);
    await expect(transaction("t", (tx) => reverseEntry(tx, sys(), id, today(), "again"))).rejects.toMatchObject({
      status: 409,
      messageKey: "ledger.alreadyReversed",
    });
    await expect(transaction("t", (tx) => reverseEntry(tx, sys(), rev, today(), "undo"))).rejects.toMatchObject({
      status: 409,
      messageKey: "ledger.cannotReverseReversal",
    });
    // Two reversals at once: one wins.
    const id2 = await post(d.id, "fee", 10_00, today());
    const both = await Promise.allSettled([reverseLedgerEntry(sys(), id2, "dup a"), reverseLedgerEntry(sys(), id2, "dup b")]);
    expect(both.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((both.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    await expect(reverseLedgerEntry(sys(), 987654, "nope")).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("manual postings", () => {
  it("parses decimal text into minor units and refuses bad amounts", () => {
    expect(form({ dealerId: "1", type: "payment", amount: "1,234.50" })).toMatchObject({ success: true, data: { amount: 123450 } });
    for (const bad of ["12.345", "0", "0.00", "-5", "abc", "99999999999999"]) expect(form({ dealerId: "1", type: "payment", amount: bad }).success).toBe(false);
    expect(form({ dealerId: "1", type: "fee", amount: "5" }).success).toBe(false); // fee type required
    expect(form({ dealerId: "1", type: "adjustment", amount: "5" }).success).toBe(false); // direction required
  });

  it("posts each type with its sign, today; a double submission posts once; a bank reference posts once", async () => {
    const cast = await createCast();
    await seedFeeTypes();
    const fin = actorFor(cast.staff.finance);
    const dealerId = cast.dealerA.id;
    const p = form({ dealerId: String(dealerId), type: "payment", amount: "1000", bankReference: "BANK-1" });
    if (!p.success) throw p.error;
    const first = await postManualEntry(fin, p.data);
    expect(first.duplicate).toBe(false);
    await expect(postManualEntry(fin, { ...p.data, key: "another-key-1" })).rejects.toMatchObject({
      fieldErrors: { bankReference: ["ledger.bankReferenceUsed"] },
    });
    const fee = form({ dealerId: String(dealerId), type: "fee", amount: "20.5", feeTypeCode: "freight" });
    if (!fee.success) throw fee.error;
    const f1 = await postManualEntry(fin, fee.data);
    const f2 = await postManualEntry(fin, fee.data);
    expect(f2).toEqual({ ...f1, duplicate: true });
    const reb = form({ dealerId: String(dealerId), type: "rebate", amount: "300", reference: "Q3-VOLUME", feeTypeCode: "volume_rebate" });
    if (!reb.success) throw reb.error;
    await postManualEntry(fin, reb.data);
    const adj = form({ dealerId: String(dealerId), type: "adjustment", amount: "1", direction: "credit" });
    if (!adj.success) throw adj.error;
    await postManualEntry(fin, adj.data);
    const cn = form({ dealerId: String(dealerId), type: "credit_note", amount: "2" });
    if (!cn.success) throw cn.error;
    await postManualEntry(fin, cn.data);
    const rows = await getDb().selectFrom("ledger_entries").select(["entry_type", "amount_minor", "business_date", "due_date"]).orderBy("id").execute();
    expect(rows.map((r) => [r.entry_type, r.amount_minor])).toEqual([
      ["payment", -1000_00],
      ["fee", 20_50],
      ["rebate", -300_00],
      ["adjustment", -1_00],
      ["credit_note", -2_00],
    ]);
    expect(rows.every((r) => r.business_date === today())).toBe(true);
    expect(rows[1]!.due_date).not.toBeNull();
    // Wrong fee kind, unknown order, unknown dealer.
    const wrongKind = form({ dealerId: String(dealerId), type: "fee", amount: "1", feeTypeCode: "volume_rebate" });
    if (!wrongKind.success) throw wrongKind.error;
    await expect(postManualEntry(fin, wrongKind.data)).rejects.toBeInstanceOf(ValidationError);
    const badOrder = form({ dealerId: String(dealerId), type: "credit_note", amount: "1", orderNumber: "SO-NOPE" });
    if (!badOrder.success) throw badOrder.error;
    await expect(postManualEntry(fin, badOrder.data)).rejects.toMatchObject({ fieldErrors: { orderNumber: ["ledger.unknownOrder"] } });
    const unknown = form({ dealerId: "999999", type: "payment", amount: "1" });
    if (!unknown.success) throw unknown.error;
    await expect(postManualEntry(fin, unknown.data)).rejects.toMatchObject({ fieldErrors: { dealerId: ["ledger.unknownDealer"] } });
    // Dealer roles may not post.
    await expect(postManualEntry(actorFor(cast.a.dealer_finance), cn.data)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await getDb().selectFrom("ledger_entries").select("id").execute()).toHaveLength(5);
  });

  it("scopes ledger reads: a dealer sees only its own entries; other dealers' entries are 404", async () => {
    const cast = await createCast();
    const a = await post(cast.dealerA.id, "invoice", 10_00, today());
    const b = await post(cast.dealerB.id, "invoice", 20_00, today());
    const fin = actorFor(cast.a.dealer_finance);
    const list = await listEntries(fin, { page: 1 });
    expect(list.rows.map((r) => r.id)).toEqual([a]);
    await expect(getEntry(fin, b)).rejects.toBeInstanceOf(NotFoundError);
    await expect(listEntries(fin, { page: 1, dealerId: cast.dealerB.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(listEntries(actorFor(cast.a.dealer_sales), { page: 1 })).rejects.toBeInstanceOf(ForbiddenError);
    const all = await listEntries(actorFor(cast.staff.finance), { page: 1, dealerId: cast.dealerA.id });
    expect(all.rows[0]!.running_minor).toBe(10_00);
  });
});

describe("credit", () => {
  it("available = limit − balance − open order value, exactly at the boundary", async () => {
    const cast = await createCast();
    const db = getDb();
    const dealerId = cast.dealerA.id;
    await db.updateTable("organisations").set({ credit_limit_minor: 1000_00 }).where("id", "=", dealerId).execute();
    await post(dealerId, "invoice", 600_00, today());
    await db.insertInto("orders").values({ number: "SO-T-1", dealer_id: dealerId, status: "approved", total_minor: 400_00 }).execute();
    await db.insertInto("orders").values({ number: "SO-T-2", dealer_id: dealerId, status: "credit_hold", total_minor: 999_00 }).execute();
    let c = await creditPosition(db, dealerId);
    expect(c).toMatchObject({ limitMinor: 1000_00, balanceMinor: 600_00, openOrdersMinor: 400_00, availableMinor: 0 });
    await post(dealerId, "fee", 1, today());
    c = await creditPosition(db, dealerId);
    expect(c.availableMinor).toBe(-1);
    await post(dealerId, "payment", -1, today());
    const many = await creditPositions(db, [dealerId, cast.dealerB.id]);
    expect(many.get(dealerId)).toEqual(await creditPosition(db, dealerId));
    expect(many.get(cast.dealerB.id)!.balanceMinor).toBe(0);
  });

  it("finance edits the limit (audited, event); dealers cannot", async () => {
    const cast = await createCast();
    const r = await setCreditLimit(actorFor(cast.staff.finance), cast.dealerA.id, { creditLimit: 2_000_000_00, reason: "Annual review" });
    expect(r.limitMinor).toBe(2_000_000_00);
    await expect(setCreditLimit(actorFor(cast.staff.finance), cast.dealerA.id, { creditLimit: 2_000_000_00, reason: "same" })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(setCreditLimit(actorFor(cast.a.dealer_admin), cast.dealerA.id, { creditLimit: 1, reason: "mine" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(setCreditLimit(actorFor(cast.staff.ops), cast.dealerA.id, { creditLimit: 1, reason: "ops" })).rejects.toBeInstanceOf(ForbiddenError);
    const ev = await getDb().selectFrom("domain_events").selectAll().where("type", "=", "credit_limit.changed").execute();
    expect(ev).toHaveLength(1);
    expect(ev[0]!.dealer_id).toBe(cast.dealerA.id);
    const au = await getDb().selectFrom("audit_log").selectAll().where("action", "=", "credit_limit.changed").execute();
    expect(au).toHaveLength(1);
    const s = await dealerSummary(actorFor(cast.a.dealer_finance), cast.dealerA.id);
    expect(s.credit.limitMinor).toBe(2_000_000_00);
    await expect(dealerSummary(actorFor(cast.a.dealer_finance), cast.dealerB.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("fees and rebates", () => {
  it("totals by type and period, netting reversals; scoped to the dealer", async () => {
    const cast = await createCast();
    await seedFeeTypes();
    await post(cast.dealerA.id, "fee", 100_00, "2026-09-05", { feeTypeCode: "freight" });
    const wrong = await post(cast.dealerA.id, "fee", 30_00, "2026-09-06", { feeTypeCode: "penalty" });
    await transaction("t", (tx) => reverseEntry(tx, sys(), wrong, "2026-09-07", "waived"));
    await post(cast.dealerA.id, "rebate", -500_00, "2026-10-01", { feeTypeCode: "volume_rebate", reference: "Q3" });
    await post(cast.dealerA.id, "invoice", 9_999_00, "2026-10-01");
    await post(cast.dealerB.id, "fee", 1_00, "2026-10-01", { feeTypeCode: "freight" });
    const r = await feesReport(actorFor(cast.a.dealer_finance), { page: 1, from: "2026-09", to: "2026-10" });
    expect(r.totals).toEqual({ fee: 100_00, rebate: -500_00 });
    expect(r.summary.find((s) => s.fee_type_code === "penalty")).toMatchObject({ n: 2, total: 0 });
    expect(r.rows.every((x) => x.dealer_id === cast.dealerA.id)).toBe(true);
    const fin = await feesReport(actorFor(cast.staff.finance), { page: 1, kind: "fee" });
    expect(fin.totals).toEqual({ fee: 101_00, rebate: 0 });
    await expect(feesReport(actorFor(cast.a.dealer_sales), { page: 1 })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(feesReport(actorFor(cast.a.dealer_admin), { page: 1, dealerId: cast.dealerB.id })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("immutability", () => {
  const roots = ["app", "db/seed", "db/check.ts", "jobs", "emails", "server.ts"];
  function files(p: string): string[] {
    try {
      const st = statSync(p);
      if (st.isFile()) return /\.(ts|tsx)$/.test(p) && !/\.test\.tsx?$/.test(p) ? [p] : [];
      return readdirSync(p).flatMap((f) => files(path.join(p, f)));
    } catch {
      return [];
    }
  }

  it("no code path updates or deletes ledger entries or statement lines", () => {
    const offenders: string[] = [];
    const patterns = [
      /updateTable\(\s*["'`](ledger_entries|statement_lines)\b/,
      /deleteFrom\(\s*["'`](ledger_entries|statement_lines)\b/,
      /\bUPDATE\s+`?(ledger_entries|statement_lines)\b/i,
      /\bDELETE\s+FROM\s+`?(ledger_entries|statement_lines)\b/i,
      /\bTRUNCATE\s+(TABLE\s+)?`?(ledger_entries|statement_lines)\b/i,
    ];
    const all = roots.flatMap(files);
    expect(all.length).toBeGreaterThan(20);
    for (const f of all) {
      const text = readFileSync(f, "utf8");
      for (const re of patterns) if (re.test(text)) offenders.push(`${f}: ${re}`);
    }
    expect(offenders).toEqual([]);
  });

  it("the documented least-privilege grants leave the app user unable to UPDATE or DELETE ledger rows", async () => {
    await createManufacturer();
    const d = await createDealer();
    const id = await post(d.id, "invoice", 1_00, today());
    const url = new URL(process.env.DATABASE_URL!);
    const database = url.pathname.slice(1);
    const user = `dd_lp_${process.env.VITEST_POOL_ID ?? "1"}_${process.pid}`.slice(0, 32);
    const root = await createConnection({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username || "root"),
      password: decodeURIComponent(url.password),
    });
    try {
      await root.query(`DROP USER IF EXISTS '${user}'@'%'`);
      await root.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'lp-test-Passw0rd'`);
      const tables = (await getDb()
        .selectFrom("information_schema.tables" as never)
        .select("table_name as t" as never)
        .where("table_schema" as never, "=", database as never)
        .execute()) as unknown as { t: string }[];
      for (const g of leastPrivilegeGrants(
        database,
        `'${user}'@'%'`,
        tables.map((t) => t.t),
      ))
        await root.query(g);
      const app = await createConnection({ host: url.hostname, port: Number(url.port || 3306), user, password: "lp-test-Passw0rd", database });
      try {
        await expect(app.query("UPDATE ledger_entries SET amount_minor = 1 WHERE id = ?", [id])).rejects.toMatchObject({ code: "ER_TABLEACCESS_DENIED_ERROR" });
        await expect(app.query("DELETE FROM ledger_entries WHERE id = ?", [id])).rejects.toMatchObject({ code: "ER_TABLEACCESS_DENIED_ERROR" });
        await expect(app.query("DELETE FROM statement_lines")).rejects.toMatchObject({ code: "ER_TABLEACCESS_DENIED_ERROR" });
        const [rows] = await app.query("SELECT id FROM ledger_entries WHERE id = ?", [id]);
        expect(rows).toHaveLength(1);
        await app.query("INSERT INTO ledger_entries (dealer_id, entry_type, amount_minor, currency, business_date) VALUES (?, 'fee', 5, 'CNY', ?)", [
          d.id,
          today(),
        ]);
        await app.query("UPDATE statements SET version = version WHERE id = 0");
        // Product writes and the catalog version (kept by the domain, no triggers, decision 111) are plain DML.
        await createCatalogBasics();
        const product = await createProduct({ sku: "LP-1", tiers: {} });
        const version = async () =>
          Number(((await app.query("SELECT version FROM catalog_version WHERE id = 1")) as unknown as [{ version: number }[]])[0][0]!.version);
        const before = await version();
        await app.query("UPDATE products SET name_en = 'Renamed by the app user' WHERE id = ?", [product.id]);
        expect(await version()).toBe(before);
        await app.query("INSERT INTO catalog_version (id, version) VALUES (1, 1) ON DUPLICATE KEY UPDATE version = version + 1");
        await app.query("UPDATE catalog_version SET fingerprint = fingerprint WHERE id = 1");
        expect(await version()).toBe(before + 1);
      } finally {
        await app.end();
      }
    } finally {
      await root.query(`DROP USER IF EXISTS '${user}'@'%'`);
      await root.end();
    }
  });
});

import { describe, expect, it } from "vitest";
import { describeEntry } from "~/modules/ledger/descriptions";
import { getDb } from "../../../db/client";
import { actorFor, createCast, createDealer, createManufacturer } from "../../../tests/factories";
import { linesOf, post, statementOf, sys } from "../../../tests/helpers/ledger";
import { rng } from "../../../db/seed/random";
import { issueStatements } from "./issue.server";
import {
  STATEMENT_CSV_HEADER,
  STATEMENT_LINES_CSV_HEADER,
  confirmStatement,
  exportStatements,
  disputeLine,
  exportStatementLines,
  findStatementInvariantViolations,
  getStatement,
  getStatementPage,
  listStatements,
  resolveDispute,
  statementsAwaitingConfirmation,
} from "./statements.server";
import { periodBounds, nextPeriod } from "~/modules/ledger/period";
import { StatementListQuery } from "./statements.schema.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";
import { balanceOf } from "~/modules/ledger/post.server";
import { clockForEachTest, setClock } from "../../../tests/helpers/clock";

// Every test issues periods of 2026 up to 2026-10, which must have ended: the clock is set to
// noon on 6 December 2026 in Shanghai (the credit notes of accepted disputes are dated that day).
const NOW = "2026-12-06T04:00:00Z";
clockForEachTest(NOW);

describe("issueStatements", () => {
  it("issues opening + lines = closing, chains periods, and includes every entry of the period once", async () => {
    await createManufacturer();
    const d = await createDealer();
    await post(d.id, "invoice", 100_00, "2026-07-20");
    await post(d.id, "invoice", 250_00, "2026-08-03");
    await post(d.id, "payment", -80_00, "2026-08-31");
    await post(d.id, "fee", 5_00, "2026-09-01");
    const aug = await issueStatements(sys(), { period: "2026-08" });
    expect(aug.issued).toBe(1);
    const s8 = (await statementOf(d.id, "2026-08"))!;
    expect(s8.opening_minor).toBe(100_00); // Σ before the first period
    expect(s8.debit_minor).toBe(250_00);
    expect(s8.credit_minor).toBe(-80_00);
    expect(s8.closing_minor).toBe(270_00);
    expect(s8.line_count).toBe(2);
    const lines = await linesOf(s8.id);
    expect(lines.map((l) => l.amount_minor)).toEqual([250_00, -80_00]);
    expect(lines.map((l) => l.line_no)).toEqual([1, 2]);
    await issueStatements(sys(), { period: "2026-09" });
    const s9 = (await statementOf(d.id, "2026-09"))!;
    expect(s9.opening_minor).toBe(s8.closing_minor);
    expect(s9.closing_minor).toBe(275_00);
    expect(await findStatementInvariantViolations(getDb())).toEqual([]);
  });

  it("is idempotent: a second run, and two runs at once, create one statement per dealer and period", async () => {
    await createManufacturer();
    const dealers = await Promise.all([createDealer(), createDealer(), createDealer()]);
    for (const d of dealers) await post(d.id, "invoice", 10_00, "2026-09-10");
    const first = await issueStatements(sys(), { period: "2026-09" });
    expect(first.issued).toBe(3);
    const again = await issueStatements(sys(), { period: "2026-09" });
    expect(again.issued).toBe(0);
    expect(again.alreadyIssued).toBe(3);
    for (const d of dealers) await post(d.id, "invoice", 20_00, "2026-10-10");
    const both = await Promise.all([issueStatements(sys(), { period: "2026-10" }), issueStatements(sys(), { period: "2026-10" })]);
    expect(both[0].issued + both[1].issued).toBe(3);
    const n = await getDb()
      .selectFrom("statements")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("period", "=", "2026-10")
      .executeTakeFirst();
    expect(Number(n?.n)).toBe(3);
    const events = await getDb().selectFrom("domain_events").select(["dealer_id"]).where("type", "=", "statement.issued").execute();
    expect(events).toHaveLength(6);
    expect(events.every((e) => e.dealer_id !== null)).toBe(true);
    const audits = await getDb().selectFrom("audit_log").select("id").where("action", "=", "statement.issued").execute();
    expect(audits).toHaveLength(6);
    expect(await findStatementInvariantViolations(getDb())).toEqual([]);
  });

  it("uses a fixed number of queries per batch, whatever the number of dealers and entries", async () => {
    await createManufacturer();
    const dealers: { id: number }[] = [];
    for (let i = 0; i < 7; i++) dealers.push(await createDealer());
    const db = getDb();
    const rows = dealers.flatMap((d, i) =>
      Array.from({ length: 5 + i * 3 }, (_, k) => ({
        dealer_id: d.id,
        entry_type: "invoice",
        amount_minor: 100 + k,
        currency: "CNY",
        business_date: `2026-09-${String(1 + (k % 28)).padStart(2, "0")}`,
      })),
    );
    await db.insertInto("ledger_entries").values(rows).execute();
    const progress: number[] = [];
    const res = await issueStatements(sys(), { period: "2026-09", batchSize: 3, onProgress: (p) => void progress.push(p.dealersProcessed) });
    expect(res.issued).toBe(7);
    expect(res.batches).toBe(3);
    expect(progress).toEqual([3, 6, 7]);
    const lines = await db
      .selectFrom("statement_lines")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirst();
    expect(Number(lines?.n)).toBe(rows.length);
    expect(await findStatementInvariantViolations(db)).toEqual([]);
  });

  it("refuses a period that has not ended, a bad period, and skips dealers whose previous period is missing", async () => {
    await createManufacturer();
    const d = await createDealer();
    await post(d.id, "invoice", 10_00, "2026-08-10");
    // On 20 November 2026 (Shanghai) the period 2026-11 has not ended, 2026-10 has.
    setClock("2026-11-20T04:00:00Z");
    await expect(issueStatements(sys(), { period: "2026-11" })).rejects.toBeInstanceOf(ValidationError);
    await expect(issueStatements(sys(), { period: "2026-13" })).rejects.toBeInstanceOf(ValidationError);
    await issueStatements(sys(), { period: "2026-08" });
    const r = await issueStatements(sys(), { period: "2026-10" });
    expect(r.skippedGap).toBe(1);
    expect(await statementOf(d.id, "2026-10")).toBeUndefined();
    const cast = await createCast();
    await expect(issueStatements(actorFor(cast.a.dealer_finance), { period: "2026-08" })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("an entry at 23:30 Shanghai time on the last day of a month belongs to that month", async () => {
    await createManufacturer();
    const d = await createDealer();
    setClock("2026-10-31T15:30:00Z"); // 23:30 in Asia/Shanghai
    const { todayIn } = await import("~/utils/time");
    const businessDate = todayIn("Asia/Shanghai");
    expect(businessDate).toBe("2026-10-31");
    await post(d.id, "invoice", 42_00, businessDate);
    setClock("2026-10-31T16:30:00Z"); // 00:30 on 1 November in Shanghai
    await post(d.id, "invoice", 7_00, todayIn("Asia/Shanghai"));
    setClock(NOW);
    await issueStatements(sys(), { period: "2026-10" });
    const s = (await statementOf(d.id, "2026-10"))!;
    expect(s.debit_minor).toBe(42_00);
    expect(s.line_count).toBe(1);
  });

  it("property: random postings over several periods always chain and add up (seeded PRNG)", async () => {
    await createManufacturer();
    const r = rng(20261122);
    const dealers = [await createDealer(), await createDealer(), await createDealer()];
    const periods = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"];
    const types = ["invoice", "payment", "credit_note", "rebate", "fee", "adjustment"] as const;
    const sign = { invoice: 1, fee: 1, payment: -1, credit_note: -1, rebate: -1 } as Record<string, number>;
    const posted: number[] = [];
    // Some history before the first statement.
    for (const d of dealers) await post(d.id, "invoice", r.int(1, 500_000), "2026-04-15");
    for (const p of periods) {
      const { start } = periodBounds(p);
      const count = r.int(0, 12);
      for (let i = 0; i < count; i++) {
        const d = r.pick(dealers);
        const type = r.pick(types);
        const amount = r.int(1, 2_000_000) * (sign[type] ?? (r.chance(0.5) ? 1 : -1));
        const day = `${start.slice(0, 8)}${String(r.int(1, 28)).padStart(2, "0")}`;
        posted.push(await post(d.id, type, amount, day));
      }
      if (posted.length && r.chance(0.4)) {
        // A reversal in the same (still open) period.
        const { reverseEntry } = await import("~/modules/ledger/post.server");
        const { transaction } = await import("~/utils/tx.server");
        const target = posted.pop()!;
        const e = await getDb().selectFrom("ledger_entries").select(["business_date"]).where("id", "=", target).executeTakeFirstOrThrow();
        await transaction("t", (tx) => reverseEntry(tx, sys(), target, e.business_date, "test"));
      }
      await issueStatements(sys(), { period: p });
    }
    expect(await findStatementInvariantViolations(getDb())).toEqual([]);
    for (const d of dealers) {
      let prevClosing: number | null = null;
      for (const p of periods) {
        const s = (await statementOf(d.id, p))!;
        const lines = await linesOf(s.id);
        expect(s.opening_minor + lines.reduce((t, l) => t + l.amount_minor, 0)).toBe(s.closing_minor);
        if (prevClosing !== null) expect(s.opening_minor).toBe(prevClosing);
        prevClosing = s.closing_minor;
      }
      const last = (await statementOf(d.id, periods.at(-1)!))!;
      expect(last.closing_minor).toBe(await balanceOf(getDb(), d.id));
      expect(nextPeriod(periods.at(-1)!)).toBe("2026-11");
    }
  });

  it("a late entry dated inside an issued period is refused and the statement does not change", async () => {
    await createManufacturer();
    const d = await createDealer();
    await post(d.id, "invoice", 10_00, "2026-09-10");
    await issueStatements(sys(), { period: "2026-09" });
    const before = (await statementOf(d.id, "2026-09"))!;
    await expect(post(d.id, "fee", 1_00, "2026-09-30")).rejects.toMatchObject({ status: 409, messageKey: "ledger.periodClosed" });
    await expect(post(d.id, "fee", 1_00, "2026-08-01")).rejects.toBeInstanceOf(ConflictError);
    await post(d.id, "fee", 1_00, "2026-10-01");
    const after = (await statementOf(d.id, "2026-09"))!;
    expect(after).toEqual(before);
    expect(await findStatementInvariantViolations(getDb())).toEqual([]);
  });
});

async function issuedFor(dealerId: number) {
  await post(dealerId, "invoice", 1000_00, "2026-10-05", { reference: "INV-1" });
  await post(dealerId, "fee", 50_00, "2026-10-06", { feeTypeCode: null });
  await post(dealerId, "payment", -300_00, "2026-10-20");
  await issueStatements(sys(), { period: "2026-10" });
  const s = (await statementOf(dealerId, "2026-10"))!;
  return { s, lines: await linesOf(s.id) };
}

describe("confirm and dispute", () => {
  it("the dealer confirms the balance once; confirming twice or disputing afterwards is 409", async () => {
    const cast = await createCast();
    const { s, lines } = await issuedFor(cast.dealerA.id);
    const fin = actorFor(cast.a.dealer_finance);
    const r = await confirmStatement(fin, s.id, { version: s.version });
    expect(r).toEqual({ status: "confirmed", confirmedClosingMinor: s.closing_minor });
    const after = (await statementOf(cast.dealerA.id, "2026-10"))!;
    expect(after.confirmed_by).toBe(cast.a.dealer_finance.id);
    expect(after.confirmed_at).toBeInstanceOf(Date);
    await expect(confirmStatement(fin, s.id, { version: after.version })).rejects.toMatchObject({ status: 409, messageKey: "statements.alreadyConfirmed" });
    await expect(disputeLine(fin, s.id, { lineId: lines[0]!.id, reasonCode: "other", amount: 1_00, comment: null })).rejects.toMatchObject({ status: 409 });
    const ev = await getDb().selectFrom("domain_events").select("type").where("type", "=", "statement.confirmed").execute();
    expect(ev).toHaveLength(1);
  });

  it("dispute lifecycle: dispute a line, confirm the rest, finance accepts → credit note in the open period; statement resolved", async () => {
    const cast = await createCast();
    const { s, lines } = await issuedFor(cast.dealerA.id);
    const dealer = actorFor(cast.a.dealer_admin);
    const { disputeId } = await disputeLine(dealer, s.id, {
      lineId: lines[0]!.id,
      reasonCode: "price_differs",
      amount: 120_00,
      comment: "Agreed quote was lower",
    });
    let st = (await statementOf(cast.dealerA.id, "2026-10"))!;
    expect(st.status).toBe("disputed");
    // Confirm the rest: the agreed balance leaves the disputed amount out; the status stays disputed.
    const c = await confirmStatement(dealer, s.id, { version: st.version });
    expect(c).toEqual({ status: "disputed", confirmedClosingMinor: s.closing_minor - 120_00 });
    const fin = actorFor(cast.staff.finance);
    const d = await getDb().selectFrom("disputes").selectAll().where("id", "=", disputeId).executeTakeFirstOrThrow();
    const res = await resolveDispute(fin, disputeId, { decision: "accept", note: "Quote Q-7 applies", version: d.version });
    expect(res.status).toBe("accepted");
    expect(res.statementStatus).toBe("resolved");
    const entry = await getDb().selectFrom("ledger_entries").selectAll().where("id", "=", res.entryId!).executeTakeFirstOrThrow();
    expect(entry.entry_type).toBe("credit_note");
    expect(entry.amount_minor).toBe(-120_00);
    expect(entry.dispute_id).toBe(disputeId);
    // Its description is the system's, kept as a key for each reader's language.
    const disputedLine = (await linesOf(s.id)).find((l) => l.id === d.statement_line_id)!;
    expect(entry.description).toBe(
      `Dispute #${disputeId} accepted (2026-10 line ${disputedLine.line_no}, entry #${disputedLine.ledger_entry_id}): Quote Q-7 applies`,
    );
    expect(entry.description_key).toBe("ledger.desc.disputeAcceptedNote");
    expect(describeEntry("zh-CN", entry)).toBe(
      `争议 #${disputeId} 已接受（2026-10 第 ${disputedLine.line_no} 行，分录 #${disputedLine.ledger_entry_id}）：Quote Q-7 applies`,
    );
    const { todayIn } = await import("~/utils/time");
    expect(entry.business_date).toBe(todayIn("Asia/Shanghai"));
    expect(entry.business_date > s.period_end).toBe(true);
    st = (await statementOf(cast.dealerA.id, "2026-10"))!;
    expect(st.status).toBe("resolved");
    expect(st.closing_minor).toBe(s.closing_minor); // the old statement never changes
    expect((await linesOf(s.id)).length).toBe(lines.length);
    const events = await getDb()
      .selectFrom("domain_events")
      .select(["type", "dealer_id"])
      .where("type", "in", ["dispute.opened", "dispute.resolved", "statement.disputed", "statement.resolved"])
      .execute();
    expect(events.map((e) => e.type).sort()).toEqual(["dispute.opened", "dispute.resolved", "statement.disputed", "statement.resolved"]);
    expect(await findStatementInvariantViolations(getDb())).toEqual([]);
    // Resolving again is a conflict.
    await expect(resolveDispute(fin, disputeId, { decision: "reject", note: "x", version: d.version + 1 })).rejects.toMatchObject({ status: 409 });
  });

  it("a rejected dispute posts nothing; the statement resolves when every dispute is decided", async () => {
    const cast = await createCast();
    const { s, lines } = await issuedFor(cast.dealerA.id);
    const dealer = actorFor(cast.a.dealer_finance);
    const d1 = await disputeLine(dealer, s.id, { lineId: lines[0]!.id, reasonCode: "quantity_differs", amount: 10_00, comment: null });
    const d2 = await disputeLine(dealer, s.id, { lineId: lines[2]!.id, reasonCode: "other", amount: 300_00, comment: "Paid 400" });
    const fin = actorFor(cast.staff.finance);
    const n0 = await balanceOf(getDb(), cast.dealerA.id);
    const r1 = await resolveDispute(fin, d1.disputeId, { decision: "reject", note: "Delivery note signed for full quantity", version: 1 });
    expect(r1).toMatchObject({ status: "rejected", entryId: null, statementStatus: "disputed" });
    expect(await balanceOf(getDb(), cast.dealerA.id)).toBe(n0);
    const r2 = await resolveDispute(fin, d2.disputeId, { decision: "accept", note: null, version: 1 });
    expect(r2.statementStatus).toBe("resolved");
    // A disputed payment line: accepted as an adjustment reducing what the dealer owes.
    const e = await getDb().selectFrom("ledger_entries").selectAll().where("id", "=", r2.entryId!).executeTakeFirstOrThrow();
    expect(e.entry_type).toBe("adjustment");
    expect(e.amount_minor).toBe(-300_00);
    // Resolved: no more disputes.
    await expect(disputeLine(dealer, s.id, { lineId: lines[1]!.id, reasonCode: "other", amount: 1_00, comment: null })).rejects.toMatchObject({ status: 409 });
  });

  it("refuses bad disputes: amount above the line, a line of another statement (404), the same line twice (409), other dealers (404), forbidden roles (403)", async () => {
    const cast = await createCast();
    const { s, lines } = await issuedFor(cast.dealerA.id);
    const b = await issuedFor(cast.dealerB.id);
    const dealer = actorFor(cast.a.dealer_finance);
    await expect(disputeLine(dealer, s.id, { lineId: lines[0]!.id, reasonCode: "other", amount: 1000_01, comment: null })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(disputeLine(dealer, s.id, { lineId: b.lines[0]!.id, reasonCode: "other", amount: 1_00, comment: null })).rejects.toBeInstanceOf(NotFoundError);
    await expect(disputeLine(dealer, b.s.id, { lineId: b.lines[0]!.id, reasonCode: "other", amount: 1_00, comment: null })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(confirmStatement(dealer, b.s.id, { version: 1 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(getStatement(dealer, b.s.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getStatement(actorFor(cast.a.dealer_sales), s.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getStatement(actorFor(cast.staff.account_manager), s.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      disputeLine(actorFor(cast.staff.finance), s.id, { lineId: lines[0]!.id, reasonCode: "other", amount: 1_00, comment: null }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await disputeLine(dealer, s.id, { lineId: lines[0]!.id, reasonCode: "duplicate", amount: 1_00, comment: null });
    await expect(
      disputeLine(actorFor(cast.a.dealer_admin), s.id, { lineId: lines[0]!.id, reasonCode: "other", amount: 1_00, comment: null }),
    ).rejects.toMatchObject({ status: 409, messageKey: "disputes.lineAlreadyDisputed" });
    const list = await listStatements(actorFor(cast.staff.finance), { page: 1 });
    expect(list.total).toBe(2);
    const own = await listStatements(dealer, { page: 1 });
    expect(own.rows.map((r) => r.dealer_id)).toEqual([cast.dealerA.id]);
    expect(await getDb().selectFrom("disputes").select("id").execute()).toHaveLength(1);
  });

  it("concurrent confirm and dispute on the same version: exactly one wins", async () => {
    const cast = await createCast();
    const { s, lines } = await issuedFor(cast.dealerA.id);
    const results = await Promise.allSettled([
      confirmStatement(actorFor(cast.a.dealer_admin), s.id, { version: s.version }),
      disputeLine(actorFor(cast.a.dealer_finance), s.id, { lineId: lines[0]!.id, reasonCode: "not_received", amount: 5_00, comment: null }),
    ]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toBeInstanceOf(ConflictError);
    const st = (await statementOf(cast.dealerA.id, "2026-10"))!;
    const disputes = await getDb().selectFrom("disputes").select("id").execute();
    if (st.status === "confirmed") expect(disputes).toHaveLength(0);
    else {
      expect(st.status).toBe("disputed");
      expect(st.confirmed_at).toBeNull();
      expect(disputes).toHaveLength(1);
    }
  });

  it("two finance users resolving one dispute: exactly one wins, the other gets 409", async () => {
    const cast = await createCast();
    const { s, lines } = await issuedFor(cast.dealerA.id);
    const { disputeId } = await disputeLine(actorFor(cast.a.dealer_admin), s.id, {
      lineId: lines[0]!.id,
      reasonCode: "price_differs",
      amount: 50_00,
      comment: null,
    });
    const fin = actorFor(cast.staff.finance);
    const admin = actorFor(cast.staff.admin);
    const results = await Promise.allSettled([
      resolveDispute(fin, disputeId, { decision: "accept", note: null, version: 1 }),
      resolveDispute(admin, disputeId, { decision: "accept", note: null, version: 1 }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(ConflictError);
    const credits = await getDb().selectFrom("ledger_entries").select("id").where("dispute_id", "=", disputeId).execute();
    expect(credits).toHaveLength(1);
  });

  it("statementsAwaitingConfirmation lists issued statements with their deadline and overdue flag", async () => {
    const cast = await createCast();
    const { s } = await issuedFor(cast.dealerA.id);
    await issuedFor(cast.dealerB.id);
    await confirmStatement(actorFor(cast.b.dealer_admin), (await statementOf(cast.dealerB.id, "2026-10"))!.id, { version: 1 });
    const onTime = await statementsAwaitingConfirmation(getDb(), s.confirm_by);
    expect(onTime).toHaveLength(1);
    expect(onTime[0]).toMatchObject({ id: s.id, dealerId: cast.dealerA.id, overdue: false, daysOverdue: 0 });
    const { addDays } = await import("~/utils/time");
    const late = await statementsAwaitingConfirmation(getDb(), addDays(s.confirm_by, 3));
    expect(late[0]).toMatchObject({ overdue: true, daysOverdue: 3 });
  });
});

describe("the statement page reads one window of lines", () => {
  it("pages 250 lines by 100 in line order, filters disputed lines, and keeps totals and confirmation whole-statement", async () => {
    const cast = await createCast();
    const db = getDb();
    const rows = Array.from({ length: 250 }, (_, k) => ({
      dealer_id: cast.dealerA.id,
      entry_type: k % 5 === 4 ? "payment" : "invoice",
      amount_minor: k % 5 === 4 ? -(k + 1) * 10 : (k + 1) * 100,
      currency: "CNY",
      business_date: `2026-10-${String(1 + (k % 28)).padStart(2, "0")}`,
      description: `entry ${k}`,
    }));
    await db.insertInto("ledger_entries").values(rows).execute();
    await issueStatements(sys(), { period: "2026-10" });
    const s = (await statementOf(cast.dealerA.id, "2026-10"))!;
    const all = await linesOf(s.id);
    expect(all).toHaveLength(250);
    const dealer = actorFor(cast.a.dealer_finance);

    const p1 = await getStatementPage(dealer, s.id, { lines: "all", page: 1 });
    expect(p1.lines.map((l) => l.line_no)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(p1.filter).toMatchObject({ page: 1, pageSize: 100, total: 250, first: true, last: false });
    const p3 = await getStatementPage(dealer, s.id, { lines: "all", page: 3 });
    expect(p3.lines.map((l) => l.line_no)).toEqual(Array.from({ length: 50 }, (_, i) => i + 201));
    expect(p3.filter).toMatchObject({ page: 3, first: false, last: true });
    // Past the end: the last page, not an empty one.
    expect((await getStatementPage(dealer, s.id, { lines: "all", page: 99 })).filter.page).toBe(3);
    // The pages together are the statement, each line once, and add up to its figures.
    const p2 = await getStatementPage(dealer, s.id, { lines: "all", page: 2 });
    const paged = [...p1.lines, ...p2.lines, ...p3.lines];
    expect(paged.map((l) => l.id)).toEqual(all.map((l) => l.id));
    expect(s.opening_minor + paged.reduce((t, l) => t + l.amount_minor, 0)).toBe(p1.statement.closing_minor);
    // Every line carries its running balance over the whole statement, across page boundaries.
    let running = s.opening_minor;
    for (const l of paged) {
      running += l.amount_minor;
      expect(l.balance_minor, `line ${l.line_no}`).toBe(running);
    }
    expect(p3.lines.at(-1)!.balance_minor).toBe(s.closing_minor);

    // Dispute a line on page 2 and one on page 1; the disputed view lists exactly those, with the summary.
    const l150 = all[149]!;
    const l7 = all[6]!;
    await disputeLine(dealer, s.id, { lineId: l150.id, reasonCode: "price_differs", amount: 1_00, comment: null });
    const { lineNo } = await disputeLine(dealer, s.id, { lineId: l7.id, reasonCode: "other", amount: 2_00, comment: null });
    expect(lineNo).toBe(7);
    const disputed = await getStatementPage(dealer, s.id, { lines: "disputed", page: 1 });
    expect(disputed.lines.map((l) => l.line_no)).toEqual([7, 150]);
    expect(disputed.lines.every((l) => l.dispute_status === "open")).toBe(true);
    // The disputed view keeps each line's balance in the whole statement, not a sum of the filtered lines.
    expect(disputed.lines.map((l) => l.balance_minor)).toEqual([paged[6]!.balance_minor, paged[149]!.balance_minor]);
    expect(disputed).toMatchObject({ disputedLines: 2, openDisputes: 2, disputedMinor: 3_00, filter: { total: 2, first: true, last: true } });
    expect((await getStatementPage(dealer, s.id, { lines: "all", page: 2 })).lines.find((l) => l.id === l150.id)?.dispute_status).toBe("open");

    // Confirming from any page covers the whole statement: closing less every disputed amount.
    const fresh = (await getStatementPage(dealer, s.id, { lines: "all", page: 3 })).statement;
    const r = await confirmStatement(dealer, s.id, { version: fresh.version });
    expect(r.confirmedClosingMinor).toBe(s.closing_minor - 3_00);

    // Scope: another dealer's statement is 404, whatever the page; forbidden roles 403.
    await expect(getStatementPage(actorFor(cast.b.dealer_finance), s.id, { lines: "all", page: 2 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(getStatementPage(actorFor(cast.a.dealer_sales), s.id, { lines: "all", page: 1 })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await getStatementPage(actorFor(cast.staff.finance), s.id, { lines: "disputed", page: 1 })).lines).toHaveLength(2);
  });
});

describe("the statement's lines as CSV", () => {
  it("puts opening and closing in the balance column and every line's debit or credit beside its running balance", async () => {
    const cast = await createCast();
    await post(cast.dealerA.id, "invoice", 500_00, "2026-08-15");
    await post(cast.dealerA.id, "invoice", 120_50, "2026-09-03");
    await post(cast.dealerA.id, "payment", -300_00, "2026-09-20");
    await post(cast.dealerA.id, "credit_note", -20_50, "2026-09-25");
    await issueStatements(sys(), { period: "2026-08" });
    await issueStatements(sys(), { period: "2026-09" });
    const s = (await statementOf(cast.dealerA.id, "2026-09"))!;
    const rows: string[][] = [];
    for await (const chunk of exportStatementLines(actorFor(cast.a.dealer_finance), s.id, "en")) rows.push(...chunk.map((r) => r.map(String)));
    const col = (name: string) => STATEMENT_LINES_CSV_HEADER.indexOf(name);
    expect(rows.every((r) => r.length === STATEMENT_LINES_CSV_HEADER.length)).toBe(true);
    const pick = (r: string[]) => [r[col("type")], r[col("debit")], r[col("credit")], r[col("balance")]];
    expect(rows.map(pick)).toEqual([
      ["opening", "", "", "500.00"],
      ["invoice", "120.50", "", "620.50"],
      ["payment", "", "300.00", "320.50"],
      ["credit_note", "", "20.50", "300.00"],
      ["closing", "", "", "300.00"],
    ]);
    expect(s.closing_minor).toBe(300_00);
    // The list's CSV has the same sign convention: debits and credits both as positive columns.
    const list: string[][] = [];
    for await (const chunk of exportStatements(actorFor(cast.a.dealer_finance), StatementListQuery.parse({ period: "2026-09" })))
      list.push(...chunk.map((r) => r.map(String)));
    const c = (name: string) => STATEMENT_CSV_HEADER.indexOf(name);
    expect(list.map((r) => [r[c("opening")], r[c("debit")], r[c("credit")], r[c("closing")]])).toEqual([["500.00", "120.50", "320.50", "300.00"]]);
    await expect(async () => {
      for await (const _ of exportStatementLines(actorFor(cast.b.dealer_finance), s.id, "en")) void _;
    }).rejects.toBeInstanceOf(NotFoundError);
  });
});

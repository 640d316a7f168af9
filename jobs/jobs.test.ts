import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../db/client";
import { createCast, createUser } from "../tests/factories";
import { jobDefinition, type JobName } from "../app/modules/notifications/jobs.catalog";
import { claimSlot, executeClaim, runScheduled, type JobHandler } from "../app/modules/notifications/jobs.server";
import { manualSlot } from "../app/modules/notifications/slots";
import { addDays, todayIn } from "../app/utils/time";
import { run as dealProtection, thresholdFor } from "./deal-protection";
import { run as sessionCleanup } from "./session-cleanup";
import { run as staleOrders } from "./stale-orders";
import { run as statementReminders } from "./statement-reminders";
import { run as statementsJob } from "./statements";
import { post } from "../tests/helpers/ledger";
describe("monthly statements job", () => {
  it("issues last month's statement for every dealer once, however often the slot runs", async () => {
    const cast = await createCast();
    await post(cast.dealerA.id, "invoice", 50_000, "2026-11-15");
    await post(cast.dealerB.id, "fee", 1_200, "2026-11-20");
    const when = new Date("2026-11-30T18:00:00Z"); // 02:00 on 1 December in Shanghai
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(when);
    const first = await runScheduled(jobDefinition("monthly-statements"), statementsJob, when, { owner: "runner-a" });
    const second = await runScheduled(jobDefinition("monthly-statements"), statementsJob, when, { owner: "runner-b" });
    expect(first?.status).toBe("succeeded");
    expect(second?.status ?? null).not.toBe("succeeded");
    const statements = await getDb().selectFrom("statements").select(["dealer_id", "period", "closing_minor"]).orderBy("dealer_id").execute();
    expect(statements).toEqual([
      { dealer_id: cast.dealerA.id, period: "2026-11", closing_minor: 50_000 },
      { dealer_id: cast.dealerB.id, period: "2026-11", closing_minor: 1_200 },
    ]);
    // Running the job again (a takeover, a manual run) issues nothing more.
    const again = await runJob("monthly-statements", statementsJob);
    expect(again?.status).toBe("succeeded");
    expect(await getDb().selectFrom("statements").select("id").execute()).toHaveLength(2);
  });
});

// ---------------------------------------------------------------------------

afterEach(() => vi.useRealTimers());

const TZ = "Asia/Shanghai";

/** Runs a job handler through the claim wrapper, as a manual run would. */
async function runJob(name: JobName, handler: JobHandler) {
  const job = jobDefinition(name);
  const claim = await claimSlot(job, manualSlot(new Date()), "test-runner", "manual");
  return executeClaim(job, handler, claim!, { owner: "test-runner" });
}

async function deal(cast: Awaited<ReturnType<typeof createCast>>, over: { stage: string; expires: string; dealer?: "A" | "B"; title?: string }) {
  const db = getDb();
  const ka = await db
    .insertInto("key_accounts")
    .values({ name: "Metro Hospital", name_normalized: "metro hospital", owner_id: cast.staff.account_manager.id })
    .executeTakeFirstOrThrow();
  const dealerId = over.dealer === "B" ? cast.dealerB.id : cast.dealerA.id;
  const am = over.dealer === "B" ? cast.am2.id : cast.staff.account_manager.id;
  const r = await db
    .insertInto("deals")
    .values({
      dealer_id: dealerId,
      key_account_id: Number(ka.insertId),
      account_manager_id: am,
      title: over.title ?? `Deal ${over.stage}`,
      stage: over.stage,
      protection_expires_on: over.expires,
    })
    .executeTakeFirstOrThrow();
  return Number(r.insertId);
}

describe("deal protection job", () => {
  it("expires open deals whose protection lapsed, with audit and a deal.expired event; closed deals stay", async () => {
    const cast = await createCast();
    const today = todayIn(TZ);
    const lapsed = await deal(cast, { stage: "negotiating", expires: addDays(today, -1) });
    const lastDay = await deal(cast, { stage: "approved", expires: today });
    const won = await deal(cast, { stage: "won", expires: addDays(today, -5) });
    const r = await runJob("deal-protection", dealProtection);
    expect(r.status).toBe("succeeded");
    const stages = Object.fromEntries((await getDb().selectFrom("deals").select(["id", "stage"]).execute()).map((d) => [d.id, d.stage]));
    expect(stages).toEqual({ [lapsed]: "expired", [lastDay]: "approved", [won]: "won" });
    const audit = await getDb().selectFrom("audit_log").select(["action", "entity_id", "organisation_id"]).where("action", "=", "deal.expired").execute();
    expect(audit).toEqual([{ action: "deal.expired", entity_id: String(lapsed), organisation_id: cast.dealerA.id }]);
    const ev = await getDb().selectFrom("domain_events").selectAll().where("type", "=", "deal.expired").execute();
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ dealer_id: cast.dealerA.id, account_manager_id: cast.staff.account_manager.id, entity_id: String(lapsed) });
    // A second run changes nothing.
    await runJob("deal-protection", dealProtection);
    expect(await getDb().selectFrom("domain_events").selectAll().where("type", "=", "deal.expired").execute()).toHaveLength(1);
  });

  it("reminds once per deal and threshold at 14, 7 and 1 days", async () => {
    const cast = await createCast();
    const today = todayIn(TZ);
    const in14 = await deal(cast, { stage: "approved", expires: addDays(today, 14) });
    const in6 = await deal(cast, { stage: "quoted", expires: addDays(today, 6), dealer: "B" });
    const in1 = await deal(cast, { stage: "registered", expires: addDays(today, 1) });
    const in20 = await deal(cast, { stage: "approved", expires: addDays(today, 20) });
    await runJob("deal-protection", dealProtection);
    await runJob("deal-protection", dealProtection); // the same day again: no repeats
    const ev = await getDb()
      .selectFrom("domain_events")
      .select(["entity_id", "payload", "dealer_id"])
      .where("type", "=", "deal.expiring")
      .orderBy("id")
      .execute();
    const got = ev.map((e) => [Number(e.entity_id), (JSON.parse(e.payload!) as { threshold: number }).threshold]).sort((a, b) => a[0]! - b[0]!);
    expect(got).toEqual(
      [
        [in14, 14],
        [in6, 7],
        [in1, 1],
      ].sort((a, b) => a[0]! - b[0]!),
    );
    expect(ev.find((e) => Number(e.entity_id) === in6)!.dealer_id).toBe(cast.dealerB.id);
    expect(got.some(([id]) => id === in20)).toBe(false);
    expect([20, 14, 8, 7, 2, 1, 0, -1].map(thresholdFor)).toEqual([null, 14, 14, 7, 7, 1, 1, null]);
  });
});

async function statement(dealerId: number, period: string, confirmBy: string, status = "issued") {
  const r = await getDb()
    .insertInto("statements")
    .values({
      dealer_id: dealerId,
      period,
      period_start: `${period}-01`,
      period_end: `${period}-28`,
      opening_minor: 0,
      debit_minor: 123_45,
      credit_minor: 0,
      closing_minor: 123_45,
      status,
      issued_at: new Date(),
      confirm_by: confirmBy,
    })
    .executeTakeFirstOrThrow();
  return Number(r.insertId);
}

describe("statement reminders job", () => {
  it("reminds dealer admins and finance of statements due soon or overdue, at most once a day", async () => {
    const cast = await createCast();
    const today = todayIn(TZ);
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", cast.a.dealer_finance.id).execute();
    const soon = await statement(cast.dealerA.id, "2026-10", addDays(today, 2));
    const overdueB = await statement(cast.dealerB.id, "2026-09", addDays(today, -3));
    await statement(cast.dealerA.id, "2026-09", addDays(today, 20)); // not near
    await statement(cast.dealerA.id, "2026-08", addDays(today, -30), "confirmed"); // already confirmed
    await runJob("statement-reminders", statementReminders);
    await runJob("statement-reminders", statementReminders);
    const rows = await getDb().selectFrom("outbox_emails").select(["user_id", "dedupe_key", "subject", "text_body", "locale"]).orderBy("id").execute();
    const to = rows.map((r) => r.user_id).sort();
    expect(to).toEqual([cast.a.dealer_admin.id, cast.a.dealer_finance.id, cast.b.dealer_admin.id, cast.b.dealer_finance.id].sort());
    const fin = rows.find((r) => r.user_id === cast.a.dealer_finance.id)!;
    expect(fin.locale).toBe("zh-CN");
    expect(fin.subject).toContain("请于");
    expect(fin.dedupe_key).toBe(`statement-reminder:${soon}:${cast.a.dealer_finance.id}:${today}`);
    const b = rows.find((r) => r.user_id === cast.b.dealer_admin.id)!;
    expect(b.subject).toContain("overdue");
    expect(b.text_body).toContain(`/statements/${overdueB}`);
    expect(b.text_body).not.toContain("2026-10");
    // Sales users never get statement mail.
    expect(to).not.toContain(cast.a.dealer_sales.id);
  });
});

describe("stale orders job", () => {
  it("tells every ops user once about orders waiting in review too long", async () => {
    const cast = await createCast();
    const ops2 = await createUser("ops", { locale: "zh-CN" });
    const db = getDb();
    const hours = 24;
    const old = new Date(Date.now() - (hours + 2) * 3_600_000);
    const mk = async (number: string, status: string, submittedAt: Date | null) =>
      Number(
        (
          await db
            .insertInto("orders")
            .values({ number, dealer_id: cast.dealerA.id, status, submitted_at: submittedAt, total_minor: 5_000_00 })
            .executeTakeFirstOrThrow()
        ).insertId,
      );
    const stale = await mk("SO-2026-000001", "submitted", old);
    await mk("SO-2026-000002", "submitted", new Date());
    await mk("SO-2026-000003", "approved", old);
    await runJob("stale-orders", staleOrders);
    await runJob("stale-orders", staleOrders);
    const mails = await db.selectFrom("outbox_emails").select(["user_id", "text_body", "subject"]).execute();
    expect(mails.map((m) => m.user_id).sort()).toEqual([cast.staff.ops.id, ops2.id].sort());
    expect(mails[0]!.text_body).toContain("SO-2026-000001");
    expect(mails[0]!.text_body).not.toContain("SO-2026-000002");
    expect(mails[0]!.text_body).not.toContain("SO-2026-000003");
    expect(mails.find((m) => m.user_id === ops2.id)!.subject).toContain("等待审核");
    const ev = await db.selectFrom("domain_events").select(["entity_id", "dealer_id"]).where("type", "=", "order.stale").execute();
    expect(ev).toEqual([{ entity_id: String(stale), dealer_id: cast.dealerA.id }]);
  });
});

describe("session cleanup job", () => {
  it("removes expired sessions and keeps live ones", async () => {
    const cast = await createCast();
    const db = getDb();
    const t = Date.now();
    await db
      .insertInto("sessions")
      .values([
        { id: "a".repeat(64), user_id: cast.a.dealer_admin.id, expires_at: new Date(t - 1000), absolute_expires_at: new Date(t + 86_400_000) },
        { id: "b".repeat(64), user_id: cast.a.dealer_admin.id, expires_at: new Date(t + 3_600_000), absolute_expires_at: new Date(t - 1000) },
        { id: "c".repeat(64), user_id: cast.a.dealer_admin.id, expires_at: new Date(t + 3_600_000), absolute_expires_at: new Date(t + 86_400_000) },
      ])
      .execute();
    const r = await runJob("session-cleanup", sessionCleanup);
    expect(r.outcome?.details).toMatchObject({ sessions: 2 });
    expect((await db.selectFrom("sessions").select("id").execute()).map((s) => s.id)).toEqual(["c".repeat(64)]);
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../db/client";
import { jobDefinition } from "../app/modules/notifications/jobs.catalog";
import { claimSlot, executeClaim } from "../app/modules/notifications/jobs.server";
import { manualSlot } from "../app/modules/notifications/slots";
import { setFrequency } from "../app/modules/sellout/sellout.server";
import { actorFor } from "../tests/factories";
import { reportLine, selloutWorld } from "../tests/factories/sellout";
import { setClock } from "../tests/helpers/clock";
import { run } from "./sellout-reminders";

/** A manual run of the job; the frozen clock moves a second first, so that each run has a slot of its own. */
async function runReminders() {
  setClock(new Date(Date.now() + 1000));
  const job = jobDefinition("sellout-reminders");
  const claim = await claimSlot(job, manualSlot(new Date()), "test-runner", "manual");
  return executeClaim(job, run, claim!, { owner: "test-runner" });
}
const outbox = () => getDb().selectFrom("outbox_emails").select(["user_id", "dedupe_key", "subject", "text_body", "locale", "kind"]).orderBy("id").execute();

afterEach(() => {
  vi.useRealTimers();
});

describe("sell-out reminders job", () => {
  it("reminds the users of dealers without a report 3 and 10 days after the period ended, each once, in their language", async () => {
    setClock("2026-12-01T02:00:00Z"); // 1 December in Shanghai: November ended yesterday, too early to remind
    const w = await selloutWorld();
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", w.b.dealer_sales.id).execute();
    await runReminders();
    expect(await outbox()).toEqual([]);

    setClock("2026-12-04T02:00:00Z"); // 4 December: dealer A reported November, dealer B has not
    await reportLine(w, "2026-11");
    await runReminders();
    await runReminders();
    let rows = await outbox();
    expect(rows.map((r) => r.user_id).sort()).toEqual([w.b.dealer_admin.id, w.b.dealer_sales.id].sort()); // finance users do not report sell-out
    const zh = rows.find((r) => r.user_id === w.b.dealer_sales.id)!;
    expect([zh.kind, zh.locale, zh.subject]).toEqual(["sellout.reminder", "zh-CN", "请上报 2026-11 的销量与库存"]);
    expect(zh.text_body).toContain(`/sellout/${w.dealerB.id}/2026-11`);
    expect(rows.find((r) => r.user_id === w.b.dealer_admin.id)!.subject).toBe("Please report your sell-out for 2026-11");

    setClock("2026-12-11T02:00:00Z"); // 11 December: the second, overdue reminder
    await runReminders();
    rows = await outbox();
    expect(rows).toHaveLength(4);
    expect(rows.slice(2).map((r) => r.subject)).toContain("Your sell-out report for 2026-11 is overdue");
    expect(rows.some((r) => r.dedupe_key.startsWith(`sellout-reminder:${w.dealerA.id}:`))).toBe(false);
  });

  it("a weekly dealer is reminded about its last ISO week", async () => {
    setClock("2026-12-03T02:00:00Z"); // Thursday 3 December: week 48 ended on Sunday 29 November
    const w = await selloutWorld();
    await setFrequency(actorFor(w.staff.admin), w.dealerB.id, "week");
    await reportLine(w, "2026-11"); // dealer A (monthly) reported
    await runReminders();
    const rows = await outbox();
    expect(rows.map((r) => r.dedupe_key)).toEqual(expect.arrayContaining([`sellout-reminder:${w.dealerB.id}:2026-W48:first:${w.b.dealer_admin.id}`]));
    expect(rows).toHaveLength(2);
  });
});

import { existsSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor, createCast, createUser } from "../../../tests/factories";
import { PDF_BYTES, PNG_BYTES, openServiceCase } from "../../../tests/factories/service";
import { clockForEachTest, setClock } from "../../../tests/helpers/clock";
import { jobDefinition } from "~/modules/notifications/jobs.catalog";
import { claimSlot, executeClaim } from "~/modules/notifications/jobs.server";
import { manualSlot } from "~/modules/notifications/slots";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";
import { run as escalate } from "../../../jobs/service-escalation";
import { attachmentsDir, sniffType } from "./attachments.server";
import { caseFlag } from "./promise";
import { addWorkingHours, workingMsBetween } from "~/utils/working-hours";
import { ServiceListQuery } from "./service.schema.server";
import {
  assignCase,
  exportCases,
  findServiceInvariantViolations,
  getCasePage,
  listCases,
  moveCase,
  readAttachment,
  replyToCase,
  updatePromiseSettings,
} from "./service.server";
import { SERVICE_ACTIONS, SERVICE_RULES, SERVICE_STATUSES, actionsFor } from "./state";
import { roleCan, type Role } from "~/modules/auth/permissions";

const TZ = "Asia/Shanghai";
// Friday 4 December 2026, 10:00 in Shanghai.
const FRIDAY_10 = "2026-12-04T02:00:00Z";
clockForEachTest(FRIDAY_10);

const list = (over: Record<string, unknown> = {}) => ServiceListQuery.parse(over);
async function collect<T>(it: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of it) out.push(...batch);
  return out;
}
async function runEscalation() {
  const job = jobDefinition("service-escalation");
  const claim = await claimSlot(job, manualSlot(new Date()), "test-runner", "manual");
  return executeClaim(job, escalate, claim!, { owner: "test-runner" });
}

describe("the service promise in working time", () => {
  it("skips weekends: 24 working hours from Friday 10:00 end on Monday 10:00", () => {
    expect(addWorkingHours(new Date(FRIDAY_10), 24, TZ, new Set()).toISOString()).toBe("2026-12-07T02:00:00.000Z");
  });
  it("skips the holidays of the working calendar", () => {
    expect(addWorkingHours(new Date(FRIDAY_10), 24, TZ, new Set(["2026-12-07"])).toISOString()).toBe("2026-12-08T02:00:00.000Z");
  });
  it("a case opened on Saturday starts its clock on Monday at midnight", () => {
    expect(addWorkingHours(new Date("2026-12-05T04:00:00Z"), 4, TZ, new Set()).toISOString()).toBe("2026-12-06T20:00:00.000Z");
  });
  it("counts working time between two instants without the weekend", () => {
    expect(workingMsBetween(new Date(FRIDAY_10), new Date("2026-12-07T02:00:00Z"), TZ, new Set())).toBe(24 * 3_600_000);
  });
  it("flags due soon, overdue, met and missed", () => {
    const due = new Date("2026-12-04T10:00:00Z");
    const c = (at: string, resolved: string | null = null) =>
      caseFlag(
        { response_due_at: due, resolution_due_at: due, first_response_at: new Date(FRIDAY_10), resolved_at: resolved ? new Date(resolved) : null },
        new Date(at),
        4,
      );
    expect(c("2026-12-04T02:00:00Z")).toBe("ok");
    expect(c("2026-12-04T07:00:00Z")).toBe("due_soon");
    expect(c("2026-12-04T11:00:00Z")).toBe("overdue");
    expect(c("2026-12-04T11:00:00Z", "2026-12-04T09:00:00Z")).toBe("met");
    expect(c("2026-12-04T11:00:00Z", "2026-12-04T10:30:00Z")).toBe("missed");
  });
});

describe("the service case state machine", () => {
  const dealer = (p: string) => roleCan("dealer_sales", p as never);
  const desk = (p: string) => roleCan("service", p as never);
  it("the desk moves new → acknowledged → in progress → waiting → resolved → closed, and reopens", () => {
    expect(actionsFor("new", desk)).toEqual(["acknowledge", "start"]);
    expect(actionsFor("in_progress", desk)).toEqual(["wait_for_dealer", "resolve"]);
    expect(actionsFor("waiting_for_dealer", desk)).toEqual(["resume", "resolve"]);
    expect(actionsFor("resolved", desk)).toEqual(["close", "reopen"]);
    expect(actionsFor("closed", desk)).toEqual(["reopen"]);
  });
  it("a dealer only closes or reopens a resolved case; nothing else, from any status", () => {
    for (const s of SERVICE_STATUSES) expect(actionsFor(s, dealer)).toEqual(s === "resolved" ? ["close", "reopen"] : s === "closed" ? ["reopen"] : []);
  });
  it("no rule leaves a closed case except reopen, and every action has a rule", () => {
    expect(SERVICE_RULES.filter((r) => r.from.includes("closed")).map((r) => r.action)).toEqual(["reopen", "reopen"]);
    for (const a of SERVICE_ACTIONS) expect(SERVICE_RULES.some((r) => r.action === a)).toBe(true);
  });
  it("ops and finance have no rule at all", () => {
    for (const role of ["ops", "finance"] as Role[]) for (const s of SERVICE_STATUSES) expect(actionsFor(s, (p) => roleCan(role, p))).toEqual([]);
  });
});

describe("service cases", () => {
  it("a dealer opens a case: numbered, deadlines from the promise in working hours, audited, an event", async () => {
    const cast = await createCast();
    const c = await openServiceCase(cast.a.dealer_sales, { priority: "normal" });
    const row = await getDb().selectFrom("service_cases").selectAll().where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(row.number).toBe(c.number);
    expect(row.status).toBe("new");
    expect(row.dealer_id).toBe(cast.dealerA.id);
    expect(row.response_due_at.toISOString()).toBe("2026-12-07T02:00:00.000Z"); // 24 working hours
    expect(row.resolution_due_at.toISOString()).toBe("2026-12-09T02:00:00.000Z"); // 72 working hours
    const audit = await getDb().selectFrom("audit_log").select("action").where("entity_type", "=", "service_case").execute();
    expect(audit.map((a) => a.action)).toEqual(["service.opened"]);
    const ev = await getDb().selectFrom("domain_events").select(["type", "dealer_id"]).where("entity_type", "=", "service_case").execute();
    expect(ev).toEqual([{ type: "service.opened", dealer_id: cast.dealerA.id }]);
  });

  it("the admin's promise figures apply to new cases", async () => {
    const cast = await createCast();
    const hours = { response: "2", resolution: "10" };
    await updatePromiseSettings(actorFor(cast.staff.admin), {
      urgent_response: 1,
      urgent_resolution: 4,
      high_response: Number(hours.response),
      high_resolution: Number(hours.resolution),
      normal_response: 24,
      normal_resolution: 72,
      low_response: 24,
      low_resolution: 120,
      dueSoonHours: 2,
      leadUserId: cast.staff.service.id,
    });
    const c = await openServiceCase(cast.a.dealer_sales, { priority: "high" });
    const row = await getDb().selectFrom("service_cases").select(["response_due_at", "resolution_due_at"]).where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(row.response_due_at.toISOString()).toBe("2026-12-04T04:00:00.000Z");
    expect(row.resolution_due_at.toISOString()).toBe("2026-12-04T12:00:00.000Z");
    await expect(
      updatePromiseSettings(actorFor(cast.staff.service), {
        urgent_response: 1,
        urgent_resolution: 4,
        high_response: 1,
        high_resolution: 4,
        normal_response: 1,
        normal_resolution: 4,
        low_response: 1,
        low_resolution: 4,
        dueSoonHours: 2,
        leadUserId: null,
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      updatePromiseSettings(actorFor(cast.staff.admin), {
        urgent_response: 8,
        urgent_resolution: 4,
        high_response: 1,
        high_resolution: 4,
        normal_response: 1,
        normal_resolution: 4,
        low_response: 1,
        low_resolution: 4,
        dueSoonHours: 2,
        leadUserId: null,
      }),
    ).rejects.toMatchObject({ fieldErrors: { urgent_resolution: ["service.promise.resolutionBeforeResponse"] } });
  });

  it("refuses another dealer's order line, writing nothing", async () => {
    const cast = await createCast();
    const { orderWorld, orderIn } = await import("../../../tests/factories/orders");
    const w = await orderWorld();
    const shipped = await orderIn(w, "shipped");
    const line = await getDb().selectFrom("order_lines").select("id").where("order_id", "=", shipped.id).executeTakeFirstOrThrow();
    // The line belongs to the order world's dealer A, not to this cast's dealer B.
    await expect(openServiceCase(cast.b.dealer_sales, { about: "order_line", orderLineId: line.id })).rejects.toBeInstanceOf(ValidationError);
    expect(await getDb().selectFrom("service_cases").select("id").execute()).toEqual([]);
  });

  it("checks attachments by content: a renamed text file is refused and nothing is stored", async () => {
    const cast = await createCast();
    const before = existsSync(attachmentsDir()) ? readdirSync(attachmentsDir(), { recursive: true }).length : 0;
    const { openCase } = await import("./service.server");
    const input = { about: "account", caseType: "other", priority: "low", subject: "x", description: "y" } as const;
    const base = { orderLineId: null, shipmentId: null, sku: null, serialNo: null, keyAccountId: null, endCustomer: null };
    await expect(
      openCase(actorFor(cast.a.dealer_sales), { ...input, ...base }, [{ name: "photo.png", bytes: new TextEncoder().encode("<script>alert(1)</script>") }]),
    ).rejects.toMatchObject({ fieldErrors: { files: ["service.attachments.badType"] } });
    await expect(
      openCase(actorFor(cast.a.dealer_sales), { ...input, ...base }, [{ name: "big.pdf", bytes: new Uint8Array(6 * 1024 * 1024).fill(0x25) }]),
    ).rejects.toMatchObject({
      fieldErrors: { files: ["service.attachments.tooLarge"] },
    });
    expect(await getDb().selectFrom("service_cases").select("id").execute()).toEqual([]);
    const after = existsSync(attachmentsDir()) ? readdirSync(attachmentsDir(), { recursive: true }).length : 0;
    expect(after).toBe(before);
    expect(sniffType(PNG_BYTES)).toBe("image/png");
    expect(sniffType(PDF_BYTES)).toBe("application/pdf");
    expect(sniffType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
  });

  it("stores a file under a random key, never the user's name, and serves it only within the case's scope", async () => {
    const cast = await createCast();
    const c = await openServiceCase(cast.a.dealer_sales, { files: true });
    const att = await getDb().selectFrom("service_attachments").selectAll().where("case_id", "=", c.id).executeTakeFirstOrThrow();
    expect(att.storage_key).toMatch(/^[0-9a-f]{40}$/);
    expect(att.display_name).toBe("photo.png");
    expect(existsSync(`${attachmentsDir()}/${att.storage_key.slice(0, 2)}/${att.storage_key}`)).toBe(true);
    const file = await readAttachment(actorFor(cast.a.dealer_admin), c.id, att.id);
    expect(file.contentType).toBe("image/png");
    expect([...file.bytes]).toEqual([...PNG_BYTES]);
    await expect(readAttachment(actorFor(cast.b.dealer_admin), c.id, att.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(readAttachment(actorFor(cast.am2), c.id, att.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(readAttachment(actorFor(cast.staff.ops), c.id, att.id)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await readAttachment(actorFor(cast.staff.account_manager), c.id, att.id)).contentType).toBe("image/png");
  });

  it("internal notes and their files never reach the dealer: not on the page, not as a file, not in the CSV", async () => {
    const cast = await createCast();
    const desk = actorFor(cast.staff.service);
    const c = await openServiceCase(cast.a.dealer_sales);
    await replyToCase(desk, c.id, { body: "SECRET supplier batch problem", visibility: "internal" }, [{ name: "internal.pdf", bytes: PDF_BYTES }]);
    await replyToCase(desk, c.id, { body: "We are on it.", visibility: "public" });
    const internalFile = await getDb()
      .selectFrom("service_attachments")
      .select("id")
      .where("case_id", "=", c.id)
      .where("visibility", "=", "internal")
      .executeTakeFirstOrThrow();
    for (const user of [cast.a.dealer_sales, cast.a.dealer_admin, cast.a.dealer_finance]) {
      const page = await getCasePage(actorFor(user), c.id);
      expect(page.thread.map((m) => m.body)).toEqual(["We are on it."]);
      expect(page.attachments).toEqual([]);
      expect(JSON.stringify(page)).not.toContain("SECRET");
      await expect(readAttachment(actorFor(user), c.id, internalFile.id)).rejects.toBeInstanceOf(NotFoundError);
      const csv = JSON.stringify(await collect(exportCases(actorFor(user), list())));
      expect(csv).not.toContain("SECRET");
    }
    const deskPage = await getCasePage(desk, c.id);
    expect(deskPage.thread.map((m) => [m.visibility, m.body])).toEqual([
      ["internal", "SECRET supplier batch problem"],
      ["public", "We are on it."],
    ]);
    // A dealer cannot write an internal note.
    await expect(replyToCase(actorFor(cast.a.dealer_sales), c.id, { body: "x", visibility: "internal" })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("the desk's first public reply is the first response and acknowledges; a dealer's reply resumes a waiting case", async () => {
    const cast = await createCast();
    const desk = actorFor(cast.staff.service);
    const c = await openServiceCase(cast.a.dealer_sales);
    await replyToCase(desk, c.id, { body: "note", visibility: "internal" });
    let row = await getDb().selectFrom("service_cases").select(["status", "first_response_at"]).where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "new", first_response_at: null });
    setClock("2026-12-04T03:00:00Z");
    await replyToCase(desk, c.id, { body: "Please send a photo of the label.", visibility: "public" });
    row = await getDb().selectFrom("service_cases").select(["status", "first_response_at"]).where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(row.status).toBe("acknowledged");
    expect(row.first_response_at?.toISOString()).toBe("2026-12-04T03:00:00.000Z");
    await moveCase(desk, c.id, { action: "wait_for_dealer", note: null });
    await replyToCase(actorFor(cast.a.dealer_sales), c.id, { body: "Photo attached.", visibility: "public" }, [{ name: "label.png", bytes: PNG_BYTES }]);
    row = await getDb().selectFrom("service_cases").select(["status", "first_response_at"]).where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(row.status).toBe("in_progress");
  });

  it("moves through the state machine; a dealer cannot start work; reopening only within 14 days of the resolution", async () => {
    const cast = await createCast();
    const desk = actorFor(cast.staff.service);
    const dealer = actorFor(cast.a.dealer_sales);
    const c = await openServiceCase(cast.a.dealer_sales);
    await expect(moveCase(dealer, c.id, { action: "start", note: null })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(moveCase(desk, c.id, { action: "close", note: null })).rejects.toBeInstanceOf(ConflictError);
    await moveCase(desk, c.id, { action: "start", note: null });
    await moveCase(desk, c.id, { action: "resolve", outcome: "field_visit", note: "Technician replaced the fan." });
    let row = await getDb().selectFrom("service_cases").selectAll().where("id", "=", c.id).executeTakeFirstOrThrow();
    expect([row.status, row.outcome, row.resolved_at?.toISOString()]).toEqual(["resolved", "field_visit", "2026-12-04T02:00:00.000Z"]);
    setClock("2026-12-10T02:00:00Z");
    await moveCase(dealer, c.id, { action: "close", note: null });
    setClock("2026-12-17T02:00:00Z"); // 13 days after the resolution
    await moveCase(dealer, c.id, { action: "reopen", note: "It hums again." });
    row = await getDb().selectFrom("service_cases").selectAll().where("id", "=", c.id).executeTakeFirstOrThrow();
    expect([row.status, row.reopen_count, row.resolved_at, row.closed_at]).toEqual(["in_progress", 1, null, null]);
    await moveCase(desk, c.id, { action: "resolve", note: null });
    setClock("2026-12-31T03:00:00Z"); // 14 days and an hour after the second resolution
    await expect(moveCase(dealer, c.id, { action: "reopen", note: null })).rejects.toMatchObject({ messageKey: "service.reopenExpired" });
    const audit = await getDb()
      .selectFrom("audit_log")
      .select("action")
      .where("entity_type", "=", "service_case")
      .where("action", "=", "service.moved")
      .execute();
    expect(audit).toHaveLength(5);
  });

  it("scopes: a dealer sees its own cases, the account manager those of their dealers, another dealer or account manager 404, ops 403", async () => {
    const cast = await createCast();
    const a = await openServiceCase(cast.a.dealer_sales, { subject: "Case of A" });
    const b = await openServiceCase(cast.b.dealer_sales, { subject: "Case of B" });
    expect((await listCases(actorFor(cast.a.dealer_finance), list())).rows.map((r) => r.id)).toEqual([a.id]);
    expect((await listCases(actorFor(cast.staff.account_manager), list())).rows.map((r) => r.id)).toEqual([a.id]);
    expect((await listCases(actorFor(cast.staff.service), list())).rows.map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect((await collect(exportCases(actorFor(cast.b.dealer_admin), list()))).map((r) => r[0])).toEqual([b.number]);
    await expect(getCasePage(actorFor(cast.b.dealer_admin), a.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getCasePage(actorFor(cast.am2), a.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(replyToCase(actorFor(cast.b.dealer_sales), a.id, { body: "hi", visibility: "public" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(moveCase(actorFor(cast.b.dealer_sales), a.id, { action: "close", note: null })).rejects.toBeInstanceOf(NotFoundError);
    await expect(getCasePage(actorFor(cast.staff.ops), a.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(assignCase(actorFor(cast.staff.account_manager), a.id, cast.staff.service.id)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("filters the queue by status, priority, dealer, assignee and the promise", async () => {
    const cast = await createCast();
    const desk = actorFor(cast.staff.service);
    const urgent = await openServiceCase(cast.a.dealer_sales, { priority: "urgent" });
    const low = await openServiceCase(cast.b.dealer_sales, { priority: "low" });
    await assignCase(desk, low.id, cast.staff.service.id);
    const ids = async (q: Record<string, unknown>) => (await listCases(desk, list(q))).rows.map((r) => r.id);
    expect(await ids({ priority: "urgent" })).toEqual([urgent.id]);
    expect(await ids({ dealerId: String(cast.dealerB.id) })).toEqual([low.id]);
    expect(await ids({ assignee: "me" })).toEqual([low.id]);
    expect(await ids({ assignee: "none" })).toEqual([urgent.id]);
    setClock("2026-12-04T05:00:00Z"); // urgent: first response due 06:00 (4 working hours), due soon
    expect(await ids({ flag: "due_soon" })).toEqual([urgent.id]);
    expect(await ids({ flag: "overdue" })).toEqual([]);
    setClock("2026-12-04T07:00:00Z");
    expect(await ids({ flag: "overdue" })).toEqual([urgent.id]);
    expect((await listCases(desk, list())).counts).toMatchObject({ open: 2, overdue: 1 });
  });

  it("an urgent case tells the dealer's account manager by email", async () => {
    const cast = await createCast();
    const c = await openServiceCase(cast.a.dealer_sales, { priority: "urgent", subject: "Production line down" });
    const mails = await getDb().selectFrom("outbox_emails").select(["user_id", "subject", "text_body"]).execute();
    expect(mails.map((m) => m.user_id)).toEqual([cast.staff.account_manager.id]);
    expect(mails[0]!.subject).toContain(c.number);
    await openServiceCase(cast.a.dealer_sales, { priority: "normal" });
    expect(await getDb().selectFrom("outbox_emails").select("id").execute()).toHaveLength(1);
  });

  it("the escalation job flags cases past their promise and emails the desk lead once per deadline; db:check finds unflagged ones", async () => {
    const cast = await createCast();
    const lead = await createUser("service", { name: "Desk Lead", locale: "zh-CN" });
    await getDb().insertInto("service_settings").values({ id: 1, lead_user_id: lead.id, due_soon_hours: 4 }).execute();
    const c = await openServiceCase(cast.a.dealer_sales, { priority: "urgent" });
    await getDb().deleteFrom("outbox_emails").execute();
    setClock("2026-12-04T08:00:00Z"); // two hours past the 4-hour response promise
    expect((await findServiceInvariantViolations(getDb())).map((v) => v.id)).toEqual([c.id]);
    await runEscalation();
    setClock("2026-12-04T08:15:00Z"); // the next run
    await runEscalation();
    const mails = await getDb().selectFrom("outbox_emails").select(["user_id", "subject", "text_body"]).execute();
    expect(mails.map((m) => m.user_id)).toEqual([lead.id]);
    expect(mails[0]!.subject).toContain("服务承诺");
    expect(mails[0]!.text_body).toContain(c.number);
    expect(await findServiceInvariantViolations(getDb())).toEqual([]);
    await replyToCase(actorFor(cast.staff.service), c.id, { body: "Sorry for the wait.", visibility: "public" });
    // The resolution deadline (24 working hours) passes later: one more email, for that deadline.
    setClock("2026-12-07T03:00:00Z");
    await runEscalation();
    expect(await getDb().selectFrom("outbox_emails").select("id").execute()).toHaveLength(2);
  });
});

/**
 * After-sales service cases (售后服务, issue #23): a dealer opens a case about an order line, a shipment, a
 * product or its account; the service desk works the queue (assign, reply, internal notes, status, links);
 * the account manager of the dealer reads its cases. Every write is one transaction with its audit entry
 * and, where someone should hear of it, a domain event or a notice. Internal notes and their attachments
 * never leave this module for a reader without `service:internal`.
 */
import { sql } from "kysely";
import { db, type Executor } from "../../../db/client";
import { translate, isLocale } from "~/i18n";
import { audit, emitEvent } from "~/modules/audit/audit.server";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { can, requireAccess, scopes } from "~/modules/auth/access.server";
import { rolesWith } from "~/modules/auth/permissions";
import { loadHolidays } from "~/modules/catalog/calendar.server";
import { enqueueNotice } from "~/modules/notifications/notices.server";
import { env } from "~/utils/env.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { addDays, now, toBusinessDate } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { checkUploads, discardFiles, readStoredFile, storeFiles, type StoredFile, type Upload } from "./attachments.server";
import { caseFlag } from "./promise";
import { addWorkingHours } from "~/utils/working-hours";
import { hasOpenCallback, openCallbackCases, openCallbackCount, sendSurvey } from "./survey.server";
import { PAGE_SIZE, caseColumns, caseCounts, casesQuery, findCase, loadPromises, loadSettings } from "./service.queries.server";
import type { LinkInput, OpenCaseInput, PromiseInput, ReplyInput, ServiceFilter, TransitionInput } from "./service.schema.server";
import {
  OPEN_STATUSES,
  REOPEN_DAYS,
  SERVICE_OUTCOMES,
  SERVICE_PRIORITIES,
  actionsFor,
  isServiceStatus,
  ruleFor,
  type ServiceOutcome,
  type ServiceStatus,
} from "./state";

const isOutcome = (v: string | null): v is ServiceOutcome => (SERVICE_OUTCOMES as readonly (string | null)[]).includes(v);

/** The instant `hours` working hours after `from` on the portal's working calendar. */
async function deadline(dbx: Executor, from: Date, hours: number): Promise<Date> {
  const tz = env().BUSINESS_TZ;
  const holidays = await loadHolidays(dbx, addDays(toBusinessDate(from, tz), -1));
  return addWorkingHours(from, hours, tz, holidays);
}

// ---------------------------------------------------------------- opening a case

/** What the new-case form offers the dealer: its shipped order lines, its shipments, its key accounts (through its deals). */
export async function newCaseOptions(actor: Actor) {
  requirePermission(actor, "service:open");
  const dealerId = actor.dealerId!;
  const [lines, shipments, keyAccounts] = await Promise.all([
    db
      .selectFrom("order_lines as ol")
      .innerJoin("orders as o", "o.id", "ol.order_id")
      .select(["ol.id", "ol.sku", "ol.shipped_qty", "o.number"])
      .where("o.dealer_id", "=", dealerId)
      .where("ol.shipped_qty", ">", 0)
      .orderBy("o.submitted_at", "desc")
      .orderBy("ol.line_no")
      .limit(200)
      .execute(),
    db
      .selectFrom("shipments as s")
      .innerJoin("orders as o", "o.id", "s.order_id")
      .select(["s.id", "s.number", "s.shipped_on", "o.number as order_number"])
      .where("s.dealer_id", "=", dealerId)
      .orderBy("s.shipped_on", "desc")
      .orderBy("s.number", "desc")
      .limit(100)
      .execute(),
    db
      .selectFrom("key_accounts as ka")
      .select(["ka.id", "ka.name"])
      .where("ka.id", "in", (eb) => eb.selectFrom("deals").select("key_account_id").where("dealer_id", "=", dealerId))
      .orderBy("ka.name")
      .limit(200)
      .execute(),
  ]);
  return {
    lines: lines.map((l) => ({ id: l.id, label: `${l.number ?? ""} · ${l.sku} × ${l.shipped_qty}` })),
    shipments: shipments.map((s) => ({ id: s.id, label: `${s.number} · ${s.order_number ?? ""} · ${s.shipped_on}` })),
    keyAccounts,
  };
}

type Subject = { orderId: number | null; orderLineId: number | null; shipmentId: number | null; productId: number | null };

/** Resolves what the case is about within the dealer's own records; anything else is a field error. */
async function resolveSubject(dbx: Executor, dealerId: number, input: OpenCaseInput): Promise<Subject> {
  const none: Subject = { orderId: null, orderLineId: null, shipmentId: null, productId: null };
  if (input.about === "order_line") {
    const l = await dbx
      .selectFrom("order_lines as ol")
      .innerJoin("orders as o", "o.id", "ol.order_id")
      .select(["ol.id", "ol.order_id", "ol.product_id"])
      .where("ol.id", "=", input.orderLineId!)
      .where("o.dealer_id", "=", dealerId)
      .executeTakeFirst();
    if (!l) throw new ValidationError("validation.formErrors", { orderLineId: ["validation.choice"] });
    return { ...none, orderId: l.order_id, orderLineId: l.id, productId: l.product_id };
  }
  if (input.about === "shipment") {
    const s = await dbx
      .selectFrom("shipments")
      .select(["id", "order_id"])
      .where("id", "=", input.shipmentId!)
      .where("dealer_id", "=", dealerId)
      .executeTakeFirst();
    if (!s) throw new ValidationError("validation.formErrors", { shipmentId: ["validation.choice"] });
    return { ...none, orderId: s.order_id, shipmentId: s.id };
  }
  if (input.about === "product") {
    const p = await dbx.selectFrom("products").select("id").where("sku", "=", input.sku!).executeTakeFirst();
    if (!p) throw new ValidationError("validation.formErrors", { sku: ["service.unknownSku"] });
    return { ...none, productId: p.id };
  }
  return none;
}

async function checkKeyAccount(dbx: Executor, dealerId: number, keyAccountId: number | null): Promise<void> {
  if (!keyAccountId) return;
  const ok = await dbx.selectFrom("deals").select("id").where("dealer_id", "=", dealerId).where("key_account_id", "=", keyAccountId).executeTakeFirst();
  if (!ok) throw new ValidationError("validation.formErrors", { keyAccountId: ["validation.choice"] });
}

async function recordFiles(tx: Executor, actor: Actor, caseId: number, messageId: number | null, visibility: "public" | "internal", files: StoredFile[]) {
  for (const f of files)
    await tx
      .insertInto("service_attachments")
      .values({
        case_id: caseId,
        message_id: messageId,
        visibility,
        uploaded_by: actor.userId!,
        display_name: f.displayName,
        content_type: f.contentType,
        size_bytes: f.size,
        storage_key: f.key,
        created_at: now(),
      })
      .execute();
}

/** Stores the files, runs the work, and removes the files again when the work fails (nothing is left half-written). */
async function withFiles<T>(uploads: Upload[], work: (files: StoredFile[]) => Promise<T>): Promise<T> {
  const stored = await storeFiles(checkUploads(uploads));
  try {
    return await work(stored);
  } catch (err) {
    await discardFiles(stored);
    throw err;
  }
}

export async function openCase(actor: Actor, input: OpenCaseInput, uploads: Upload[] = []): Promise<{ id: number; number: string }> {
  requirePermission(actor, "service:open");
  const dealerId = actor.dealerId!;
  const subject = await resolveSubject(db, dealerId, input);
  await checkKeyAccount(db, dealerId, input.keyAccountId);
  const promises = await loadPromises(db);
  const opened = now();
  const p = promises[input.priority];
  const [responseDue, resolutionDue] = [await deadline(db, opened, p.response), await deadline(db, opened, p.resolution)];
  return withFiles(uploads, (files) =>
    transaction("service.open", async (tx) => {
      const res = await tx
        .insertInto("service_cases")
        .values({
          dealer_id: dealerId,
          opened_by: actor.userId!,
          about: input.about,
          order_id: subject.orderId,
          order_line_id: subject.orderLineId,
          shipment_id: subject.shipmentId,
          product_id: subject.productId,
          serial_no: input.serialNo,
          case_type: input.caseType,
          priority: input.priority,
          status: "new",
          subject: input.subject,
          description: input.description,
          key_account_id: input.keyAccountId,
          end_customer: input.endCustomer,
          response_due_at: responseDue,
          resolution_due_at: resolutionDue,
          created_at: opened,
          updated_at: opened,
        })
        .executeTakeFirstOrThrow();
      const id = Number(res.insertId);
      const number = `SC${String(id).padStart(6, "0")}`;
      await tx.updateTable("service_cases").set({ number }).where("id", "=", id).execute();
      await recordFiles(tx, actor, id, null, "public", files);
      const dealer = await tx.selectFrom("organisations").select(["name", "account_manager_id"]).where("id", "=", dealerId).executeTakeFirstOrThrow();
      await audit(tx, actor, {
        action: "service.opened",
        entityType: "service_case",
        entityId: id,
        dealerId,
        summary: { number, priority: input.priority, type: input.caseType, about: input.about, attachments: files.length },
      });
      await emitEvent(tx, actor, {
        type: "service.opened",
        entityType: "service_case",
        entityId: id,
        dealerId,
        accountManagerId: dealer.account_manager_id,
        payload: { number, subject: input.subject, priority: input.priority, dealerName: dealer.name },
      });
      if (input.priority === "urgent" && dealer.account_manager_id)
        await noticeUrgent(tx, { id, number, subject: input.subject, dealerName: dealer.name }, dealer.account_manager_id);
      return { id, number };
    }),
  );
}

/** The account manager of the dealer hears of an urgent case at once (an email through the outbox). */
async function noticeUrgent(tx: Executor, c: { id: number; number: string; subject: string; dealerName: string }, userId: number) {
  const u = await tx
    .selectFrom("users")
    .select(["id", "email", "name", "locale"])
    .where("id", "=", userId)
    .where("status", "=", "active")
    .where("role", "in", rolesWith("service:urgent_notice"))
    .executeTakeFirst();
  if (!u) return;
  const L = isLocale(u.locale) ? u.locale : "zh-CN";
  const href = `${env().APP_ORIGIN}/service/${c.id}`;
  await enqueueNotice(tx, {
    dedupeKey: `service-urgent:${c.id}:${u.id}`,
    kind: "service.urgent",
    user: { id: u.id, email: u.email, name: u.name, locale: L },
    subject: translate(L, "service.notice.urgent.subject", { number: c.number, dealer: c.dealerName }),
    heading: translate(L, "service.notice.urgent.heading"),
    intro: translate(L, "service.notice.urgent.intro", { dealer: c.dealerName }),
    sections: [{ title: translate(L, "service.notice.urgent.section"), items: [{ text: `${c.number} · ${c.subject}`, href }] }],
    cta: { label: translate(L, "service.notice.open"), href },
  });
}

// ---------------------------------------------------------------- reading

export async function listCases(actor: Actor, filter: ServiceFilter) {
  requirePermission(actor, "service:read");
  const at = now();
  const settings = await loadSettings(db);
  const base = casesQuery(db, actor, filter, at, settings.dueSoonHours);
  const [rows, total, counts, options] = await Promise.all([
    base
      .select([...caseColumns])
      .orderBy(sql`CASE WHEN sc.status IN ('resolved', 'closed') THEN 1 ELSE 0 END`)
      .orderBy("sc.resolution_due_at")
      .orderBy("sc.id")
      .limit(PAGE_SIZE)
      .offset((filter.page - 1) * PAGE_SIZE)
      .execute(),
    base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst(),
    caseCounts(db, actor, at, settings.dueSoonHours),
    filterOptions(actor),
  ]);
  const internal = can(actor, "service:internal");
  const [callbacks, callbackCount] = internal
    ? await Promise.all([
        openCallbackCases(
          db,
          rows.map((r) => r.id),
        ),
        openCallbackCount(db, actor),
      ])
    : [new Set<number>(), 0];
  return {
    rows: rows.map((r) => ({ ...r, flag: caseFlag(r, at, settings.dueSoonHours), openCallback: callbacks.has(r.id) })),
    total: Number(total?.n ?? 0),
    page: filter.page,
    pageSize: PAGE_SIZE,
    counts: { ...counts, callbacks: callbackCount },
    ...options,
    canOpen: can(actor, "service:open"),
    isDesk: can(actor, "service:work"),
    seesCallbacks: internal,
    canFigures: can(actor, "service:figures"),
  };
}

/** The dealers and desk users a desk reader may filter by (a dealer filters by neither). */
async function filterOptions(actor: Actor) {
  if (actor.dealerId !== null) return { dealers: [], assignees: [] };
  const [dealers, assignees] = await Promise.all([
    db
      .selectFrom("organisations as o")
      .select(["o.id", "o.name"])
      .where("o.kind", "=", "dealer")
      .where(scopes.dealer.where(actor))
      .orderBy("o.name")
      .limit(500)
      .execute(),
    deskUsers(db),
  ]);
  return { dealers, assignees };
}

function deskUsers(dbx: Executor) {
  return dbx.selectFrom("users").select(["id", "name"]).where("role", "in", rolesWith("service:work")).where("status", "=", "active").orderBy("name").execute();
}

export const SERVICE_CSV_HEADER = [
  "number",
  "dealer_code",
  "dealer",
  "region",
  "type",
  "priority",
  "status",
  "subject",
  "assignee",
  "opened_at",
  "response_due_at",
  "first_response_at",
  "resolution_due_at",
  "resolved_at",
  "closed_at",
  "reopen_count",
  "outcome",
  "promise",
];

/** The list as CSV: the case facts only (never the thread, so never an internal note). */
export async function* exportCases(actor: Actor, filter: ServiceFilter) {
  requirePermission(actor, "service:read");
  const at = now();
  const { dueSoonHours } = await loadSettings(db);
  for (let offset = 0; ; offset += 1000) {
    const rows = await casesQuery(db, actor, filter, at, dueSoonHours)
      .select([...caseColumns])
      .orderBy("sc.created_at")
      .orderBy("sc.id")
      .limit(1000)
      .offset(offset)
      .execute();
    if (!rows.length) return;
    yield rows.map((r) => [
      r.number ?? "",
      r.dealer_code,
      r.dealer_name,
      r.dealer_region,
      r.case_type,
      r.priority,
      r.status,
      r.subject,
      r.assignee_name ?? "",
      r.created_at,
      r.response_due_at,
      r.first_response_at ?? "",
      r.resolution_due_at,
      r.resolved_at ?? "",
      r.closed_at ?? "",
      r.reopen_count,
      r.outcome ?? "",
      caseFlag(r, at, dueSoonHours),
    ]);
    if (rows.length < 1000) return;
  }
}

async function caseInScope(dbx: Executor, actor: Actor, id: number) {
  requirePermission(actor, "service:read");
  const c = await findCase(dbx, actor, id);
  if (!c) throw new NotFoundError();
  return c;
}

/** The case page: the case, its thread (internal notes only for readers with `service:internal`), files, links, what the reader may do. */
export async function getCasePage(actor: Actor, id: number) {
  const c = await caseInScope(db, actor, id);
  const internal = can(actor, "service:internal");
  const at = now();
  const settings = await loadSettings(db);
  let messages = db
    .selectFrom("service_messages as m")
    .leftJoin("users as u", "u.id", "m.author_id")
    .select(["m.id", "m.visibility", "m.kind", "m.body", "m.created_at", "u.name as author_name", "u.organisation_id as author_org"])
    .where("m.case_id", "=", id);
  let files = db
    .selectFrom("service_attachments")
    .select(["id", "message_id", "visibility", "display_name", "content_type", "size_bytes", "created_at"])
    .where("case_id", "=", id);
  if (!internal) {
    messages = messages.where("m.visibility", "=", "public");
    files = files.where("visibility", "=", "public");
  }
  const [thread, attachments, links, assignees] = await Promise.all([
    messages.orderBy("m.created_at").orderBy("m.id").limit(500).execute(),
    files.orderBy("created_at").orderBy("id").limit(200).execute(),
    db.selectFrom("service_case_links").select(["kind", "ref_id"]).where("case_id", "=", id).orderBy("created_at").execute(),
    can(actor, "service:work") ? deskUsers(db) : Promise.resolve([]),
  ]);
  const status = c.status as ServiceStatus;
  const actions = actionsFor(status, (p) => can(actor, p)).filter((a) => a !== "reopen" || reopenable(c.resolved_at, at));
  return {
    case: { ...c, flag: caseFlag(c, at, settings.dueSoonHours) },
    thread,
    attachments,
    links: await describeLinks(links),
    assignees,
    actions,
    can: {
      reply: status !== "closed",
      internal,
      work: can(actor, "service:work"),
    },
  };
}

async function describeLinks(links: Array<{ kind: string; ref_id: number }>) {
  const out: Array<{ kind: string; id: number; label: string; href: string | null }> = [];
  for (const l of links) {
    if (l.kind === "order") {
      const o = await db.selectFrom("orders").select(["number"]).where("id", "=", l.ref_id).executeTakeFirst();
      out.push({ kind: l.kind, id: l.ref_id, label: o?.number ?? `#${l.ref_id}`, href: o?.number ? `/orders/${encodeURIComponent(o.number)}` : null });
    } else if (l.kind === "shipment") {
      const s = await db
        .selectFrom("shipments as s")
        .innerJoin("orders as o", "o.id", "s.order_id")
        .select(["s.number", "o.number as order_number"])
        .where("s.id", "=", l.ref_id)
        .executeTakeFirst();
      out.push({
        kind: l.kind,
        id: l.ref_id,
        label: s?.number ?? `#${l.ref_id}`,
        href: s?.order_number ? `/orders/${encodeURIComponent(s.order_number)}` : null,
      });
    } else {
      const d = await db.selectFrom("deals").select(["title"]).where("id", "=", l.ref_id).executeTakeFirst();
      out.push({ kind: l.kind, id: l.ref_id, label: d?.title || `#${l.ref_id}`, href: `/deals/${l.ref_id}` });
    }
  }
  return out;
}

function reopenable(resolvedAt: Date | null, at: Date): boolean {
  return !!resolvedAt && at.getTime() - resolvedAt.getTime() <= REOPEN_DAYS * 86_400_000;
}

/** An attachment's bytes, through the same scope as its case; an internal file answers 404 to a dealer. */
export async function readAttachment(actor: Actor, caseId: number, attachmentId: number) {
  await caseInScope(db, actor, caseId);
  let q = db
    .selectFrom("service_attachments")
    .select(["display_name", "content_type", "storage_key", "visibility"])
    .where("id", "=", attachmentId)
    .where("case_id", "=", caseId);
  if (!can(actor, "service:internal")) q = q.where("visibility", "=", "public");
  const a = await q.executeTakeFirst();
  if (!a) throw new NotFoundError();
  const bytes = await readStoredFile(a.storage_key);
  if (!bytes) throw new NotFoundError();
  return { name: a.display_name, contentType: a.content_type, bytes };
}

// ---------------------------------------------------------------- working a case

/** Locks the case row in scope; the desk and the dealer act on what is there now. */
async function lockCase(tx: Executor, actor: Actor, id: number) {
  const c = await tx
    .selectFrom("service_cases as sc")
    .innerJoin("organisations as d", "d.id", "sc.dealer_id")
    .select([
      "sc.id",
      "sc.number",
      "sc.dealer_id",
      "sc.status",
      "sc.first_response_at",
      "sc.resolved_at",
      "sc.subject",
      "d.account_manager_id",
      "sc.priority",
      "sc.opened_by",
      "sc.reopen_count",
      "sc.outcome",
    ])
    .where("sc.id", "=", id)
    .where(scopes.serviceCase.where(actor, "sc.dealer_id"))
    .forUpdate()
    .executeTakeFirst();
  if (!c) throw new NotFoundError();
  requireAccess(actor, "service:read", { kind: "service_case", dealerId: c.dealer_id, dealerAccountManagerId: c.account_manager_id });
  return c;
}

/**
 * A reply: public (the dealer sees it) or an internal note (`service:internal` only). The desk's first
 * public reply is the first response; it acknowledges a new case. A dealer's reply to a case waiting
 * for it puts the case back in progress.
 */
export async function replyToCase(actor: Actor, id: number, input: ReplyInput, uploads: Upload[] = []) {
  requirePermission(actor, "service:read");
  const internal = input.visibility === "internal";
  if (internal) requirePermission(actor, "service:internal");
  const desk = can(actor, "service:work");
  const dealerSide = actor.dealerId !== null;
  if (!internal && !desk && !dealerSide) requirePermission(actor, "service:work");
  return withFiles(uploads, (files) =>
    transaction("service.reply", async (tx) => {
      const c = await lockCase(tx, actor, id);
      if (c.status === "closed") throw new ConflictError("service.closedNoReply");
      const at = now();
      const res = await tx
        .insertInto("service_messages")
        .values({ case_id: id, author_id: actor.userId, visibility: internal ? "internal" : "public", kind: "reply", body: input.body, created_at: at })
        .executeTakeFirstOrThrow();
      await recordFiles(tx, actor, id, Number(res.insertId), internal ? "internal" : "public", files);
      const set: { updated_at: Date; first_response_at?: Date; status?: ServiceStatus } = { updated_at: at };
      if (desk && !internal && !c.first_response_at) set.first_response_at = at;
      if (desk && !internal && c.status === "new") set.status = "acknowledged";
      if (dealerSide && c.status === "waiting_for_dealer") set.status = "in_progress";
      await tx.updateTable("service_cases").set(set).where("id", "=", id).execute();
      await audit(tx, actor, {
        action: internal ? "service.noted" : "service.replied",
        entityType: "service_case",
        entityId: id,
        dealerId: c.dealer_id,
        summary: { attachments: files.length, ...(set.status ? { status: { from: c.status, to: set.status } } : {}) },
      });
      if (!internal)
        await emitEvent(tx, actor, {
          type: "service.replied",
          entityType: "service_case",
          entityId: id,
          dealerId: c.dealer_id,
          accountManagerId: c.account_manager_id,
          payload: { number: c.number, subject: c.subject, by: dealerSide ? "dealer" : "manufacturer" },
        });
    }),
  );
}

export async function assignCase(actor: Actor, id: number, assigneeId: number | null) {
  requirePermission(actor, "service:work");
  if (assigneeId !== null) {
    const ok = await deskUsers(db).then((us) => us.some((u) => u.id === assigneeId));
    if (!ok) throw new ValidationError("validation.formErrors", { assigneeId: ["validation.choice"] });
  }
  await transaction("service.assign", async (tx) => {
    const c = await lockCase(tx, actor, id);
    const before = await tx.selectFrom("service_cases").select("assignee_id").where("id", "=", id).executeTakeFirstOrThrow();
    await tx.updateTable("service_cases").set({ assignee_id: assigneeId, updated_at: now() }).where("id", "=", id).execute();
    await audit(tx, actor, {
      action: "service.assigned",
      entityType: "service_case",
      entityId: id,
      dealerId: c.dealer_id,
      summary: { assignee: { from: before.assignee_id, to: assigneeId } },
    });
  });
}

/** A status change through the state machine (state.ts); reopening only within REOPEN_DAYS of the resolution. */
export async function moveCase(actor: Actor, id: number, input: TransitionInput) {
  requirePermission(actor, "service:read");
  await transaction("service.move", async (tx) => {
    const c = await lockCase(tx, actor, id);
    if (!isServiceStatus(c.status)) throw new ConflictError();
    const rule = ruleFor(input.action, c.status, (p) => can(actor, p));
    if (!rule) {
      // The action exists but not from here (or not for this role): say which.
      const anyRule = ruleFor(input.action, c.status, () => true);
      if (anyRule) requirePermission(actor, anyRule.permission);
      throw new ConflictError("service.notFromStatus");
    }
    const at = now();
    if (input.action === "reopen" && !reopenable(c.resolved_at, at)) throw new ConflictError("service.reopenExpired", { days: REOPEN_DAYS });
    // A low score's callback is recorded before the case closes (decision 133).
    if (rule.to === "closed" && (await hasOpenCallback(tx, id))) throw new ConflictError("service.callback.blocksClose");
    const set: Record<string, unknown> = { status: rule.to, updated_at: at };
    if (rule.to === "acknowledged" || (rule.to === "in_progress" && !c.first_response_at)) set.first_response_at = c.first_response_at ?? at;
    if (rule.to === "resolved") {
      set.resolved_at = at;
      set.outcome = await resolvedOutcome(tx, id, input.outcome, c.outcome);
    }
    if (rule.to === "closed") set.closed_at = at;
    if (input.action === "reopen") {
      set.resolved_at = null;
      set.closed_at = null;
      set.outcome = null;
      set.reopen_count = sql`reopen_count + 1`;
    }
    await tx.updateTable("service_cases").set(set).where("id", "=", id).where("status", "=", c.status).execute();
    if (input.note)
      await tx
        .insertInto("service_messages")
        .values({ case_id: id, author_id: actor.userId, visibility: "public", kind: "status", body: input.note, created_at: at })
        .execute();
    await audit(tx, actor, {
      action: "service.moved",
      entityType: "service_case",
      entityId: id,
      dealerId: c.dealer_id,
      summary: { action: input.action, status: { from: c.status, to: rule.to }, ...(set.outcome ? { outcome: set.outcome } : {}) },
    });
    if (rule.to === "resolved") {
      await sendSurvey(tx, c);
      await emitEvent(tx, actor, {
        type: "service.resolved",
        entityType: "service_case",
        entityId: id,
        dealerId: c.dealer_id,
        accountManagerId: c.account_manager_id,
        payload: { number: c.number, subject: c.subject },
      });
    }
  });
}

/**
 * The outcome a resolution records: the one chosen, else the one the case already has (a return or a
 * replacement set it), else an answer. A return or a replacement is an outcome only when the case has one.
 */
async function resolvedOutcome(tx: Executor, caseId: number, chosen: ServiceOutcome | undefined, current: string | null): Promise<ServiceOutcome> {
  const outcome = chosen ?? (isOutcome(current) ? current : "answer");
  const has =
    outcome === "rma"
      ? await tx.selectFrom("service_rmas").select("id").where("case_id", "=", caseId).executeTakeFirst()
      : outcome === "replacement"
        ? await tx.selectFrom("service_replacement_lines").select("id").where("case_id", "=", caseId).executeTakeFirst()
        : true;
  if (!has) throw new ValidationError("validation.formErrors", { outcome: ["service.outcomeNeedsRecord"] });
  return outcome;
}

/** Links the case to another order, shipment or deal of the same dealer. */
export async function linkCase(actor: Actor, id: number, input: LinkInput) {
  requirePermission(actor, "service:work");
  await transaction("service.link", async (tx) => {
    const c = await lockCase(tx, actor, id);
    let refId: number | undefined;
    if (input.kind === "order")
      refId = (await tx.selectFrom("orders").select("id").where("number", "=", input.ref).where("dealer_id", "=", c.dealer_id).executeTakeFirst())?.id;
    else if (input.kind === "shipment")
      refId = (await tx.selectFrom("shipments").select("id").where("number", "=", input.ref).where("dealer_id", "=", c.dealer_id).executeTakeFirst())?.id;
    else if (/^\d{1,15}$/.test(input.ref))
      refId = (await tx.selectFrom("deals").select("id").where("id", "=", Number(input.ref)).where("dealer_id", "=", c.dealer_id).executeTakeFirst())?.id;
    if (!refId) throw new ValidationError("validation.formErrors", { ref: ["service.linkNotFound"] });
    await tx.insertInto("service_case_links").ignore().values({ case_id: id, kind: input.kind, ref_id: refId, created_at: now() }).execute();
    await audit(tx, actor, {
      action: "service.linked",
      entityType: "service_case",
      entityId: id,
      dealerId: c.dealer_id,
      summary: { kind: input.kind, ref: input.ref },
    });
  });
}

// ---------------------------------------------------------------- the promise (admin) and dashboards

export async function getPromiseSettings(actor: Actor) {
  requirePermission(actor, "service:configure");
  const [promises, settings, leads] = await Promise.all([loadPromises(db), loadSettings(db), deskUsers(db)]);
  return { promises, settings, leads };
}

export async function updatePromiseSettings(actor: Actor, input: PromiseInput) {
  requirePermission(actor, "service:configure");
  for (const p of SERVICE_PRIORITIES)
    if (input[`${p}_resolution`] < input[`${p}_response`])
      throw new ValidationError("validation.formErrors", { [`${p}_resolution`]: ["service.promise.resolutionBeforeResponse"] });
  if (input.leadUserId !== null && !(await deskUsers(db)).some((u) => u.id === input.leadUserId))
    throw new ValidationError("validation.formErrors", { leadUserId: ["validation.choice"] });
  await transaction("service.promise", async (tx) => {
    const before = { promises: await loadPromises(tx), settings: await loadSettings(tx) };
    // Upserts: the rows the migration wrote may be gone (an emptied database); the form writes them whole.
    for (const p of SERVICE_PRIORITIES) {
      const row = { response_hours: input[`${p}_response`], resolution_hours: input[`${p}_resolution`], updated_by: actor.userId, updated_at: now() };
      await tx
        .insertInto("service_promises")
        .values({ priority: p, ...row })
        .onDuplicateKeyUpdate(row)
        .execute();
    }
    const settings = { lead_user_id: input.leadUserId, due_soon_hours: input.dueSoonHours, updated_at: now() };
    await tx
      .insertInto("service_settings")
      .values({ id: 1, ...settings })
      .onDuplicateKeyUpdate(settings)
      .execute();
    await audit(tx, actor, { action: "service.promise_changed", entityType: "service_case", entityId: 0, summary: { before, after: input } });
  });
}

/** The open / due soon / overdue counts the dashboards show for the cases the actor sees. */
export async function serviceSummary(actor: Actor) {
  if (!can(actor, "service:read")) return null;
  const { dueSoonHours } = await loadSettings(db);
  return caseCounts(db, actor, now(), dueSoonHours);
}

// ---------------------------------------------------------------- db:check

/** The grace a scheduled run has to flag a case once its promise has passed (the escalation job runs every 15 minutes). */
const FLAG_GRACE_MS = 60 * 60_000;

/** Every open case past its promise (longer than the grace) carries its breach flag. */
export async function findServiceInvariantViolations(dbx: Executor) {
  const edge = new Date(now().getTime() - FLAG_GRACE_MS);
  return dbx
    .selectFrom("service_cases as sc")
    .select(["sc.id", "sc.number", "sc.status", "sc.response_due_at", "sc.resolution_due_at"])
    .where("sc.status", "in", [...OPEN_STATUSES])
    .where("sc.breached_at", "is", null)
    .where((eb) => eb.or([eb.and([eb("sc.first_response_at", "is", null), eb("sc.response_due_at", "<=", edge)]), eb("sc.resolution_due_at", "<=", edge)]))
    .limit(100)
    .execute();
}

/**
 * Deals (商机 / 项目报备): registration with conflict detection (撞单), protection
 * periods, the shared deal desk (activities, tasks), closing, expiry, leads, and the
 * hooks other domains call (order approval → won; protected-account watch).
 */
import { sql, type Updateable } from "kysely";
import { db, type Executor, type Tx } from "../../../db/client";
import type { Deals } from "../../../db/types";
import { audit, emitEvent } from "~/modules/audit/audit.server";
import { can, requirePermission, type Actor } from "~/modules/auth/actor";
import { scopes } from "~/modules/auth/access.server";
import { isDealerRole, moverSide, rolesWith } from "~/modules/auth/permissions";
import { env } from "~/utils/env.server";
import { ConflictError, NotFoundError, ValidationError, type FieldErrors } from "~/utils/errors";
import { minorToDecimal } from "~/utils/money";
import { addDays, now, startOfBusinessDate, todayIn, type IsoDate } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { normaliseAccountName } from "./credit-code";
import {
  PAGE_SIZE,
  activeAccountManagers,
  dealListColumns,
  dealsQuery,
  dealsWhere,
  findDeal,
  holdingDeals,
  lineCodesOf,
  lockDeal,
  orderDeals,
  productLines,
} from "./deals.queries.server";
import type { ActivityInput, DealFilter, RegisterDealInput, TaskInput, UpdateDealInput } from "./deals.schema.server";
import { DEAL_STAGES, OPEN_STAGES, PROTECTED_STAGES, dealTransition, isOpenStage, type DealMover, type DealStage } from "./state";

export const today = (): IsoDate => todayIn(env().BUSINESS_TZ);

type DealRow = Pick<Deals, never> & { id: number; stage: string; dealer_id: number; account_manager_id: number; title: string; key_account_id: number };

const isDuplicate = (err: unknown) => (err as { code?: string }).code === "ER_DUP_ENTRY";

/**
 * Moves a deal along one edge of the state machine (app/modules/deals/state.ts), with a
 * guarded UPDATE, an audit entry and a domain event, in the caller's transaction.
 */
export async function moveDeal(
  tx: Executor,
  actor: Actor,
  deal: DealRow,
  to: DealStage,
  mover: DealMover,
  extra: { set?: Updateable<Deals>; payload?: Record<string, unknown>; summary?: Record<string, unknown> } = {},
): Promise<void> {
  const t = dealTransition(deal.stage, to);
  if (!t || !t.by.includes(mover)) throw new ConflictError("deals.badTransition");
  const res = await tx
    .updateTable("deals")
    .set({ ...extra.set, stage: to, updated_at: now(), version: sql<number>`version + 1` })
    .where("id", "=", deal.id)
    .where("stage", "=", deal.stage)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new ConflictError();
  await audit(tx, actor, {
    action: t.event,
    entityType: "deal",
    entityId: deal.id,
    dealerId: deal.dealer_id,
    summary: { from: deal.stage, to, ...extra.summary },
  });
  await emitEvent(tx, actor, {
    type: t.event,
    entityType: "deal",
    entityId: deal.id,
    dealerId: deal.dealer_id,
    accountManagerId: deal.account_manager_id,
    payload: { title: deal.title, keyAccountId: deal.key_account_id, from: deal.stage, to, ...extra.payload },
  });
  deal.stage = to;
}

// ---------------------------------------------------------------- registration

/** What the registration form offers: product lines and the key accounts the dealer already works on. */
export async function registrationOptions(actor: Actor) {
  requirePermission(actor, "deal:register");
  const [lines, accounts] = await Promise.all([
    productLines(db),
    db
      .selectFrom("key_accounts as ka")
      .select(["ka.id", "ka.name"])
      .where((eb) =>
        eb.exists(eb.selectFrom("deals as d").select("d.id").whereRef("d.key_account_id", "=", "ka.id").where("d.dealer_id", "=", actor.dealerId!)),
      )
      .orderBy("ka.name")
      .execute(),
  ]);
  return { productLines: lines, keyAccounts: accounts, today: today() };
}

async function matchKeyAccount(tx: Tx, creditCode: string | null, name: string | null) {
  if (creditCode) {
    const byCode = await tx.selectFrom("key_accounts").selectAll().where("credit_code", "=", creditCode).forUpdate().executeTakeFirst();
    if (byCode) return byCode;
  }
  if (name) {
    const norm = normaliseAccountName(name);
    if (!norm) return undefined;
    let q = tx.selectFrom("key_accounts").selectAll().where("name_normalized", "=", norm);
    // Two companies may share a name; with different credit codes they are different customers.
    if (creditCode) q = q.where("credit_code", "is", null);
    return q.orderBy("id").forUpdate().executeTakeFirst();
  }
  return undefined;
}

export type ConflictReason = { dealerCode: string; dealId: number; stage: string; lines: string[] };

/**
 * A dealer registers an opportunity. The key account is the one picked (from the dealer's
 * own accounts) or matched by credit code, else by normalised name, else created and given
 * to the dealer's account manager. Another dealer's active registration on an overlapping
 * product line sends the new one to `conflict` for the account manager to decide.
 */
export async function registerDeal(actor: Actor, input: RegisterDealInput): Promise<{ id: number; stage: DealStage }> {
  requirePermission(actor, "deal:register");
  const dealerId = actor.dealerId!;
  const t = today();
  const fieldErrors: FieldErrors = {};
  if (input.expectedCloseDate < t) fieldErrors.expectedCloseDate = ["validation.dateFuture"];
  const codes = [...new Set(input.productLines.map((l) => l.code))];
  const known = codes.length ? await db.selectFrom("product_lines").select("code").where("code", "in", codes).execute() : [];
  if (known.length !== codes.length) fieldErrors.productLines = ["deals.unknownProductLine"];
  if (Object.keys(fieldErrors).length) throw new ValidationError("validation.formErrors", fieldErrors);
  const dealer = await db.selectFrom("organisations").select(["currency", "account_manager_id", "status"]).where("id", "=", dealerId).executeTakeFirstOrThrow();

  const attempt = () =>
    transaction("deal.register", async (tx) => {
      let ka: { id: number; owner_id: number; name: string } | undefined;
      if (input.keyAccountId) {
        ka = await tx
          .selectFrom("key_accounts as ka")
          .select(["ka.id", "ka.owner_id", "ka.name"])
          .where("ka.id", "=", input.keyAccountId)
          .where((eb) => eb.exists(eb.selectFrom("deals as d").select("d.id").whereRef("d.key_account_id", "=", "ka.id").where("d.dealer_id", "=", dealerId)))
          .forUpdate()
          .executeTakeFirst();
        if (!ka) throw new ValidationError("validation.formErrors", { keyAccountId: ["validation.choice"] });
      } else {
        ka = await matchKeyAccount(tx, input.creditCode, input.accountName);
        if (!ka) {
          if (!dealer.account_manager_id) throw new ValidationError("validation.formErrors", { accountName: ["deals.noAccountManager"] });
          const res = await tx
            .insertInto("key_accounts")
            .values({
              name: input.accountName!,
              name_normalized: normaliseAccountName(input.accountName!),
              credit_code: input.creditCode,
              industry: input.industry ?? "other",
              region: input.region ?? "",
              size: "medium",
              owner_id: dealer.account_manager_id,
            })
            .executeTakeFirstOrThrow();
          ka = { id: Number(res.insertId), owner_id: dealer.account_manager_id, name: input.accountName! };
          await audit(tx, actor, {
            action: "key_account.proposed",
            entityType: "key_account",
            entityId: ka.id,
            dealerId,
            summary: { name: ka.name, creditCode: input.creditCode },
          });
          await emitEvent(tx, actor, {
            type: "key_account.proposed",
            entityType: "key_account",
            entityId: ka.id,
            dealerId,
            accountManagerId: ka.owner_id,
            payload: { name: ka.name },
          });
        }
      }
      // The same dealer registering the same customer and line twice is a duplicate, not a conflict.
      const own = await tx
        .selectFrom("deals as d")
        .select("d.id")
        .where("d.key_account_id", "=", ka.id)
        .where("d.dealer_id", "=", dealerId)
        .where("d.stage", "in", [...OPEN_STAGES])
        .where((eb) => eb.or([eb("d.protection_expires_on", "is", null), eb("d.protection_expires_on", ">=", t)]))
        .where((eb) =>
          eb.exists(eb.selectFrom("deal_product_lines as l").select("l.deal_id").whereRef("l.deal_id", "=", "d.id").where("l.product_line_code", "in", codes)),
        )
        .executeTakeFirst();
      if (own) throw new ValidationError("deals.alreadyRegistered", { productLines: ["deals.alreadyRegistered"] }, { id: own.id });

      const res = await tx
        .insertInto("deals")
        .values({
          dealer_id: dealerId,
          key_account_id: ka.id,
          account_manager_id: ka.owner_id,
          title: input.title,
          stage: "registered",
          estimated_value_minor: input.estimatedValue,
          currency: dealer.currency,
          expected_close_date: input.expectedCloseDate,
          competitors: input.competitors,
          notes: input.notes,
          source: "dealer",
          created_by: actor.userId,
        })
        .executeTakeFirstOrThrow();
      const id = Number(res.insertId);
      await tx
        .insertInto("deal_product_lines")
        .values(input.productLines.map((l) => ({ deal_id: id, product_line_code: l.code, estimated_quantity: l.quantity })))
        .execute();
      const deal: DealRow = { id, stage: "registered", dealer_id: dealerId, account_manager_id: ka.owner_id, title: input.title, key_account_id: ka.id };
      await audit(tx, actor, {
        action: "deal.registered",
        entityType: "deal",
        entityId: id,
        dealerId,
        summary: {
          title: input.title,
          keyAccountId: ka.id,
          lines: input.productLines,
          value: input.estimatedValue,
          expectedCloseDate: input.expectedCloseDate,
        },
      });
      await emitEvent(tx, actor, {
        type: "deal.registered",
        entityType: "deal",
        entityId: id,
        dealerId,
        accountManagerId: ka.owner_id,
        payload: { title: input.title, keyAccountId: ka.id, keyAccountName: ka.name, value: input.estimatedValue },
      });

      const holders = await holdingDeals(tx, { keyAccountId: ka.id, lineCodes: codes, excludeDealerId: dealerId, today: t });
      if (holders.length) {
        const h = holders[0]!;
        const reason: ConflictReason = {
          dealerCode: h.dealer_code,
          dealId: h.id,
          stage: h.stage,
          lines: String(h.overlap ?? "")
            .split(",")
            .filter(Boolean),
        };
        await moveDeal(tx, actor, deal, "conflict", "system", {
          set: { conflict_reason: JSON.stringify(reason), conflict_with_deal_id: h.id },
          // The other dealer is never named in what the dealer can see (payload reaches digests).
          summary: { conflictWithDealId: h.id },
        });
      }
      return { id, stage: deal.stage as DealStage };
    });
  try {
    return await attempt();
  } catch (err) {
    // Two dealers proposing the same new customer at once: the second matches the first's account.
    if (isDuplicate(err)) return attempt();
    throw err;
  }
}

// ---------------------------------------------------------------- decisions (account manager)

async function lockOrThrow(tx: Executor, actor: Actor, id: number) {
  const deal = await lockDeal(tx, actor, id);
  if (!deal) throw new NotFoundError();
  return deal;
}

/** Approves a registration (or resolves a conflict in its favour): protected for DEAL_PROTECTION_DAYS. */
export async function approveDeal(actor: Actor, id: number) {
  requirePermission(actor, "deal:approve");
  await transaction("deal.approve", async (tx) => {
    const deal = await lockOrThrow(tx, actor, id);
    if (deal.stage !== "registered" && deal.stage !== "conflict") throw new ConflictError("deals.badTransition");
    await tx.selectFrom("key_accounts").select("id").where("id", "=", deal.key_account_id).forUpdate().execute();
    const t = today();
    const holders = await holdingDeals(tx, {
      keyAccountId: deal.key_account_id,
      lineCodes: await lineCodesOf(tx, id),
      excludeDealerId: deal.dealer_id,
      today: t,
    });
    // Never two protected registrations of different dealers on one customer and product line.
    if (holders.length) throw new ConflictError("deals.otherRegistrationActive", { id: holders[0]!.id });
    const until = addDays(t, env().DEAL_PROTECTION_DAYS);
    await moveDeal(tx, actor, deal, "approved", moverSide(actor), {
      set: { protection_expires_on: until, approved_at: now() },
      payload: { protectionExpiresOn: until },
      summary: { protectionExpiresOn: until },
    });
  });
}

export async function rejectDeal(actor: Actor, id: number, reason: string) {
  requirePermission(actor, "deal:approve");
  await transaction("deal.reject", async (tx) => {
    const deal = await lockOrThrow(tx, actor, id);
    await moveDeal(tx, actor, deal, "rejected", moverSide(actor), { set: { lost_reason: reason, closed_at: now() }, payload: { reason }, summary: { reason } });
  });
}

function assertProtected(deal: { stage: string; protection_expires_on: string | null }) {
  if (!(PROTECTED_STAGES as readonly string[]).includes(deal.stage)) throw new ConflictError("deals.badTransition");
  if (!deal.protection_expires_on || deal.protection_expires_on < today()) throw new ConflictError("deals.protectionLapsed");
}

/** The dealer asks the account manager to renew the protection period. */
export async function requestRenewal(actor: Actor, id: number, note: string | null) {
  requirePermission(actor, "deal:register");
  await transaction("deal.renewal_request", async (tx) => {
    const deal = await lockOrThrow(tx, actor, id);
    assertProtected(deal);
    await tx
      .updateTable("deals")
      .set({ renewal_requested_at: now(), renewal_requested_by: actor.userId, renewal_note: note, updated_at: now() })
      .where("id", "=", id)
      .execute();
    await audit(tx, actor, { action: "deal.renewal_requested", entityType: "deal", entityId: id, dealerId: deal.dealer_id, summary: { note } });
    await emitEvent(tx, actor, {
      type: "deal.renewal_requested",
      entityType: "deal",
      entityId: id,
      dealerId: deal.dealer_id,
      accountManagerId: deal.account_manager_id,
      payload: { title: deal.title, protectionExpiresOn: deal.protection_expires_on, note },
    });
  });
}

/**
 * The account manager renews the protection (granting a request, or on their own):
 * DEAL_PROTECTION_DAYS more from the current expiry (or from today, if later).
 */
export async function renewProtection(actor: Actor, id: number) {
  requirePermission(actor, "deal:approve");
  return transaction("deal.renew", async (tx) => {
    const deal = await lockOrThrow(tx, actor, id);
    assertProtected(deal);
    const t = today();
    const from = deal.protection_expires_on! > t ? deal.protection_expires_on! : t;
    const until = addDays(from, env().DEAL_PROTECTION_DAYS);
    await tx
      .updateTable("deals")
      .set({
        protection_expires_on: until,
        renewal_requested_at: null,
        renewal_requested_by: null,
        renewal_note: null,
        updated_at: now(),
        version: sql<number>`version + 1`,
      })
      .where("id", "=", id)
      .execute();
    await audit(tx, actor, {
      action: "deal.renewed",
      entityType: "deal",
      entityId: id,
      dealerId: deal.dealer_id,
      summary: { from: deal.protection_expires_on, to: until, requested: !!deal.renewal_requested_at },
    });
    await emitEvent(tx, actor, {
      type: "deal.renewed",
      entityType: "deal",
      entityId: id,
      dealerId: deal.dealer_id,
      accountManagerId: deal.account_manager_id,
      payload: { title: deal.title, protectionExpiresOn: until },
    });
    return { protectionExpiresOn: until };
  });
}

export async function declineRenewal(actor: Actor, id: number, reason: string) {
  requirePermission(actor, "deal:approve");
  await transaction("deal.renewal_decline", async (tx) => {
    const deal = await lockOrThrow(tx, actor, id);
    if (!deal.renewal_requested_at) throw new ConflictError("deals.noRenewalRequest");
    await tx
      .updateTable("deals")
      .set({ renewal_requested_at: null, renewal_requested_by: null, renewal_note: null, updated_at: now() })
      .where("id", "=", id)
      .execute();
    await audit(tx, actor, { action: "deal.renewal_declined", entityType: "deal", entityId: id, dealerId: deal.dealer_id, summary: { reason } });
    await emitEvent(tx, actor, {
      type: "deal.renewal_declined",
      entityType: "deal",
      entityId: id,
      dealerId: deal.dealer_id,
      accountManagerId: deal.account_manager_id,
      payload: { title: deal.title, reason },
    });
  });
}

// ---------------------------------------------------------------- the dealer's side

export async function startNegotiation(actor: Actor, id: number) {
  requirePermission(actor, "deal:activity");
  await transaction("deal.negotiate", async (tx) => {
    const deal = await lockOrThrow(tx, actor, id);
    if (deal.stage === "approved") assertProtected(deal);
    await moveDeal(tx, actor, deal, "negotiating", moverSide(actor));
  });
}

/** The dealer closes the deal as lost, with a reason. A deal whose quote has been booked cannot be lost. */
export async function closeLost(actor: Actor, id: number, reason: string) {
  requirePermission(actor, "deal:close");
  await transaction("deal.lost", async (tx) => {
    const deal = await lockOrThrow(tx, actor, id);
    const booked = await tx.selectFrom("quotes").select("id").where("deal_id", "=", id).where("status", "=", "converted").executeTakeFirst();
    if (booked) throw new ConflictError("deals.bookedCannotLose");
    await moveDeal(tx, actor, deal, "lost", moverSide(actor), { set: { lost_reason: reason, closed_at: now() }, payload: { reason }, summary: { reason } });
  });
}

/** The dealer updates the estimate of an open deal (title, value, close date, competitors, notes). */
export async function updateDeal(actor: Actor, id: number, input: UpdateDealInput) {
  requirePermission(actor, "deal:register");
  if (input.expectedCloseDate < today()) throw new ValidationError("validation.formErrors", { expectedCloseDate: ["validation.dateFuture"] });
  await transaction("deal.update", async (tx) => {
    const deal = await lockOrThrow(tx, actor, id);
    if (!isOpenStage(deal.stage)) throw new ConflictError("deals.closed");
    const after = {
      title: input.title,
      estimated_value_minor: input.estimatedValue,
      expected_close_date: input.expectedCloseDate,
      competitors: input.competitors,
      notes: input.notes,
    };
    await tx
      .updateTable("deals")
      .set({ ...after, updated_at: now(), version: sql<number>`version + 1` })
      .where("id", "=", id)
      .execute();
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [k, v] of Object.entries(after))
      if (String(deal[k as keyof typeof deal] ?? "") !== String(v ?? "")) changes[k] = { from: deal[k as keyof typeof deal] ?? null, to: v };
    if (!Object.keys(changes).length) return;
    await audit(tx, actor, { action: "deal.updated", entityType: "deal", entityId: id, dealerId: deal.dealer_id, summary: changes });
    await emitEvent(tx, actor, {
      type: "deal.updated",
      entityType: "deal",
      entityId: id,
      dealerId: deal.dealer_id,
      accountManagerId: deal.account_manager_id,
      payload: { title: input.title, changed: Object.keys(changes) },
    });
  });
}

// ---------------------------------------------------------------- the shared desk: activities and tasks

function occurredAt(raw: string | null): Date {
  if (!raw) return now();
  const [date, time = "09:00"] = raw.split("T") as [string, string?];
  const [h, m] = time.split(":").map(Number) as [number, number];
  return new Date(startOfBusinessDate(date, env().BUSINESS_TZ).getTime() + (h * 60 + m) * 60_000);
}

export async function addActivity(actor: Actor, id: number, input: ActivityInput) {
  requirePermission(actor, "deal:activity");
  const at = occurredAt(input.occurredAt);
  if (Number.isNaN(at.getTime())) throw new ValidationError("validation.formErrors", { occurredAt: ["validation.date"] });
  await transaction("deal.activity", async (tx) => {
    const deal = await lockOrThrow(tx, actor, id);
    const res = await tx
      .insertInto("deal_activities")
      .values({ deal_id: id, kind: input.kind, body: input.body, occurred_at: at, actor_user_id: actor.userId })
      .executeTakeFirstOrThrow();
    await audit(tx, actor, {
      action: "deal.activity_logged",
      entityType: "deal",
      entityId: id,
      dealerId: deal.dealer_id,
      summary: { activityId: Number(res.insertId), kind: input.kind },
    });
    await emitEvent(tx, actor, {
      type: "deal.activity",
      entityType: "deal",
      entityId: id,
      dealerId: deal.dealer_id,
      accountManagerId: deal.account_manager_id,
      payload: { title: deal.title, kind: input.kind },
    });
  });
}

/** People who can own a task on the deal: the dealer's sales staff and the deal's account manager. */
async function taskOwners(dbx: Executor, deal: { dealer_id: number; account_manager_id: number }) {
  return dbx
    .selectFrom("users")
    .select(["id", "name", "role"])
    .where("status", "=", "active")
    .where((eb) =>
      eb.or([
        eb.and([eb("organisation_id", "=", deal.dealer_id), eb("role", "in", rolesWith("deal:activity").filter(isDealerRole))]),
        eb("id", "=", deal.account_manager_id),
      ]),
    )
    .orderBy("name")
    .execute();
}

export async function addTask(actor: Actor, id: number, input: TaskInput) {
  requirePermission(actor, "deal:activity");
  if (input.dueDate && input.dueDate < today()) throw new ValidationError("validation.formErrors", { dueDate: ["validation.dateFuture"] });
  await transaction("deal.task", async (tx) => {
    const deal = await lockOrThrow(tx, actor, id);
    if (input.ownerUserId && !(await taskOwners(tx, deal)).some((u) => u.id === input.ownerUserId))
      throw new ValidationError("validation.formErrors", { ownerUserId: ["validation.choice"] });
    const res = await tx
      .insertInto("deal_tasks")
      .values({ deal_id: id, title: input.title, owner_user_id: input.ownerUserId ?? actor.userId, due_date: input.dueDate, created_by: actor.userId })
      .executeTakeFirstOrThrow();
    await audit(tx, actor, {
      action: "deal.task_added",
      entityType: "deal",
      entityId: id,
      dealerId: deal.dealer_id,
      summary: { taskId: Number(res.insertId), title: input.title, owner: input.ownerUserId, due: input.dueDate },
    });
    await emitEvent(tx, actor, {
      type: "deal.task_added",
      entityType: "deal",
      entityId: id,
      dealerId: deal.dealer_id,
      accountManagerId: deal.account_manager_id,
      payload: { title: deal.title, task: input.title, due: input.dueDate },
    });
  });
}

export async function completeTask(actor: Actor, id: number, taskId: number) {
  requirePermission(actor, "deal:activity");
  await transaction("deal.task_done", async (tx) => {
    const deal = await lockOrThrow(tx, actor, id);
    const res = await tx
      .updateTable("deal_tasks")
      .set({ done_at: now() })
      .where("id", "=", taskId)
      .where("deal_id", "=", id)
      .where("done_at", "is", null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) {
      const exists = await tx.selectFrom("deal_tasks").select("id").where("id", "=", taskId).where("deal_id", "=", id).executeTakeFirst();
      if (!exists) throw new NotFoundError();
      return; // already done: a double click changes nothing
    }
    await audit(tx, actor, { action: "deal.task_done", entityType: "deal", entityId: id, dealerId: deal.dealer_id, summary: { taskId } });
    await emitEvent(tx, actor, {
      type: "deal.task_done",
      entityType: "deal",
      entityId: id,
      dealerId: deal.dealer_id,
      accountManagerId: deal.account_manager_id,
      payload: { title: deal.title, taskId },
    });
  });
}

export async function resolveFlag(actor: Actor, id: number, flagId: number) {
  requirePermission(actor, "deal:approve");
  await transaction("deal.flag_resolve", async (tx) => {
    const deal = await lockOrThrow(tx, actor, id);
    const res = await tx
      .updateTable("deal_flags")
      .set({ resolved_at: now() })
      .where("id", "=", flagId)
      .where("deal_id", "=", id)
      .where("resolved_at", "is", null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new NotFoundError();
    await audit(tx, actor, { action: "deal.flag_resolved", entityType: "deal", entityId: id, dealerId: deal.dealer_id, summary: { flagId } });
  });
}

// ---------------------------------------------------------------- reading

export async function listDeals(actor: Actor, filter: DealFilter) {
  requirePermission(actor, "deal:read");
  const base = dealsQuery(db, actor, filter);
  const [rows, total] = await Promise.all([
    orderDeals(base.select(dealListColumns), filter.sort)
      .limit(PAGE_SIZE)
      .offset((filter.page - 1) * PAGE_SIZE)
      .execute(),
    dealsWhere(db, actor, filter)
      .select(sql<number>`COUNT(*)`.as("n"))
      .executeTakeFirst(),
  ]);
  return { rows, total: Number(total?.n ?? 0), page: filter.page, pageSize: PAGE_SIZE };
}

/** Counts and values per stage for the filtered deals (the stage filter itself is ignored). */
export async function pipeline(actor: Actor, filter: DealFilter) {
  requirePermission(actor, "deal:read");
  const rows = await dealsWhere(db, actor, filter, { ignoreStage: true })
    .select(["d.stage", sql<number>`COUNT(*)`.as("n"), sql<string>`COALESCE(SUM(d.estimated_value_minor), 0)`.as("value")])
    .groupBy("d.stage")
    .execute();
  const by = new Map(rows.map((r) => [r.stage, r]));
  return DEAL_STAGES.map((stage) => ({ stage, count: Number(by.get(stage)?.n ?? 0), value: Number(by.get(stage)?.value ?? 0) }));
}

export async function* exportDeals(actor: Actor, filter: DealFilter) {
  requirePermission(actor, "deal:read");
  const dealer = isDealerRole(actor.role);
  for (let offset = 0; ; offset += 1000) {
    const rows = await orderDeals(dealsQuery(db, actor, filter).select(dealListColumns), filter.sort)
      .limit(1000)
      .offset(offset)
      .execute();
    if (!rows.length) return;
    yield rows.map((r) => [
      r.id,
      r.title,
      r.key_account_name,
      ...(dealer ? [] : [r.dealer_code]),
      r.account_manager_name,
      r.stage,
      minorToDecimal(r.estimated_value_minor, r.currency),
      r.currency,
      r.expected_close_date ?? "",
      r.protection_expires_on ?? "",
      r.source,
      r.created_at,
    ]);
    if (rows.length < 1000) return;
  }
}

export function dealCsvHeader(actor: Actor) {
  return [
    "id",
    "title",
    "key_account",
    ...(isDealerRole(actor.role) ? [] : ["dealer"]),
    "account_manager",
    "stage",
    "estimated_value",
    "currency",
    "expected_close_date",
    "protection_expires_on",
    "source",
    "created_at",
  ];
}

/** Choices for the list filters, limited to what the actor can see. */
export async function dealFilterOptions(actor: Actor) {
  requirePermission(actor, "deal:read");
  // Semi-joins: the distinct ids come from a deals index, then at most 500 names are read.
  const kaQ = db
    .selectFrom("key_accounts as ka")
    .select(["ka.id", "ka.name"])
    .where("ka.id", "in", dealsWhere(db, actor).select("d.key_account_id"))
    .orderBy("ka.name")
    .limit(500);
  if (isDealerRole(actor.role)) return { dealers: [], accountManagers: [], keyAccounts: await kaQ.execute() };
  const dealersQ = db
    .selectFrom("organisations as o")
    .select(["o.id", "o.code", "o.name"])
    .where("o.id", "in", dealsWhere(db, actor).select("d.dealer_id"))
    .orderBy("o.code")
    .limit(500);
  const [dealers, keyAccounts, accountManagers] = await Promise.all([
    dealersQ.execute(),
    kaQ.execute(),
    scopes.deal.readsAll(actor) ? activeAccountManagers(db) : Promise.resolve([]),
  ]);
  return { dealers, keyAccounts, accountManagers };
}

function parseConflict(raw: string | null): ConflictReason | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as ConflictReason;
  } catch {
    return null;
  }
}

/** Everything on the shared deal page, for the dealer and the account manager. */
export async function getDealPage(actor: Actor, id: number) {
  requirePermission(actor, "deal:read");
  const deal = await findDeal(db, actor, id);
  if (!deal) throw new NotFoundError();
  const manufacturer = !isDealerRole(actor.role);
  const [lines, contacts, activities, tasks, quotes, orders, owners, flags] = await Promise.all([
    db
      .selectFrom("deal_product_lines as l")
      .innerJoin("product_lines as pl", "pl.code", "l.product_line_code")
      .select(["l.product_line_code as code", "l.estimated_quantity", "pl.name_en", "pl.name_zh"])
      .where("l.deal_id", "=", id)
      .orderBy("pl.sort_order")
      .execute(),
    db
      .selectFrom("key_account_contacts")
      .select(["id", "name", "title", "phone", "email"])
      .where("key_account_id", "=", deal.key_account_id)
      .orderBy("id")
      .execute(),
    db
      .selectFrom("deal_activities as a")
      .leftJoin("users as u", "u.id", "a.actor_user_id")
      .select(["a.id", "a.kind", "a.body", "a.occurred_at", "u.name as actor_name", "u.role as actor_role"])
      .where("a.deal_id", "=", id)
      .orderBy("a.occurred_at", "desc")
      .orderBy("a.id", "desc")
      .limit(200)
      .execute(),
    db
      .selectFrom("deal_tasks as t")
      .leftJoin("users as u", "u.id", "t.owner_user_id")
      .select(["t.id", "t.title", "t.due_date", "t.done_at", "t.created_at", "u.name as owner_name"])
      .where("t.deal_id", "=", id)
      .orderBy(sql`t.done_at IS NOT NULL`)
      .orderBy(sql`t.due_date IS NULL`)
      .orderBy("t.due_date")
      .orderBy("t.id")
      .execute(),
    db
      .selectFrom("quotes")
      .select([
        "id",
        "version",
        "status",
        "valid_until",
        "total_minor",
        "currency",
        "max_discount_bp",
        "proposed_at",
        "accepted_at",
        "converted_order_id",
        "created_at",
      ])
      .where("deal_id", "=", id)
      // The manufacturer's drafts and discount approvals are internal until proposed.
      .$if(!manufacturer, (q) => q.where("status", "not in", ["draft", "pending_approval"]))
      .orderBy("version", "desc")
      .execute(),
    db
      .selectFrom("orders")
      .select(["id", "number", "status", "total_minor", "currency", "created_at", "approved_at", "quote_id"])
      .where("deal_id", "=", id)
      .orderBy("created_at", "desc")
      .execute(),
    taskOwners(db, deal),
    manufacturer
      ? db
          .selectFrom("deal_flags as f")
          .innerJoin("organisations as o", "o.id", "f.flagged_dealer_id")
          .select(["f.id", "f.ref_type", "f.ref_id", "f.created_at", "f.resolved_at", "o.code as dealer_code", "o.name as dealer_name"])
          .where("f.deal_id", "=", id)
          .orderBy("f.created_at", "desc")
          .execute()
      : Promise.resolve([]),
  ]);
  const orderIds = orders.map((o) => o.id);
  const [shipments, invoices] = await Promise.all([
    orderIds.length
      ? db
          .selectFrom("shipments")
          .select(["id", "number", "order_id", "shipped_on", "carrier", "tracking_number", "value_minor", "delivered_at"])
          .where("order_id", "in", orderIds)
          .orderBy("shipped_on", "desc")
          .execute()
      : Promise.resolve([]),
    orderIds.length && can(actor, "ledger:read")
      ? db
          .selectFrom("ledger_entries")
          .select(["id", "reference", "amount_minor", "currency", "business_date", "due_date", "order_id"])
          .where("order_id", "in", orderIds)
          .where("entry_type", "=", "invoice")
          .orderBy("business_date", "desc")
          .execute()
      : Promise.resolve([]),
  ]);
  const { conflict_reason, conflict_with_deal_id, ...rest } = deal;
  const t = today();
  return {
    // What the dealer sees never names another dealer: the conflict details are for the account manager only.
    deal: { ...rest, conflict: manufacturer ? parseConflict(conflict_reason) : null, conflictWithDealId: manufacturer ? conflict_with_deal_id : null },
    lines,
    contacts,
    activities,
    tasks,
    quotes: quotes.map((q) => ({ ...q, status: q.status === "proposed" && q.valid_until < t ? "expired" : q.status })),
    orders,
    shipments,
    invoices,
    taskOwners: owners,
    flags,
    today: t,
    protectionLapsed: !!deal.protection_expires_on && deal.protection_expires_on < t,
  };
}

// ---------------------------------------------------------------- hooks for other domains and jobs

/**
 * Called by orders when an order is approved (in the approval's transaction): the deal becomes
 * won when the order was made from its accepted quote. Idempotent; returns whether the deal is won.
 */
export async function markDealWonForOrder(tx: Executor, actor: Actor, orderId: number): Promise<boolean> {
  const order = await tx.selectFrom("orders").select(["id", "deal_id", "quote_id", "dealer_id"]).where("id", "=", orderId).executeTakeFirst();
  if (!order?.deal_id || !order.quote_id) return false;
  const deal = await tx.selectFrom("deals").selectAll().where("id", "=", order.deal_id).forUpdate().executeTakeFirst();
  if (!deal || deal.dealer_id !== order.dealer_id) return false;
  if (deal.stage === "won") return deal.won_order_id === orderId;
  const quote = await tx.selectFrom("quotes").select(["id", "status"]).where("id", "=", order.quote_id).where("deal_id", "=", deal.id).executeTakeFirst();
  if (!quote || (quote.status !== "accepted" && quote.status !== "converted")) return false;
  if (deal.stage !== "quoted") return false;
  await moveDeal(tx, actor, deal, "won", "system", { set: { won_order_id: orderId, closed_at: now() }, payload: { orderId }, summary: { orderId } });
  return true;
}

/**
 * The protection watch after approval: an order or quote of `dealerId` for a key account that another
 * dealer holds under protection (optionally only on these product lines) is flagged to the account
 * manager (deal_flags + deal.flagged). Call it in the transaction that creates the order or quote.
 * Returns how many protected deals were newly flagged.
 */
export async function flagProtectedAccountActivity(
  tx: Executor,
  actor: Actor,
  p: { keyAccountId: number; dealerId: number; refType: "order" | "quote"; refId: number | string; productLineCodes?: string[] },
): Promise<number> {
  let q = tx
    .selectFrom("deals as d")
    .select(["d.id", "d.dealer_id", "d.account_manager_id", "d.title", "d.key_account_id", "d.stage"])
    .where("d.key_account_id", "=", p.keyAccountId)
    .where("d.dealer_id", "<>", p.dealerId)
    .where("d.stage", "in", [...PROTECTED_STAGES])
    .where("d.protection_expires_on", ">=", today());
  if (p.productLineCodes) {
    if (!p.productLineCodes.length) return 0;
    const codes = p.productLineCodes;
    q = q.where((eb) =>
      eb.exists(eb.selectFrom("deal_product_lines as l").select("l.deal_id").whereRef("l.deal_id", "=", "d.id").where("l.product_line_code", "in", codes)),
    );
  }
  const protectedDeals = await q.execute();
  let flagged = 0;
  for (const deal of protectedDeals) {
    const res = await tx
      .insertInto("deal_flags")
      .ignore()
      .values({ deal_id: deal.id, flagged_dealer_id: p.dealerId, ref_type: p.refType, ref_id: String(p.refId) })
      .executeTakeFirst();
    if (Number(res.numInsertedOrUpdatedRows ?? 0) === 0) continue;
    flagged++;
    await audit(tx, actor, {
      action: "deal.flagged",
      entityType: "deal",
      entityId: deal.id,
      dealerId: deal.dealer_id,
      summary: { flaggedDealerId: p.dealerId, refType: p.refType, refId: String(p.refId) },
    });
    await emitEvent(tx, actor, {
      type: "deal.flagged",
      entityType: "deal",
      entityId: deal.id,
      dealerId: deal.dealer_id,
      accountManagerId: deal.account_manager_id,
      payload: { title: deal.title, refType: p.refType },
    });
  }
  return flagged;
}

/**
 * Daily (jobs): deals whose protection lapsed before `asOf` without renewal become expired.
 * A deal whose accepted quote has been booked does not expire: its order is in flight.
 */
export async function expireLapsedDeals(actor: Actor, asOf: IsoDate = today()): Promise<{ expired: number[] }> {
  requirePermission(actor, "job:manage");
  const candidates = await db
    .selectFrom("deals as d")
    .select("d.id")
    .where("d.stage", "in", [...OPEN_STAGES])
    .where("d.protection_expires_on", "is not", null)
    .where("d.protection_expires_on", "<", asOf)
    .where((eb) => eb.not(eb.exists(eb.selectFrom("quotes as q").select("q.id").whereRef("q.deal_id", "=", "d.id").where("q.status", "=", "converted"))))
    .orderBy("d.protection_expires_on")
    .orderBy("d.id")
    .execute();
  const expired: number[] = [];
  for (const { id } of candidates) {
    const done = await transaction("deal.expire", async (tx) => {
      const deal = await tx.selectFrom("deals").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
      if (!deal || !isOpenStage(deal.stage) || !deal.protection_expires_on || deal.protection_expires_on >= asOf) return false;
      await moveDeal(tx, actor, deal, "expired", "system", {
        set: { closed_at: now() },
        payload: { protectionExpiresOn: deal.protection_expires_on },
        summary: { protectionExpiresOn: deal.protection_expires_on, asOf },
      });
      return true;
    });
    if (done) expired.push(id);
  }
  return { expired };
}

/** For the jobs engineer's reminders: protected deals whose protection ends within `days` of `asOf` (inclusive). */
export async function dealsExpiringWithin(dbx: Executor, asOf: IsoDate, days: number) {
  return dbx
    .selectFrom("deals as d")
    .innerJoin("key_accounts as ka", "ka.id", "d.key_account_id")
    .innerJoin("organisations as o", "o.id", "d.dealer_id")
    .select([
      "d.id",
      "d.title",
      "d.stage",
      "d.dealer_id",
      "d.account_manager_id",
      "d.protection_expires_on",
      "d.renewal_requested_at",
      "ka.name as key_account_name",
      "o.code as dealer_code",
    ])
    .where("d.stage", "in", [...PROTECTED_STAGES])
    .where("d.protection_expires_on", ">=", asOf)
    .where("d.protection_expires_on", "<=", addDays(asOf, days))
    .orderBy("d.protection_expires_on")
    .orderBy("d.id")
    .execute();
}

/**
 * db:check — the deals invariants: never two dealers protected on one key account and product
 * line at once; a won deal names its order; a converted quote names its order.
 */
export async function findDealInvariantViolations(dbx: Executor, asOf: IsoDate = today()) {
  const overlaps = await sql<{ key_account_id: number; product_line_code: string; deals: string }>`
    SELECT d.key_account_id, l.product_line_code, GROUP_CONCAT(d.id ORDER BY d.id) AS deals
    FROM deals d JOIN deal_product_lines l ON l.deal_id = d.id
    WHERE d.stage IN ('approved','negotiating','quoted') AND d.protection_expires_on >= ${asOf}
    GROUP BY d.key_account_id, l.product_line_code
    HAVING COUNT(DISTINCT d.dealer_id) > 1`.execute(dbx);
  const wonWithoutOrder = await dbx.selectFrom("deals").select(["id"]).where("stage", "=", "won").where("won_order_id", "is", null).execute();
  const convertedWithoutOrder = await dbx
    .selectFrom("quotes")
    .select(["id"])
    .where("status", "=", "converted")
    .where("converted_order_id", "is", null)
    .execute();
  return [
    ...overlaps.rows.map((r) => ({ problem: "two dealers protected on one customer and product line", ...r })),
    ...wonWithoutOrder.map((r) => ({ problem: "won deal without its order", dealId: r.id })),
    ...convertedWithoutOrder.map((r) => ({ problem: "converted quote without its order", quoteId: r.id })),
  ];
}

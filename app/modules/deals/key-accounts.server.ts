/**
 * Key accounts (大客户) and leads. Account managers manage the accounts they own; the
 * administrator manages all. Dealers never list key accounts: they see one only through
 * their own deals (deals.server.ts) and through leads offered to them.
 */
import { sql } from "kysely";
import { db, type Executor } from "../../../db/client";
import { audit, diff, emitEvent } from "~/modules/audit/audit.server";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { can, scopes } from "~/modules/auth/access.server";
import { isDealerRole, rolesWith } from "~/modules/auth/permissions";
import { env } from "~/utils/env.server";
import { ConflictError, NotFoundError, ValidationError, type FieldErrors } from "~/utils/errors";
import { addDays, now } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { normaliseAccountName } from "./credit-code";
import { moveDeal, today } from "./deals.server";
import { PAGE_SIZE, activeAccountManagers, findKeyAccount, holdingDeals, keyAccountColumns, keyAccountsQuery, productLines } from "./deals.queries.server";
import type { ContactInput, KeyAccountFilter, KeyAccountInput, OfferLeadInput } from "./deals.schema.server";
import { OPEN_STAGES } from "./state";
import { KEY_ACCOUNT_HISTORY_HIDDEN, type KeyAccountHistoryEntity } from "~/modules/audit/event-types";

const isDuplicate = (err: unknown) => (err as { code?: string }).code === "ER_DUP_ENTRY";

function openDealsCount() {
  return sql<number>`(SELECT COUNT(*) FROM deals d WHERE d.key_account_id = ka.id AND d.stage IN (${sql.join([...OPEN_STAGES])}))`;
}

export async function listKeyAccounts(actor: Actor, filter: KeyAccountFilter) {
  requirePermission(actor, "key_account:read");
  const base = keyAccountsQuery(db, actor, filter);
  let q = base.select([...keyAccountColumns, openDealsCount().as("open_deals")]);
  q =
    filter.sort === "-created"
      ? q.orderBy("ka.created_at", "desc").orderBy("ka.id", "desc")
      : filter.sort === "openDeals"
        ? q.orderBy("open_deals", "desc").orderBy("ka.name")
        : q.orderBy("ka.name").orderBy("ka.id");
  const [rows, total] = await Promise.all([
    q
      .limit(PAGE_SIZE)
      .offset((filter.page - 1) * PAGE_SIZE)
      .execute(),
    base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst(),
  ]);
  return { rows: rows.map((r) => ({ ...r, open_deals: Number(r.open_deals) })), total: Number(total?.n ?? 0), page: filter.page, pageSize: PAGE_SIZE };
}

export async function* exportKeyAccounts(actor: Actor, filter: KeyAccountFilter) {
  requirePermission(actor, "key_account:read");
  for (let offset = 0; ; offset += 1000) {
    const rows = await keyAccountsQuery(db, actor, filter)
      .select([...keyAccountColumns, openDealsCount().as("open_deals")])
      .orderBy("ka.name")
      .orderBy("ka.id")
      .limit(1000)
      .offset(offset)
      .execute();
    if (!rows.length) return;
    yield rows.map((r) => [r.id, r.name, r.credit_code ?? "", r.industry, r.region, r.size, r.owner_name, Number(r.open_deals), r.created_at]);
    if (rows.length < 1000) return;
  }
}
export const KEY_ACCOUNT_CSV_HEADER = ["id", "name", "credit_code", "industry", "region", "size", "account_manager", "open_deals", "created_at"];

export async function keyAccountFormOptions(actor: Actor) {
  requirePermission(actor, "key_account:manage");
  const assigns = can(actor, "key_account:assign");
  return { accountManagers: assigns ? await activeAccountManagers(db) : [], isAdmin: assigns };
}

async function resolveOwner(actor: Actor, ownerId: number | null): Promise<number> {
  if (!can(actor, "key_account:assign")) return actor.userId!;
  if (!ownerId) throw new ValidationError("validation.formErrors", { ownerId: ["validation.required"] });
  const am = await db
    .selectFrom("users")
    .select("id")
    .where("id", "=", ownerId)
    .where("role", "in", rolesWith("key_account:own"))
    .where("status", "=", "active")
    .executeTakeFirst();
  if (!am) throw new ValidationError("validation.formErrors", { ownerId: ["dealers.notAccountManager"] });
  return ownerId;
}

async function assertUniqueName(dbx: Executor, name: string, creditCode: string | null, exceptId?: number) {
  // One customer, one account: the same normalised name (without distinguishing credit codes) is refused.
  let q = dbx.selectFrom("key_accounts").select(["id", "credit_code"]).where("name_normalized", "=", normaliseAccountName(name));
  if (exceptId) q = q.where("id", "<>", exceptId);
  const same = await q.execute();
  if (same.some((s) => !s.credit_code || !creditCode || s.credit_code === creditCode))
    throw new ValidationError("validation.formErrors", { name: ["keyAccounts.nameTaken"] });
}

export async function createKeyAccount(actor: Actor, input: KeyAccountInput) {
  requirePermission(actor, "key_account:manage");
  const ownerId = await resolveOwner(actor, input.ownerId);
  try {
    return await transaction("key_account.create", async (tx) => {
      await assertUniqueName(tx, input.name, input.creditCode);
      const res = await tx
        .insertInto("key_accounts")
        .values({
          name: input.name,
          name_normalized: normaliseAccountName(input.name),
          credit_code: input.creditCode,
          industry: input.industry,
          region: input.region,
          size: input.size,
          owner_id: ownerId,
          notes: input.notes,
        })
        .executeTakeFirstOrThrow();
      const id = Number(res.insertId);
      await audit(tx, actor, { action: "key_account.created", entityType: "key_account", entityId: id, summary: { ...input, ownerId } });
      return { id };
    });
  } catch (err) {
    if (isDuplicate(err)) throw new ValidationError("validation.formErrors", { creditCode: ["keyAccounts.creditCodeTaken"] });
    throw err;
  }
}

export async function updateKeyAccount(actor: Actor, id: number, input: KeyAccountInput) {
  requirePermission(actor, "key_account:manage");
  const current = await findKeyAccount(db, actor, id);
  if (!current) throw new NotFoundError();
  // Only the administrator moves an account to another account manager; the deals on it follow.
  const ownerId = can(actor, "key_account:assign") ? await resolveOwner(actor, input.ownerId ?? current.owner_id) : current.owner_id;
  try {
    await transaction("key_account.update", async (tx) => {
      const before = await tx.selectFrom("key_accounts").selectAll().where("id", "=", id).forUpdate().executeTakeFirstOrThrow();
      await assertUniqueName(tx, input.name, input.creditCode, id);
      const after = {
        name: input.name,
        name_normalized: normaliseAccountName(input.name),
        credit_code: input.creditCode,
        industry: input.industry,
        region: input.region,
        size: input.size,
        notes: input.notes,
        owner_id: ownerId,
      };
      await tx
        .updateTable("key_accounts")
        .set({ ...after, updated_at: now() })
        .where("id", "=", id)
        .execute();
      if (ownerId !== before.owner_id) {
        await tx.updateTable("deals").set({ account_manager_id: ownerId, updated_at: now() }).where("key_account_id", "=", id).execute();
        await tx.updateTable("leads").set({ account_manager_id: ownerId }).where("key_account_id", "=", id).where("status", "=", "offered").execute();
      }
      const changes = diff(before as unknown as Record<string, unknown>, after);
      if (Object.keys(changes).length) await audit(tx, actor, { action: "key_account.updated", entityType: "key_account", entityId: id, summary: changes });
    });
  } catch (err) {
    if (isDuplicate(err)) throw new ValidationError("validation.formErrors", { creditCode: ["keyAccounts.creditCodeTaken"] });
    throw err;
  }
}

export async function addContact(actor: Actor, keyAccountId: number, input: ContactInput) {
  requirePermission(actor, "key_account:manage");
  if (!(await findKeyAccount(db, actor, keyAccountId))) throw new NotFoundError();
  await transaction("key_account.contact_add", async (tx) => {
    const res = await tx
      .insertInto("key_account_contacts")
      .values({ key_account_id: keyAccountId, ...input })
      .executeTakeFirstOrThrow();
    await audit(tx, actor, {
      action: "key_account.contact_added",
      entityType: "key_account",
      entityId: keyAccountId,
      summary: { contactId: Number(res.insertId), name: input.name },
    });
  });
}

export async function removeContact(actor: Actor, keyAccountId: number, contactId: number) {
  requirePermission(actor, "key_account:manage");
  if (!(await findKeyAccount(db, actor, keyAccountId))) throw new NotFoundError();
  await transaction("key_account.contact_remove", async (tx) => {
    const res = await tx.deleteFrom("key_account_contacts").where("id", "=", contactId).where("key_account_id", "=", keyAccountId).executeTakeFirst();
    if (Number(res.numDeletedRows) !== 1) throw new NotFoundError();
    await audit(tx, actor, { action: "key_account.contact_removed", entityType: "key_account", entityId: keyAccountId, summary: { contactId } });
  });
}

/**
 * The account manager's one view of a key account: profile, contacts, every deal across
 * dealers, quotes, orders, shipments, activity history, purchase history by product line, leads.
 */
export async function getKeyAccountPage(actor: Actor, id: number) {
  requirePermission(actor, "key_account:read");
  const account = await findKeyAccount(db, actor, id);
  if (!account) throw new NotFoundError();
  const dealIdsQ = db.selectFrom("deals").select("id").where("key_account_id", "=", id);
  const [contacts, deals, quotes, orders, leads, lines, dealers] = await Promise.all([
    db.selectFrom("key_account_contacts").select(["id", "name", "title", "phone", "email"]).where("key_account_id", "=", id).orderBy("id").execute(),
    db
      .selectFrom("deals as d")
      .innerJoin("organisations as o", "o.id", "d.dealer_id")
      .select([
        "d.id",
        "d.title",
        "d.stage",
        "d.estimated_value_minor",
        "d.currency",
        "d.expected_close_date",
        "d.protection_expires_on",
        "d.created_at",
        "o.code as dealer_code",
        "o.name as dealer_name",
      ])
      .select((eb) =>
        eb
          .selectFrom("deal_product_lines as l")
          .select(sql<string>`GROUP_CONCAT(l.product_line_code ORDER BY l.product_line_code SEPARATOR ', ')`.as("c"))
          .whereRef("l.deal_id", "=", "d.id")
          .as("line_codes"),
      )
      .where("d.key_account_id", "=", id)
      .orderBy("d.created_at", "desc")
      .execute(),
    db
      .selectFrom("quotes as q")
      .innerJoin("deals as d", "d.id", "q.deal_id")
      .innerJoin("organisations as o", "o.id", "q.dealer_id")
      .select([
        "q.id",
        "q.deal_id",
        "q.version",
        "q.status",
        "q.valid_until",
        "q.total_minor",
        "q.currency",
        "q.max_discount_bp",
        "q.created_at",
        "o.code as dealer_code",
        "d.title as deal_title",
      ])
      .where("d.key_account_id", "=", id)
      .orderBy("q.created_at", "desc")
      .limit(100)
      .execute(),
    db
      .selectFrom("orders as ord")
      .innerJoin("organisations as o", "o.id", "ord.dealer_id")
      .select([
        "ord.id",
        "ord.number",
        "ord.status",
        "ord.total_minor",
        "ord.currency",
        "ord.created_at",
        "ord.approved_at",
        "ord.deal_id",
        "o.code as dealer_code",
      ])
      .where("ord.deal_id", "in", dealIdsQ)
      .orderBy("ord.created_at", "desc")
      .limit(100)
      .execute(),
    db
      .selectFrom("leads as l")
      .innerJoin("organisations as o", "o.id", "l.dealer_id")
      .select([
        "l.id",
        "l.status",
        "l.product_line_code",
        "l.estimated_value_minor",
        "l.note",
        "l.decline_reason",
        "l.deal_id",
        "l.created_at",
        "l.responded_at",
        "o.code as dealer_code",
        "o.name as dealer_name",
      ])
      .where("l.key_account_id", "=", id)
      .orderBy("l.created_at", "desc")
      .execute(),
    productLines(db),
    db.selectFrom("organisations").select(["id", "code", "name"]).where("kind", "=", "dealer").where("status", "=", "active").orderBy("code").execute(),
  ]);
  const orderIds = orders.map((o) => o.id);
  const dealIds = deals.map((d) => d.id);
  const quoteIds = quotes.map((q) => q.id);
  const [shipments, purchases, activities, events] = await Promise.all([
    orderIds.length
      ? db
          .selectFrom("shipments as s")
          .innerJoin("orders as ord", "ord.id", "s.order_id")
          .select(["s.id", "s.number", "s.order_id", "ord.number as order_number", "s.shipped_on", "s.carrier", "s.value_minor", "s.delivered_at"])
          .where("s.order_id", "in", orderIds)
          .orderBy("s.shipped_on", "desc")
          .limit(100)
          .execute()
      : Promise.resolve([]),
    purchaseHistory(db, id),
    dealIds.length
      ? db
          .selectFrom("deal_activities as a")
          .innerJoin("deals as d", "d.id", "a.deal_id")
          .innerJoin("organisations as o", "o.id", "d.dealer_id")
          .leftJoin("users as u", "u.id", "a.actor_user_id")
          .select(["a.id", "a.deal_id", "a.kind", "a.body", "a.occurred_at", "u.name as actor_name", "o.code as dealer_code", "d.title as deal_title"])
          .where("a.deal_id", "in", dealIds)
          .orderBy("a.occurred_at", "desc")
          .limit(100)
          .execute()
      : Promise.resolve([]),
    dealIds.length
      ? db
          .selectFrom("domain_events as e")
          .leftJoin("users as u", "u.id", "e.actor_user_id")
          .select(["e.id", "e.type", "e.entity_type", "e.entity_id", "e.occurred_at", "u.name as actor_name"])
          .where((eb) =>
            eb.or([
              eb.and([eb("e.entity_type", "=", "deal" satisfies KeyAccountHistoryEntity), eb("e.entity_id", "in", dealIds.map(String))]),
              ...(quoteIds.length
                ? [eb.and([eb("e.entity_type", "=", "quote" satisfies KeyAccountHistoryEntity), eb("e.entity_id", "in", quoteIds.map(String))])]
                : []),
            ]),
          )
          .where("e.type", "not in", [...KEY_ACCOUNT_HISTORY_HIDDEN])
          .orderBy("e.occurred_at", "desc")
          .orderBy("e.id", "desc")
          .limit(100)
          .execute()
      : Promise.resolve([]),
  ]);
  const t = today();
  return {
    account,
    contacts,
    deals,
    quotes: quotes.map((q) => ({ ...q, status: q.status === "proposed" && q.valid_until < t ? "expired" : q.status })),
    orders,
    shipments,
    purchases,
    activities,
    events,
    leads,
    productLines: lines,
    dealers,
    canOfferLead: can(actor, "lead:offer", { kind: "key_account", ownerId: account.owner_id }),
  };
}

/** Purchase history by product line: ordered and shipped quantities and values from orders linked to the account's deals. */
async function purchaseHistory(dbx: Executor, keyAccountId: number) {
  const rows = await dbx
    .selectFrom("order_lines as ol")
    .innerJoin("orders as ord", "ord.id", "ol.order_id")
    .innerJoin("deals as d", "d.id", "ord.deal_id")
    .innerJoin("products as p", "p.id", "ol.product_id")
    .innerJoin("product_lines as pl", "pl.code", "p.product_line_code")
    .select([
      "pl.code",
      "pl.name_en",
      "pl.name_zh",
      sql<string>`SUM(ol.quantity)`.as("ordered_qty"),
      sql<string>`SUM(ol.shipped_qty)`.as("shipped_qty"),
      sql<string>`SUM(ol.line_total_minor)`.as("ordered_minor"),
      sql<string>`SUM(ol.shipped_qty * ol.unit_price_minor)`.as("shipped_minor"),
      sql<Date>`MAX(ord.created_at)`.as("last_order_at"),
      sql<string>`COUNT(DISTINCT ord.id)`.as("orders"),
    ])
    .where("d.key_account_id", "=", keyAccountId)
    .where("ord.status", "not in", ["draft", "cancelled", "rejected"])
    .groupBy(["pl.code", "pl.name_en", "pl.name_zh"])
    .orderBy(sql`SUM(ol.line_total_minor)`, "desc")
    .execute();
  return rows.map((r) => ({
    code: r.code,
    name_en: r.name_en,
    name_zh: r.name_zh,
    orderedQty: Number(r.ordered_qty),
    shippedQty: Number(r.shipped_qty),
    orderedMinor: Number(r.ordered_minor),
    shippedMinor: Number(r.shipped_minor),
    lastOrderAt: r.last_order_at,
    orders: Number(r.orders),
  }));
}

// ---------------------------------------------------------------- leads

/**
 * The account manager who owns the key account passes an opportunity to a dealer of their
 * choice. Refused while another dealer holds the customer on that product line.
 */
export async function offerLead(actor: Actor, keyAccountId: number, input: OfferLeadInput) {
  requirePermission(actor, "lead:offer");
  const account = await findKeyAccount(db, actor, keyAccountId);
  if (!account) throw new NotFoundError();
  const [dealer, line] = await Promise.all([
    db
      .selectFrom("organisations")
      .select(["id", "code"])
      .where("id", "=", input.dealerId)
      .where("kind", "=", "dealer")
      .where("status", "=", "active")
      .executeTakeFirst(),
    db.selectFrom("product_lines").select("code").where("code", "=", input.productLineCode).executeTakeFirst(),
  ]);
  const fe: FieldErrors = {};
  if (!dealer) fe.dealerId = ["validation.choice"];
  if (!line) fe.productLineCode = ["validation.choice"];
  if (Object.keys(fe).length) throw new ValidationError("validation.formErrors", fe);
  return transaction("lead.offer", async (tx) => {
    await tx.selectFrom("key_accounts").select("id").where("id", "=", keyAccountId).forUpdate().execute();
    const holders = await holdingDeals(tx, { keyAccountId, lineCodes: [input.productLineCode], today: today() });
    if (holders.some((h) => h.dealer_id !== input.dealerId)) throw new ConflictError("leads.heldByOtherDealer");
    if (holders.length) throw new ConflictError("leads.dealerAlreadyHolds");
    const pending = await tx
      .selectFrom("leads")
      .select("id")
      .where("key_account_id", "=", keyAccountId)
      .where("product_line_code", "=", input.productLineCode)
      .where("status", "=", "offered")
      .executeTakeFirst();
    if (pending) throw new ConflictError("leads.alreadyOffered");
    const res = await tx
      .insertInto("leads")
      .values({
        key_account_id: keyAccountId,
        dealer_id: input.dealerId,
        account_manager_id: account.owner_id,
        product_line_code: input.productLineCode,
        estimated_value_minor: input.estimatedValue,
        note: input.note,
        status: "offered",
      })
      .executeTakeFirstOrThrow();
    const id = Number(res.insertId);
    await audit(tx, actor, { action: "lead.offered", entityType: "lead", entityId: id, dealerId: input.dealerId, summary: { keyAccountId, ...input } });
    await emitEvent(tx, actor, {
      type: "lead.offered",
      entityType: "lead",
      entityId: id,
      dealerId: input.dealerId,
      accountManagerId: account.owner_id,
      payload: { keyAccountId, keyAccountName: account.name, productLine: input.productLineCode, value: input.estimatedValue },
    });
    return { id };
  });
}

function leadsQuery(actor: Actor) {
  const scope = scopes.lead.where(actor);
  return db
    .selectFrom("leads as l")
    .innerJoin("key_accounts as ka", "ka.id", "l.key_account_id")
    .innerJoin("organisations as o", "o.id", "l.dealer_id")
    .innerJoin("users as am", "am.id", "l.account_manager_id")
    .leftJoin("product_lines as pl", "pl.code", "l.product_line_code")
    .select([
      "l.id",
      "l.status",
      "l.key_account_id",
      "l.dealer_id",
      "l.product_line_code",
      "l.estimated_value_minor",
      "l.note",
      "l.decline_reason",
      "l.deal_id",
      "l.created_at",
      "l.responded_at",
      "ka.name as key_account_name",
      "ka.industry as key_account_industry",
      "ka.region as key_account_region",
      "o.code as dealer_code",
      "o.name as dealer_name",
      "o.currency",
      "am.name as account_manager_name",
      "pl.name_en as line_name_en",
      "pl.name_zh as line_name_zh",
    ])
    .where(scope);
}

export async function getLead(actor: Actor, id: number) {
  const lead = await leadsQuery(actor).where("l.id", "=", id).executeTakeFirst();
  if (!lead) throw new NotFoundError();
  return lead;
}

/** Leads for the dealer's /deals page: the open offers first, then the last answered ones. */
export async function leadsForDealer(actor: Actor) {
  if (!isDealerRole(actor.role)) return [];
  return leadsQuery(actor)
    .orderBy(sql`l.status = 'offered'`, "desc")
    .orderBy("l.created_at", "desc")
    .limit(20)
    .execute();
}

/** The dealer accepts a lead: it becomes the dealer's approved, protected registration. */
export async function acceptLead(actor: Actor, id: number, input: { expectedCloseDate: string | null; title: string | null }) {
  requirePermission(actor, "lead:respond");
  const t = today();
  if (input.expectedCloseDate && input.expectedCloseDate < t)
    throw new ValidationError("validation.formErrors", { expectedCloseDate: ["validation.dateFuture"] });
  return transaction("lead.accept", async (tx) => {
    const lead = await tx.selectFrom("leads").selectAll().where("id", "=", id).where(scopes.lead.where(actor, "leads")).forUpdate().executeTakeFirst();
    if (!lead) throw new NotFoundError();
    if (lead.status !== "offered") throw new ConflictError("leads.answered");
    const account = await tx
      .selectFrom("key_accounts")
      .select(["id", "name", "owner_id"])
      .where("id", "=", lead.key_account_id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const holders = await holdingDeals(tx, {
      keyAccountId: lead.key_account_id,
      lineCodes: [lead.product_line_code],
      excludeDealerId: lead.dealer_id,
      today: t,
    });
    if (holders.length) throw new ConflictError("leads.nowHeld");
    const dealer = await tx.selectFrom("organisations").select(["currency"]).where("id", "=", lead.dealer_id).executeTakeFirstOrThrow();
    const line = await tx.selectFrom("product_lines").select(["name_zh", "name_en"]).where("code", "=", lead.product_line_code).executeTakeFirst();
    const title =
      input.title ?? `${account.name} · ${actor.locale === "en" ? (line?.name_en ?? lead.product_line_code) : (line?.name_zh ?? lead.product_line_code)}`;
    const res = await tx
      .insertInto("deals")
      .values({
        dealer_id: lead.dealer_id,
        key_account_id: lead.key_account_id,
        account_manager_id: account.owner_id,
        title: title.slice(0, 200),
        stage: "registered",
        estimated_value_minor: lead.estimated_value_minor,
        currency: dealer.currency,
        expected_close_date: input.expectedCloseDate,
        notes: lead.note,
        source: "lead",
        lead_id: lead.id,
        created_by: actor.userId,
      })
      .executeTakeFirstOrThrow();
    const dealId = Number(res.insertId);
    await tx.insertInto("deal_product_lines").values({ deal_id: dealId, product_line_code: lead.product_line_code, estimated_quantity: 0 }).execute();
    await tx.updateTable("leads").set({ status: "accepted", deal_id: dealId, responded_at: now() }).where("id", "=", id).execute();
    await audit(tx, actor, { action: "lead.accepted", entityType: "lead", entityId: id, dealerId: lead.dealer_id, summary: { dealId } });
    await emitEvent(tx, actor, {
      type: "lead.accepted",
      entityType: "lead",
      entityId: id,
      dealerId: lead.dealer_id,
      accountManagerId: account.owner_id,
      payload: { dealId, keyAccountName: account.name },
    });
    await audit(tx, actor, {
      action: "deal.registered",
      entityType: "deal",
      entityId: dealId,
      dealerId: lead.dealer_id,
      summary: { leadId: id, keyAccountId: account.id },
    });
    await emitEvent(tx, actor, {
      type: "deal.registered",
      entityType: "deal",
      entityId: dealId,
      dealerId: lead.dealer_id,
      accountManagerId: account.owner_id,
      payload: { title, keyAccountId: account.id, leadId: id },
    });
    // The account manager's offer is the approval: protected from the moment the dealer accepts.
    const until = addDays(t, env().DEAL_PROTECTION_DAYS);
    const deal = { id: dealId, stage: "registered", dealer_id: lead.dealer_id, account_manager_id: account.owner_id, title, key_account_id: account.id };
    await moveDeal(tx, actor, deal, "approved", "manufacturer", {
      set: { protection_expires_on: until, approved_at: now() },
      payload: { protectionExpiresOn: until, leadId: id },
      summary: { leadId: id },
    });
    return { dealId };
  });
}

export async function declineLead(actor: Actor, id: number, reason: string) {
  requirePermission(actor, "lead:respond");
  await transaction("lead.decline", async (tx) => {
    const lead = await tx.selectFrom("leads").selectAll().where("id", "=", id).where(scopes.lead.where(actor, "leads")).forUpdate().executeTakeFirst();
    if (!lead) throw new NotFoundError();
    if (lead.status !== "offered") throw new ConflictError("leads.answered");
    await tx.updateTable("leads").set({ status: "declined", decline_reason: reason, responded_at: now() }).where("id", "=", id).execute();
    await audit(tx, actor, { action: "lead.declined", entityType: "lead", entityId: id, dealerId: lead.dealer_id, summary: { reason } });
    await emitEvent(tx, actor, {
      type: "lead.declined",
      entityType: "lead",
      entityId: id,
      dealerId: lead.dealer_id,
      accountManagerId: lead.account_manager_id,
      payload: { reason, keyAccountId: lead.key_account_id },
    });
  });
}

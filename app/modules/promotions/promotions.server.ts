/**
 * Promotions (促销, issue #24 item 3, docs/decisions/141-promotions-model.md): the administrator creates a
 * promotion with its products, its targets (regions, tiers, named dealers), its validity (business dates)
 * and its mechanism — a price off the dealer's price per unit, or a rebate rate paid at month end on
 * qualifying purchases or sell-out (./rebates.server.ts). The order builder asks `offersFor` which
 * promotion each line gets; the line records it. A promotion's page tracks what it produced per dealer.
 *
 * Scope: the administrator sees every promotion; finance every promotion that is not a draft; a dealer the
 * promotions that target it (or that its orders used), an account manager those that target at least one
 * of the dealers assigned to them (or that their orders used) — the dealers in the actor's reach are the
 * access module's dealer rule (`scopes.dealer`). Each sees the figures of the dealers in their scope only.
 * Anything else is 404.
 */
import { sql, type Expression, type SqlBool } from "kysely";
import { db, type Executor } from "../../../db/client";
import { audit, diff } from "~/modules/audit/audit.server";
import { can, isDealerActor, requirePermission, type Actor } from "~/modules/auth/actor";
import { dealerScope, inDealerScope, scopes } from "~/modules/auth/access.server";
import { env } from "~/utils/env.server";
import { ConflictError, NotFoundError, ValidationError, type FieldErrors } from "~/utils/errors";
import { applyBasisPoints } from "~/utils/money";
import { now, todayIn, type IsoDate } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import type { Mechanism, PromotionState, RebateBasis } from "./promotions.schema";
import type { PromotionFilter, PromotionInput } from "./promotions.schema.server";
import { likeContains } from "~/utils/like";

const PAGE_SIZE = 25;
const today = () => todayIn(env().BUSINESS_TZ);
const isDuplicate = (err: unknown) => (err as { code?: string }).code === "ER_DUP_ENTRY";
/** Orders whose lines count for a promotion's figures: placed (numbered) and not cancelled or rejected. */
const COUNTED_ORDER_STATUSES = ["submitted", "credit_hold", "approved", "partially_shipped", "shipped", "delivered"] as const;

// ---------------------------------------------------------------- targeting

/**
 * Whether promotion `p` targets dealer `d` (SQL over aliases): a promotion without targets targets every
 * dealer; a dealer named in it is targeted; otherwise a dealer is targeted when the promotion has region or
 * tier targets and the dealer's region is among its regions (if it lists any) and its tier among its tiers
 * (if it lists any).
 */
export function targetsDealerSql(p = "p", d = "d") {
  const P = sql.ref(`${p}.id`);
  const has = (kind: string) => sql`EXISTS (SELECT 1 FROM promotion_targets t WHERE t.promotion_id = ${P} AND t.kind = ${kind})`;
  const hit = (kind: string, value: ReturnType<typeof sql.ref>) =>
    sql`EXISTS (SELECT 1 FROM promotion_targets t WHERE t.promotion_id = ${P} AND t.kind = ${kind} AND t.value = CAST(${value} AS CHAR))`;
  return sql<SqlBool>`(NOT EXISTS (SELECT 1 FROM promotion_targets t WHERE t.promotion_id = ${P})
    OR ${hit("dealer", sql.ref(`${d}.id`))}
    OR ((${has("region")} OR ${has("tier")})
        AND (NOT ${has("region")} OR ${hit("region", sql.ref(`${d}.region`))})
        AND (NOT ${has("tier")} OR ${hit("tier", sql.ref(`${d}.tier`))})))`;
}

// ---------------------------------------------------------------- what an order line gets

/** The promotion an order line uses: a price off (its discount per unit) or a rebate (its rate). */
export type PromotionOffer = {
  promotionId: number;
  code: string;
  nameEn: string;
  nameZh: string;
  mechanism: Mechanism;
  /** Off the dealer's price per unit (price off), 0 for a rebate. */
  discountMinor: number;
  /** The rebate rate in basis points (rebate), null for a price off. */
  rebateBp: number | null;
  rebateBasis: RebateBasis | null;
};

/** The discount per unit a price-off promotion gives on a price: a percentage rounded half up, or a fixed amount (at most the price). */
function discountPerUnit(priceMinor: number, p: { discount_kind: string | null; discount_bp: number | null; discount_minor: number | null }): number {
  if (p.discount_kind === "percent" && p.discount_bp) return Math.min(priceMinor, applyBasisPoints(priceMinor, p.discount_bp));
  if (p.discount_kind === "amount" && p.discount_minor) return Math.min(priceMinor, Number(p.discount_minor));
  return 0;
}

/**
 * The promotion each product gets on an order of `dealerId` placed on `onDate`, among the active
 * promotions that hold the product, target the dealer and are valid that day (decision 141): the price off
 * with the largest discount per unit; without one, the rebate with the highest rate; ties by code.
 * `products`: id, the dealer's price per unit and its currency (a fixed amount off applies only in its currency).
 */
export async function offersFor(
  ex: Executor,
  dealerId: number,
  onDate: IsoDate,
  products: readonly { id: number; priceMinor: number; currency: string }[],
): Promise<Map<number, PromotionOffer>> {
  const out = new Map<number, PromotionOffer>();
  const ids = [...new Set(products.map((p) => p.id))];
  if (!ids.length) return out;
  const rows = await ex
    .selectFrom("promotions as p")
    .innerJoin("promotion_products as pp", "pp.promotion_id", "p.id")
    .innerJoin("organisations as d", (j) => j.on("d.id", "=", dealerId))
    .select(["pp.product_id", "p.id", ...PROMOTION_TERMS])
    .where("pp.product_id", "in", ids)
    .where("p.status", "=", "active")
    .where("p.starts_on", "<=", onDate)
    .where("p.ends_on", ">=", onDate)
    .where(targetsDealerSql("p", "d"))
    .orderBy("p.code")
    .execute();
  for (const prod of products) {
    let best: PromotionOffer | null = null;
    for (const r of rows) {
      if (r.product_id !== prod.id) continue;
      if (r.mechanism === "price_off" && r.discount_kind === "amount" && r.currency !== prod.currency) continue;
      const offer: PromotionOffer = {
        promotionId: r.id,
        code: r.code,
        nameEn: r.name_en,
        nameZh: r.name_zh,
        mechanism: r.mechanism as Mechanism,
        discountMinor: r.mechanism === "price_off" ? discountPerUnit(prod.priceMinor, r) : 0,
        rebateBp: r.mechanism === "rebate" ? r.rebate_bp : null,
        rebateBasis: r.mechanism === "rebate" ? (r.rebate_basis as RebateBasis) : null,
      };
      if (offer.mechanism === "price_off" && offer.discountMinor <= 0) continue;
      if (!best || better(offer, best)) best = offer;
    }
    if (best) out.set(prod.id, best);
  }
  return out;
}

function better(a: PromotionOffer, b: PromotionOffer): boolean {
  if (a.mechanism !== b.mechanism) return a.mechanism === "price_off";
  if (a.mechanism === "price_off") return a.discountMinor > b.discountMinor;
  return (a.rebateBp ?? 0) > (b.rebateBp ?? 0);
}

// ---------------------------------------------------------------- reading

function stateOf(p: { status: string; starts_on: string; ends_on: string }, on: IsoDate = today()): PromotionState {
  if (p.status === "draft" || p.status === "cancelled") return p.status;
  if (on < p.starts_on) return "scheduled";
  if (on > p.ends_on) return "ended";
  return "running";
}

/** A promotion's code, names and terms (what `useTermsText` words): part of every read of a promotion, and all the dashboard and the digest read. */
export const PROMOTION_TERMS = [
  "p.code",
  "p.name_en",
  "p.name_zh",
  "p.mechanism",
  "p.discount_kind",
  "p.discount_bp",
  "p.discount_minor",
  "p.rebate_bp",
  "p.rebate_basis",
  "p.currency",
] as const;

const COLUMNS = ["p.id", ...PROMOTION_TERMS, "p.description_en", "p.description_zh", "p.starts_on", "p.ends_on", "p.status", "p.version"] as const;

/** The dealers in the actor's reach (the access module's dealer rule) as a WHERE on `organisations as d`. */
const dealerInReach = (actor: Actor) => scopes.dealer.where(actor, { id: "d.id", accountManagerId: "d.account_manager_id" });

/**
 * The promotions an actor may see (see the module comment), as a WHERE on `promotions as p`: not a draft
 * (unless the actor manages promotions) and, for an actor whose reach is some dealers (a dealer, an account
 * manager), targeting at least one of them or used by an order line of one of them.
 */
function visible(actor: Actor) {
  const reachesAll = dealerScope(actor).kind === "all";
  return (
    eb: import("kysely").ExpressionBuilder<import("../../../db/types").DB & { p: import("../../../db/types").DB["promotions"] }, "p">,
  ): Expression<SqlBool> => {
    if (can(actor, "promotion:manage")) return sql<SqlBool>`TRUE`;
    if (reachesAll) return eb("p.status", "<>", "draft");
    return eb.and([
      eb("p.status", "<>", "draft"),
      eb.or([
        eb.exists(
          eb.selectFrom("organisations as d").select("d.id").where("d.kind", "=", "dealer").where(dealerInReach(actor)).where(targetsDealerSql("p", "d")),
        ),
        eb.exists(
          eb
            .selectFrom("order_lines as l")
            .innerJoin("orders as o", "o.id", "l.order_id")
            .select("l.id")
            .whereRef("l.promotion_id", "=", "p.id")
            .where(inDealerScope(actor, "o.dealer_id")),
        ),
      ]),
    ]);
  };
}

function listQuery(actor: Actor, f: PromotionFilter) {
  const on = today();
  let q = db.selectFrom("promotions as p").where(visible(actor));
  if (f.mechanism) q = q.where("p.mechanism", "=", f.mechanism);
  if (f.q) {
    const like = likeContains(f.q);
    q = q.where((eb) => eb.or([eb("p.code", "like", like), eb("p.name_en", "like", like), eb("p.name_zh", "like", like)]));
  }
  if (f.state === "draft" || f.state === "cancelled") q = q.where("p.status", "=", f.state);
  else if (f.state === "scheduled") q = q.where("p.status", "=", "active").where("p.starts_on", ">", on);
  else if (f.state === "ended") q = q.where("p.status", "=", "active").where("p.ends_on", "<", on);
  else if (f.state === "running") q = q.where("p.status", "=", "active").where("p.starts_on", "<=", on).where("p.ends_on", ">=", on);
  return q;
}

type Row = Awaited<ReturnType<typeof findPromotion>> & object;
function present(r: Row, on: IsoDate) {
  return { ...r, discount_minor: r.discount_minor === null ? null : Number(r.discount_minor), state: stateOf(r, on) };
}

function findPromotion(ex: Executor, actor: Actor, id: number) {
  return ex.selectFrom("promotions as p").select(COLUMNS).where("p.id", "=", id).where(visible(actor)).executeTakeFirst();
}

export async function listPromotions(actor: Actor, filter: PromotionFilter & { page: number }) {
  requirePermission(actor, "promotion:read");
  const on = today();
  const base = listQuery(actor, filter);
  const [rows, total] = await Promise.all([
    base
      .select(COLUMNS)
      .orderBy("p.starts_on", "desc")
      .orderBy("p.code")
      .limit(PAGE_SIZE)
      .offset((filter.page - 1) * PAGE_SIZE)
      .execute(),
    base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst(),
  ]);
  return {
    rows: rows.map((r) => present(r, on)),
    total: Number(total?.n ?? 0),
    page: filter.page,
    pageSize: PAGE_SIZE,
    canManage: can(actor, "promotion:manage"),
  };
}

export async function* exportPromotions(actor: Actor, filter: PromotionFilter): AsyncIterable<unknown[][]> {
  requirePermission(actor, "promotion:read");
  const on = today();
  const rows = await listQuery(actor, filter).select(COLUMNS).orderBy("p.starts_on", "desc").orderBy("p.code").limit(10_000).execute();
  yield rows.map((r) => {
    const p = present(r, on);
    return [
      p.code,
      p.name_en,
      p.name_zh,
      p.mechanism,
      p.discount_kind ?? "",
      p.discount_bp ?? "",
      p.discount_minor ?? "",
      p.rebate_bp ?? "",
      p.rebate_basis ?? "",
      p.starts_on,
      p.ends_on,
      p.state,
    ];
  });
}

async function productsAndTargets(ex: Executor, id: number) {
  const [products, targets] = await Promise.all([
    ex
      .selectFrom("promotion_products as pp")
      .innerJoin("products as pr", "pr.id", "pp.product_id")
      .select(["pr.id", "pr.sku", "pr.name_en", "pr.name_zh"])
      .where("pp.promotion_id", "=", id)
      .orderBy("pr.sku")
      .execute(),
    ex
      .selectFrom("promotion_targets as t")
      .leftJoin("organisations as o", (j) => j.on("t.kind", "=", "dealer").on(sql<SqlBool>`o.id = CAST(t.value AS UNSIGNED)`))
      .select(["t.kind", "t.value", "o.code as dealer_code", "o.name as dealer_name"])
      .where("t.promotion_id", "=", id)
      .orderBy("t.kind")
      .orderBy("t.value")
      .execute(),
  ]);
  return {
    products,
    regions: targets.filter((t) => t.kind === "region").map((t) => t.value),
    tiers: targets.filter((t) => t.kind === "tier").map((t) => t.value),
    dealers: targets.filter((t) => t.kind === "dealer").map((t) => ({ id: Number(t.value), code: t.dealer_code ?? "?", name: t.dealer_name ?? "" })),
  };
}

/** Per dealer in the actor's scope: orders, units and revenue on lines carrying the promotion, the discount given, and its rebates. */
async function trackingRows(actor: Actor, id: number) {
  const lines = await db
    .selectFrom("order_lines as l")
    .innerJoin("orders as o", "o.id", "l.order_id")
    .innerJoin("organisations as d", "d.id", "o.dealer_id")
    .select([
      "d.id as dealer_id",
      "d.code",
      "d.name",
      sql<string>`COUNT(DISTINCT o.id)`.as("orders"),
      sql<string>`SUM(l.quantity)`.as("units"),
      sql<string>`SUM(l.line_total_minor)`.as("revenue"),
      sql<string>`SUM(l.promotion_discount_minor * l.quantity)`.as("discount"),
      sql<string>`SUM(l.shipped_qty)`.as("shipped"),
    ])
    .where("l.promotion_id", "=", id)
    .where("o.status", "in", COUNTED_ORDER_STATUSES)
    .where(inDealerScope(actor, "o.dealer_id"))
    .groupBy(["d.id", "d.code", "d.name"])
    .execute();
  const rebates = await db
    .selectFrom("promotion_rebates as r")
    .innerJoin("organisations as d", "d.id", "r.dealer_id")
    .select([
      "r.id",
      "r.dealer_id",
      "d.code",
      "d.name",
      "r.period",
      "r.basis",
      "r.rate_bp",
      "r.qualifying_minor",
      "r.amount_minor",
      "r.currency",
      "r.ledger_entry_id",
      "r.reversal_entry_id",
      "r.reversed_at",
      "r.reversal_reason",
    ])
    .where("r.promotion_id", "=", id)
    .where(inDealerScope(actor, "r.dealer_id"))
    .orderBy("r.period", "desc")
    .orderBy("d.code")
    .execute();
  const byDealer = new Map<
    number,
    {
      dealerId: number;
      code: string;
      name: string;
      orders: number;
      units: number;
      revenueMinor: number;
      discountMinor: number;
      shippedUnits: number;
      rebateMinor: number;
    }
  >();
  for (const l of lines)
    byDealer.set(l.dealer_id, {
      dealerId: l.dealer_id,
      code: l.code,
      name: l.name,
      orders: Number(l.orders),
      units: Number(l.units ?? 0),
      revenueMinor: Number(l.revenue ?? 0),
      discountMinor: Number(l.discount ?? 0),
      shippedUnits: Number(l.shipped ?? 0),
      rebateMinor: 0,
    });
  for (const r of rebates) {
    const row = byDealer.get(r.dealer_id) ?? {
      dealerId: r.dealer_id,
      code: r.code,
      name: r.name,
      orders: 0,
      units: 0,
      revenueMinor: 0,
      discountMinor: 0,
      shippedUnits: 0,
      rebateMinor: 0,
    };
    if (r.reversal_entry_id === null) row.rebateMinor += Number(r.amount_minor);
    byDealer.set(r.dealer_id, row);
  }
  const dealers = [...byDealer.values()].sort((a, b) => b.revenueMinor - a.revenueMinor || a.code.localeCompare(b.code));
  return {
    dealers,
    rebates: rebates.map((r) => ({ ...r, qualifying_minor: Number(r.qualifying_minor), amount_minor: Number(r.amount_minor) })),
  };
}

/** The named dealers of a promotion that are in the actor's reach (all of them for an actor who reaches every dealer). */
async function namedInReach<T extends { id: number }>(actor: Actor, dealers: T[]): Promise<T[]> {
  if (!dealers.length || dealerScope(actor).kind === "all") return dealers;
  const mine = new Set(
    (
      await db
        .selectFrom("organisations as d")
        .select("d.id")
        .where(
          "d.id",
          "in",
          dealers.map((d) => d.id),
        )
        .where(dealerInReach(actor))
        .execute()
    ).map((d) => d.id),
  );
  return dealers.filter((d) => mine.has(d.id));
}

/** A promotion's page: what it is, whom it targets, and what it produced per dealer in the actor's scope. 404 when not visible. */
export async function promotionPage(actor: Actor, id: number) {
  requirePermission(actor, "promotion:read");
  const row = await findPromotion(db, actor, id);
  if (!row) throw new NotFoundError();
  const on = today();
  const [details, tracking] = await Promise.all([productsAndTargets(db, id), trackingRows(actor, id)]);
  // A dealer reads its own targeting only as "you": the other dealers named are not its business. An account
  // manager reads the named dealers assigned to them, and only how many others are named.
  const named = isDealerActor(actor) ? [] : await namedInReach(actor, details.dealers);
  const otherNamedDealers = isDealerActor(actor) ? 0 : details.dealers.length - named.length;
  const totals = tracking.dealers.reduce(
    (s, d) => ({
      orders: s.orders + d.orders,
      units: s.units + d.units,
      revenueMinor: s.revenueMinor + d.revenueMinor,
      discountMinor: s.discountMinor + d.discountMinor,
      rebateMinor: s.rebateMinor + d.rebateMinor,
    }),
    { orders: 0, units: 0, revenueMinor: 0, discountMinor: 0, rebateMinor: 0 },
  );
  return {
    promotion: present(row, on),
    ...details,
    dealers: named,
    otherNamedDealers,
    tracking: tracking.dealers,
    rebates: tracking.rebates,
    totals,
    canManage: can(actor, "promotion:manage"),
    canReverse: can(actor, "promotion:reverse_rebate"),
    isDealer: isDealerActor(actor),
  };
}

/** The tracking table of a promotion as CSV rows (the same scope as its page). */
export async function* exportTracking(actor: Actor, id: number): AsyncIterable<unknown[][]> {
  const page = await promotionPage(actor, id);
  yield page.tracking.map((d) => [page.promotion.code, d.code, d.name, d.orders, d.units, d.revenueMinor, d.discountMinor, d.shippedUnits, d.rebateMinor]);
}

/** The running promotions that target the actor's dealer, for its dashboard (empty for anyone else). */
export async function runningForDealer(actor: Actor, limit = 5) {
  if (!isDealerActor(actor) || !can(actor, "promotion:read")) return [];
  const on = today();
  const rows = await db
    .selectFrom("promotions as p")
    .innerJoin("organisations as d", (j) => j.on("d.id", "=", actor.dealerId!))
    .select(["p.id", ...PROMOTION_TERMS, "p.ends_on"])
    .where("p.status", "=", "active")
    .where("p.starts_on", "<=", on)
    .where("p.ends_on", ">=", on)
    .where(targetsDealerSql("p", "d"))
    .orderBy("p.ends_on")
    .orderBy("p.code")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, discount_minor: r.discount_minor === null ? null : Number(r.discount_minor) }));
}

/** The form values of a promotion (the edit page). */
export async function promotionFormValues(actor: Actor, id: number) {
  requirePermission(actor, "promotion:manage");
  const row = await findPromotion(db, actor, id);
  if (!row) throw new NotFoundError();
  const d = await productsAndTargets(db, id);
  const pct = (bp: number | null) => (bp === null ? "" : String(bp / 100));
  return {
    id: row.id,
    code: row.code,
    state: stateOf(row),
    values: {
      code: row.code,
      nameEn: row.name_en,
      nameZh: row.name_zh,
      descriptionEn: row.description_en,
      descriptionZh: row.description_zh,
      mechanism: row.mechanism,
      discountKind: row.discount_kind ?? "percent",
      discountPercent: pct(row.discount_bp),
      discountAmount: row.discount_minor === null ? "" : (Number(row.discount_minor) / 100).toFixed(2),
      rebatePercent: pct(row.rebate_bp),
      rebateBasis: row.rebate_basis ?? "purchases",
      startsOn: row.starts_on,
      endsOn: row.ends_on,
      status: row.status,
      productSkus: d.products.map((p) => p.sku).join(" "),
      regions: d.regions,
      tiers: d.tiers,
      dealerCodes: d.dealers.map((x) => x.code).join(" "),
      version: String(row.version),
    },
  };
}

// ---------------------------------------------------------------- writing

/** Resolves SKUs and dealer codes; unknown ones are field errors (nothing is written). */
async function resolve(ex: Executor, input: PromotionInput) {
  const errors: FieldErrors = {};
  const products = input.productSkus.length ? await ex.selectFrom("products").select(["id", "sku"]).where("sku", "in", input.productSkus).execute() : [];
  if (products.length !== input.productSkus.length) errors.productSkus = ["promotions.unknownSkus"];
  const dealers = input.dealerCodes.length
    ? await ex.selectFrom("organisations").select(["id", "code"]).where("kind", "=", "dealer").where("code", "in", input.dealerCodes).execute()
    : [];
  if (dealers.length !== input.dealerCodes.length) errors.dealerCodes = ["promotions.unknownDealers"];
  if (Object.keys(errors).length) throw new ValidationError("validation.formErrors", errors);
  return { productIds: products.map((p) => p.id), dealerIds: dealers.map((d) => d.id) };
}

function columnsOf(input: PromotionInput) {
  return {
    code: input.code,
    name_en: input.nameEn,
    name_zh: input.nameZh,
    description_en: input.descriptionEn,
    description_zh: input.descriptionZh,
    mechanism: input.mechanism,
    discount_kind: input.discountKind,
    discount_bp: input.discountBp,
    discount_minor: input.discountMinor,
    rebate_bp: input.rebateBp,
    rebate_basis: input.rebateBasis,
    starts_on: input.startsOn,
    ends_on: input.endsOn,
    status: input.status,
  };
}

async function writeChildren(ex: Executor, id: number, r: { productIds: number[]; dealerIds: number[] }, input: PromotionInput) {
  await ex.deleteFrom("promotion_products").where("promotion_id", "=", id).execute();
  await ex.deleteFrom("promotion_targets").where("promotion_id", "=", id).execute();
  if (r.productIds.length)
    await ex
      .insertInto("promotion_products")
      .values(r.productIds.map((product_id) => ({ promotion_id: id, product_id })))
      .execute();
  const targets = [
    ...input.regions.map((value) => ({ promotion_id: id, kind: "region", value })),
    ...input.tiers.map((value) => ({ promotion_id: id, kind: "tier", value })),
    ...r.dealerIds.map((value) => ({ promotion_id: id, kind: "dealer", value: String(value) })),
  ];
  if (targets.length) await ex.insertInto("promotion_targets").values(targets).execute();
}

export async function createPromotion(actor: Actor, input: PromotionInput): Promise<{ id: number }> {
  requirePermission(actor, "promotion:manage");
  return transaction("promotion.create", async (tx) => {
    const r = await resolve(tx, input);
    let id: number;
    try {
      const res = await tx
        .insertInto("promotions")
        .values({ ...columnsOf(input), created_by: actor.userId, created_at: now(), updated_at: now() })
        .executeTakeFirstOrThrow();
      id = Number(res.insertId);
    } catch (err) {
      if (isDuplicate(err)) throw new ConflictError("promotions.codeTaken").onField("code");
      throw err;
    }
    await writeChildren(tx, id, r, input);
    await audit(tx, actor, {
      action: "promotion.created",
      entityType: "promotion",
      entityId: id,
      summary: {
        code: input.code,
        mechanism: input.mechanism,
        status: input.status,
        products: r.productIds.length,
        startsOn: input.startsOn,
        endsOn: input.endsOn,
      },
    });
    return { id };
  });
}

/**
 * Changes a promotion. Once order lines carry it, what they were priced by stays: the mechanism, its
 * rate or discount and the products can no longer change (validity, targets, names and the status can:
 * ending or cancelling it early, or reaching more dealers). Optimistic version check.
 */
export async function updatePromotion(actor: Actor, id: number, input: PromotionInput): Promise<void> {
  requirePermission(actor, "promotion:manage");
  await transaction("promotion.update", async (tx) => {
    const before = await tx.selectFrom("promotions").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
    if (!before) throw new NotFoundError();
    if (input.version !== undefined && input.version !== before.version) throw new ConflictError("error.409");
    const r = await resolve(tx, input);
    const used = await tx.selectFrom("order_lines").select("id").where("promotion_id", "=", id).limit(1).executeTakeFirst();
    const after = columnsOf(input);
    if (used) {
      const oldProducts = (await tx.selectFrom("promotion_products").select("product_id").where("promotion_id", "=", id).execute())
        .map((p) => p.product_id)
        .sort();
      const samePricing =
        before.mechanism === after.mechanism &&
        before.discount_kind === after.discount_kind &&
        before.discount_bp === after.discount_bp &&
        (before.discount_minor === null ? null : Number(before.discount_minor)) === after.discount_minor &&
        before.rebate_bp === after.rebate_bp &&
        before.rebate_basis === after.rebate_basis;
      const sameProducts = JSON.stringify(oldProducts) === JSON.stringify([...r.productIds].sort());
      if (!samePricing || !sameProducts) throw new ConflictError("promotions.inUse");
      if (after.status === "draft") throw new ConflictError("promotions.inUse").onField("status");
    }
    try {
      await tx
        .updateTable("promotions")
        .set({ ...after, version: before.version + 1, updated_at: now() })
        .where("id", "=", id)
        .execute();
    } catch (err) {
      if (isDuplicate(err)) throw new ConflictError("promotions.codeTaken").onField("code");
      throw err;
    }
    await writeChildren(tx, id, r, input);
    const changes = diff(before as unknown as Record<string, unknown>, after);
    await audit(tx, actor, { action: "promotion.updated", entityType: "promotion", entityId: id, summary: { code: after.code, changes } });
  });
}

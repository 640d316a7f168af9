/**
 * Sell-out and stock reports (销量/库存上报, issue #24 item 1; docs/decisions/138-sell-out-data-model.md).
 *
 * A dealer reports, per period of its frequency (month or ISO week), units sold and revenue per SKU —
 * optionally per key account and/or region (the line's segment) — units on hand per SKU at the period's
 * end, and its total sales per category (all brands). Until the manufacturer closes the period, lines are
 * saved over (upserts); once closed they never change, and a change is a correction: a visible row of the
 * differences, with its reason, summed over the closed figures wherever they are read.
 */
import { sql } from "kysely";
import { db, type Executor, type Tx } from "../../../db/client";
import { audit } from "~/modules/audit/audit.server";
import { can, requirePermission, type Actor } from "~/modules/auth/actor";
import { requireDealerAccess } from "~/modules/auth/access.server";
import { env } from "~/utils/env.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";
import { now, todayIn } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { endedPeriods, hasEnded, isFrequency, lastEndedPeriod, parsePeriodKey, type Frequency, type Period } from "./period";
import type { CategoryTotalInput, CorrectionInput, DealerListFilter, LineInput } from "./sellout.schema.server";
import type { SelloutStatus } from "./sellout.schema";
import { restateAfterSelloutWrite } from "./sellout.derived.server";
import { categoryTotalsOf, correctionsOf, dealerRow, dealersInScope, linesOf, periodByKey, periodSums, periodsOf, stockOf } from "./sellout.queries.server";

const today = () => todayIn(env().BUSINESS_TZ);
const num = (v: string | number | null | undefined) => Number(v ?? 0);

/** The line's segment: '' for the SKU as a whole, else the key account and region it is reported for. */
export function segmentOf(keyAccountId: number | null, region: string): string {
  return keyAccountId || region ? `${keyAccountId ?? ""}|${region}` : "";
}

type Dealer = NonNullable<Awaited<ReturnType<typeof dealerRow>>> & { frequency: Frequency };

/** The dealer, if the actor may act on its sell-out with `permission`: 404 outside the scope, 403 without it. */
async function dealerFor(ex: Executor, actor: Actor, dealerId: number, permission: Parameters<typeof requireDealerAccess>[2]): Promise<Dealer> {
  const d = await dealerRow(ex, dealerId);
  if (!d) throw new NotFoundError();
  await requireDealerAccess(ex, actor, permission, dealerId);
  return { ...d, frequency: isFrequency(d.frequency) ? d.frequency : "month" };
}

/** A period from its URL key; one that has not ended yet cannot be reported (404 on its page). */
function endedPeriod(key: string): Period {
  const p = parsePeriodKey(key);
  if (!p || !hasEnded(p, today())) throw new NotFoundError();
  return p;
}

/**
 * The period's row, created on first write, locked for the rest of the transaction. A new period must be
 * of the dealer's current frequency; a closed one refuses writes (409) unless `allowClosed`.
 */
async function lockPeriod(tx: Tx, dealer: Dealer, p: Period, opts: { allowClosed?: boolean } = {}) {
  const existing = await periodByKey(tx, dealer.id, p.key);
  if (!existing && p.frequency !== dealer.frequency) throw new ConflictError("sellout.wrongFrequency");
  if (!existing)
    await tx
      .insertInto("sellout_periods")
      .values({ dealer_id: dealer.id, period_key: p.key, frequency: p.frequency, starts_on: p.start, ends_on: p.end, currency: dealer.currency })
      .onDuplicateKeyUpdate({ period_key: sql`period_key` })
      .execute();
  const row = await tx
    .selectFrom("sellout_periods")
    .selectAll()
    .where("dealer_id", "=", dealer.id)
    .where("period_key", "=", p.key)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (row.status === "closed" && !opts.allowClosed) throw new ConflictError("sellout.closed");
  return row;
}

async function productBySku(ex: Executor, sku: string) {
  const p = await ex.selectFrom("products").select(["id", "sku", "category_code"]).where("sku", "=", sku).executeTakeFirst();
  if (!p) throw new ValidationError("validation.formErrors", { sku: ["sellout.unknownSku"] });
  return p;
}

async function keyAccountByCode(ex: Executor, code: string): Promise<number | null> {
  if (!code) return null;
  const ka = await ex.selectFrom("key_accounts").select("id").where("credit_code", "=", code.toUpperCase()).executeTakeFirst();
  if (!ka) throw new ValidationError("validation.formErrors", { keyAccount: ["sellout.unknownKeyAccount"] });
  return ka.id;
}

/** The product, key account and segment a typed line is about (a form error names the unknown SKU or key account). */
async function lineTarget(ex: Executor, input: { sku: string; keyAccount: string; region: string }) {
  const product = await productBySku(ex, input.sku);
  const keyAccountId = await keyAccountByCode(ex, input.keyAccount);
  return { product, keyAccountId, segment: segmentOf(keyAccountId, input.region) };
}

/** Records that the period was reported (the first time) or changed since, at `at`. */
export async function markReported(tx: Tx, actor: Actor, periodId: number, reportedAt: Date | null, at: Date = now()) {
  await tx
    .updateTable("sellout_periods")
    .set(reportedAt ? { last_changed_at: at } : { reported_at: at, reported_by: actor.userId, last_changed_at: at })
    .where("id", "=", periodId)
    .execute();
}

// ---------------------------------------------------------------- writes while the period is open

/** Saves one line (and, when given, the SKU's units on hand) of an open period: a new line or over the same SKU and segment. */
export async function saveLine(actor: Actor, dealerId: number, key: string, input: LineInput) {
  const dealer = await dealerFor(db, actor, dealerId, "sellout:report");
  const p = endedPeriod(key);
  const { product, keyAccountId, segment } = await lineTarget(db, input);
  return transaction("sellout.line", async (tx) => {
    const period = await lockPeriod(tx, dealer, p);
    const at = now();
    await tx
      .insertInto("sellout_lines")
      .values({
        period_id: period.id,
        dealer_id: dealer.id,
        product_id: product.id,
        segment,
        key_account_id: keyAccountId,
        region: input.region,
        units_sold: input.unitsSold,
        revenue_minor: input.revenue,
        updated_by: actor.userId,
        updated_at: at,
      })
      .onDuplicateKeyUpdate({ units_sold: input.unitsSold, revenue_minor: input.revenue, updated_by: actor.userId, updated_at: at })
      .execute();
    if (input.unitsOnHand !== null) await upsertStock(tx, actor, period.id, dealer.id, [{ productId: product.id, onHand: input.unitsOnHand }]);
    await markReported(tx, actor, period.id, period.reported_at);
    await restateAfterSelloutWrite(tx, period.id);
    await audit(tx, actor, {
      action: "sellout.line_saved",
      entityType: "sellout_period",
      entityId: period.id,
      dealerId: dealer.id,
      summary: { period: p.key, sku: product.sku, segment, unitsSold: input.unitsSold, revenueMinor: input.revenue, unitsOnHand: input.unitsOnHand },
    });
    return { periodId: period.id };
  });
}

export async function upsertStock(tx: Tx, actor: Actor, periodId: number, dealerId: number, rows: { productId: number; onHand: number }[]) {
  if (!rows.length) return;
  const at = now();
  await tx
    .insertInto("sellout_stock")
    .values(
      rows.map((r) => ({
        period_id: periodId,
        product_id: r.productId,
        dealer_id: dealerId,
        units_on_hand: r.onHand,
        updated_by: actor.userId,
        updated_at: at,
      })),
    )
    .onDuplicateKeyUpdate({ units_on_hand: sql`VALUES(units_on_hand)`, updated_by: sql`VALUES(updated_by)`, updated_at: sql`VALUES(updated_at)` })
    .execute();
}

export async function removeLine(actor: Actor, dealerId: number, key: string, lineId: number) {
  const dealer = await dealerFor(db, actor, dealerId, "sellout:report");
  const p = endedPeriod(key);
  return transaction("sellout.line.remove", async (tx) => {
    const period = await lockPeriod(tx, dealer, p);
    const line = await tx
      .selectFrom("sellout_lines as l")
      .innerJoin("products as p", "p.id", "l.product_id")
      .select(["l.id", "l.segment", "p.sku"])
      .where("l.id", "=", lineId)
      .where("l.period_id", "=", period.id)
      .executeTakeFirst();
    if (!line) throw new NotFoundError();
    await tx.deleteFrom("sellout_lines").where("id", "=", line.id).execute();
    await tx.updateTable("sellout_periods").set({ last_changed_at: now() }).where("id", "=", period.id).execute();
    await restateAfterSelloutWrite(tx, period.id);
    await audit(tx, actor, {
      action: "sellout.line_removed",
      entityType: "sellout_period",
      entityId: period.id,
      dealerId: dealer.id,
      summary: { period: p.key, sku: line.sku, segment: line.segment },
    });
  });
}

/** The dealer's total sales in a category, all brands (the denominator of the share figure, decision 137). */
export async function saveCategoryTotal(actor: Actor, dealerId: number, key: string, input: CategoryTotalInput) {
  const dealer = await dealerFor(db, actor, dealerId, "sellout:report");
  const p = endedPeriod(key);
  const cat = await db.selectFrom("categories").select("code").where("code", "=", input.category).executeTakeFirst();
  if (!cat) throw new ValidationError("validation.formErrors", { category: ["sellout.unknownCategory"] });
  return transaction("sellout.category", async (tx) => {
    const period = await lockPeriod(tx, dealer, p);
    const at = now();
    await tx
      .insertInto("sellout_category_totals")
      .values({ period_id: period.id, category_code: cat.code, dealer_id: dealer.id, revenue_minor: input.revenue, updated_by: actor.userId, updated_at: at })
      .onDuplicateKeyUpdate({ revenue_minor: input.revenue, updated_by: actor.userId, updated_at: at })
      .execute();
    await markReported(tx, actor, period.id, period.reported_at);
    await restateAfterSelloutWrite(tx, period.id);
    await audit(tx, actor, {
      action: "sellout.category_saved",
      entityType: "sellout_period",
      entityId: period.id,
      dealerId: dealer.id,
      summary: { period: p.key, category: cat.code, revenueMinor: input.revenue },
    });
  });
}

// ---------------------------------------------------------------- close and correct

/** Closes an ended period (finance, administrator): from now on only corrections change its figures. */
export async function closePeriod(actor: Actor, dealerId: number, key: string) {
  const dealer = await dealerFor(db, actor, dealerId, "sellout:close");
  const p = endedPeriod(key);
  return transaction("sellout.close", async (tx) => {
    const period = await lockPeriod(tx, dealer, p, { allowClosed: true });
    if (period.status === "closed") throw new ConflictError("sellout.alreadyClosed");
    await tx.updateTable("sellout_periods").set({ status: "closed", closed_at: now(), closed_by: actor.userId }).where("id", "=", period.id).execute();
    await restateAfterSelloutWrite(tx, period.id);
    await audit(tx, actor, {
      action: "sellout.closed",
      entityType: "sellout_period",
      entityId: period.id,
      dealerId: dealer.id,
      summary: { period: p.key, reported: period.reported_at !== null },
    });
  });
}

/**
 * A correction of a closed period: the figures as they should have been; what is stored is the difference
 * from the figures as they stand (closed line + earlier corrections), with its reason. The dealer records it,
 * or whoever may close periods.
 */
export async function recordCorrection(actor: Actor, dealerId: number, key: string, input: CorrectionInput) {
  const permission = can(actor, "sellout:report") ? "sellout:report" : "sellout:close";
  const dealer = await dealerFor(db, actor, dealerId, permission);
  const p = endedPeriod(key);
  const { product, keyAccountId, segment } = await lineTarget(db, input);
  return transaction("sellout.correct", async (tx) => {
    const period = await lockPeriod(tx, dealer, p, { allowClosed: true });
    if (period.status !== "closed") throw new ConflictError("sellout.correction.notClosed");
    const line = await tx
      .selectFrom("sellout_lines")
      .select(["units_sold", "revenue_minor"])
      .where("period_id", "=", period.id)
      .where("product_id", "=", product.id)
      .where("segment", "=", segment)
      .executeTakeFirst();
    const stock = await tx
      .selectFrom("sellout_stock")
      .select("units_on_hand")
      .where("period_id", "=", period.id)
      .where("product_id", "=", product.id)
      .executeTakeFirst();
    const earlier = await tx
      .selectFrom("sellout_corrections")
      .select([
        sql<string>`COALESCE(SUM(CASE WHEN segment = ${segment} THEN delta_units_sold ELSE 0 END), 0)`.as("units"),
        sql<string>`COALESCE(SUM(CASE WHEN segment = ${segment} THEN delta_revenue_minor ELSE 0 END), 0)`.as("revenue"),
        sql<string>`COALESCE(SUM(delta_on_hand), 0)`.as("on_hand"),
      ])
      .where("period_id", "=", period.id)
      .where("product_id", "=", product.id)
      .executeTakeFirstOrThrow();
    const units = (line?.units_sold ?? 0) + num(earlier.units);
    const revenue = num(line?.revenue_minor) + num(earlier.revenue);
    const onHand = (stock?.units_on_hand ?? 0) + num(earlier.on_hand);
    const delta = {
      units: input.unitsSold - units,
      revenue: input.revenue - revenue,
      onHand: input.unitsOnHand === null ? null : input.unitsOnHand - onHand,
    };
    if (delta.units === 0 && delta.revenue === 0 && !delta.onHand) throw new ValidationError("sellout.correction.noChange");
    const r = await tx
      .insertInto("sellout_corrections")
      .values({
        period_id: period.id,
        dealer_id: dealer.id,
        product_id: product.id,
        segment,
        key_account_id: keyAccountId,
        region: input.region,
        delta_units_sold: delta.units,
        delta_revenue_minor: delta.revenue,
        delta_on_hand: delta.onHand || null,
        reason: input.reason,
        created_by: actor.userId,
        created_at: now(),
      })
      .executeTakeFirstOrThrow();
    await restateAfterSelloutWrite(tx, period.id);
    await audit(tx, actor, {
      action: "sellout.corrected",
      entityType: "sellout_period",
      entityId: period.id,
      dealerId: dealer.id,
      summary: { period: p.key, sku: product.sku, segment, correctionId: Number(r.insertId), delta, reason: input.reason },
    });
    return { correctionId: Number(r.insertId) };
  });
}

export async function setFrequency(actor: Actor, dealerId: number, frequency: Frequency) {
  const dealer = await dealerFor(db, actor, dealerId, "sellout:configure");
  if (dealer.frequency === frequency) return;
  await transaction("sellout.frequency", async (tx) => {
    await tx
      .insertInto("sellout_settings")
      .values({ dealer_id: dealer.id, frequency, updated_by: actor.userId, updated_at: now() })
      .onDuplicateKeyUpdate({ frequency, updated_by: actor.userId, updated_at: now() })
      .execute();
    await audit(tx, actor, {
      action: "sellout.frequency_changed",
      entityType: "dealer",
      entityId: dealer.id,
      dealerId: dealer.id,
      summary: { from: dealer.frequency, to: frequency },
    });
  });
}

// ---------------------------------------------------------------- reads

type PeriodSummary = {
  key: string;
  frequency: string;
  start: string;
  end: string;
  status: SelloutStatus;
  reportedAt: Date | null;
  lastChangedAt: Date | null;
  closedAt: Date | null;
  lines: number;
  unitsSold: number;
  revenueMinor: number;
  unitsOnHand: number;
  corrections: number;
};

function statusOf(row: { status: string; reported_at: Date | null } | undefined): SelloutStatus {
  if (!row) return "not_reported";
  if (row.status === "closed") return "closed";
  return row.reported_at ? "open" : "not_reported";
}

/** A dealer's periods: the last 12 ended ones of its frequency and every other period it has a row for, newest first. */
export async function dealerOverview(actor: Actor, dealerId: number) {
  requirePermission(actor, "sellout:view");
  const dealer = await dealerFor(db, actor, dealerId, "sellout:view");
  const rows = await periodsOf(db, [dealer.id]);
  const byKey = new Map(rows.map((r) => [r.period_key, r]));
  const keys = new Map<string, { key: string; frequency: string; start: string; end: string }>();
  for (const p of endedPeriods(today(), dealer.frequency, 12)) keys.set(p.key, p);
  for (const r of rows) keys.set(r.period_key, { key: r.period_key, frequency: r.frequency, start: r.starts_on, end: r.ends_on });
  const sums = await periodSums(
    db,
    rows.map((r) => r.id),
  );
  const lineSum = new Map(sums.lines.map((s) => [s.period_id, s]));
  const stockSum = new Map(sums.stock.map((s) => [s.period_id, s]));
  const corrSum = new Map(sums.corrections.map((s) => [s.period_id, s]));
  const periods: PeriodSummary[] = [...keys.values()]
    .sort((a, b) => (a.start < b.start ? 1 : a.start > b.start ? -1 : 0))
    .map((p) => {
      const r = byKey.get(p.key);
      const l = r ? lineSum.get(r.id) : undefined;
      const s = r ? stockSum.get(r.id) : undefined;
      const c = r ? corrSum.get(r.id) : undefined;
      return {
        ...p,
        status: statusOf(r),
        reportedAt: r?.reported_at ?? null,
        lastChangedAt: r?.last_changed_at ?? null,
        closedAt: r?.closed_at ?? null,
        lines: num(l?.lines),
        unitsSold: num(l?.units) + num(c?.units),
        revenueMinor: num(l?.revenue) + num(c?.revenue),
        unitsOnHand: num(s?.on_hand) + num(c?.on_hand),
        corrections: num(c?.n),
      };
    });
  return {
    dealer: { id: dealer.id, code: dealer.code, name: dealer.name, currency: dealer.currency, frequency: dealer.frequency },
    periods,
    canReport: can(actor, "sellout:report"),
    canConfigure: can(actor, "sellout:configure"),
  };
}

/** One period of a dealer: its lines with corrections summed in, its stock, category totals and the corrections themselves. */
export async function periodPage(actor: Actor, dealerId: number, key: string) {
  const dealer = await dealerFor(db, actor, dealerId, "sellout:view");
  const p = endedPeriod(key);
  const row = await periodByKey(db, dealer.id, p.key);
  if (!row && p.frequency !== dealer.frequency) throw new NotFoundError();
  const [lines, stock, categories, corrections, allCategories] = row
    ? await Promise.all([linesOf(db, row.id), stockOf(db, row.id), categoryTotalsOf(db, row.id), correctionsOf(db, row.id), categoryList()])
    : [[], [], [], [], await categoryList()];
  // Lines as they stand: the reported figures plus the corrections of the same SKU and segment (a correction may add a line).
  type View = {
    key: string;
    lineId: number | null;
    sku: string;
    nameEn: string;
    nameZh: string;
    keyAccount: string | null;
    keyAccountCode: string | null;
    region: string;
    reportedUnits: number | null;
    reportedRevenue: number | null;
    unitsSold: number;
    revenueMinor: number;
    corrected: boolean;
  };
  const views = new Map<string, View>();
  for (const l of lines)
    views.set(`${l.product_id}:${l.segment}`, {
      key: `${l.product_id}:${l.segment}`,
      lineId: l.id,
      sku: l.sku,
      nameEn: l.name_en,
      nameZh: l.name_zh,
      keyAccount: l.key_account_name,
      keyAccountCode: l.key_account_code,
      region: l.region,
      reportedUnits: l.units_sold,
      reportedRevenue: num(l.revenue_minor),
      unitsSold: l.units_sold,
      revenueMinor: num(l.revenue_minor),
      corrected: false,
    });
  const stockViews = new Map(
    stock.map((s) => [
      s.product_id,
      { sku: s.sku, nameEn: s.name_en, nameZh: s.name_zh, reported: s.units_on_hand as number | null, onHand: s.units_on_hand, corrected: false },
    ]),
  );
  for (const c of corrections) {
    const k = `${c.product_id}:${c.segment}`;
    const v =
      views.get(k) ??
      views
        .set(k, {
          key: k,
          lineId: null,
          sku: c.sku,
          nameEn: c.name_en,
          nameZh: c.name_zh,
          keyAccount: c.key_account_name,
          keyAccountCode: c.key_account_code,
          region: c.region,
          reportedUnits: null,
          reportedRevenue: null,
          unitsSold: 0,
          revenueMinor: 0,
          corrected: false,
        })
        .get(k)!;
    if (c.delta_units_sold || num(c.delta_revenue_minor)) {
      v.unitsSold += c.delta_units_sold;
      v.revenueMinor += num(c.delta_revenue_minor);
      v.corrected = true;
    }
    if (c.delta_on_hand) {
      const s =
        stockViews.get(c.product_id) ??
        stockViews.set(c.product_id, { sku: c.sku, nameEn: c.name_en, nameZh: c.name_zh, reported: null, onHand: 0, corrected: false }).get(c.product_id)!;
      s.onHand += c.delta_on_hand;
      s.corrected = true;
    }
  }
  const lineViews = [...views.values()].filter((v) => v.lineId !== null || v.corrected);
  const status = statusOf(row);
  const isDealerSide = can(actor, "sellout:report");
  return {
    dealer: { id: dealer.id, code: dealer.code, name: dealer.name, currency: dealer.currency },
    /** The reader is the dealer's own user ("your sales"), not the manufacturer's staff ("the dealer's sales"). */
    own: actor.dealerId === dealer.id,
    period: {
      key: p.key,
      frequency: p.frequency,
      start: p.start,
      end: p.end,
      status,
      reportedAt: row?.reported_at ?? null,
      lastChangedAt: row?.last_changed_at ?? null,
      closedAt: row?.closed_at ?? null,
    },
    lines: lineViews.sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.key < b.key ? -1 : 1)),
    stock: [...stockViews.values()].sort((a, b) => (a.sku < b.sku ? -1 : 1)),
    categories: categories.map((c) => ({ code: c.category_code, nameEn: c.name_en, nameZh: c.name_zh, revenueMinor: num(c.revenue_minor) })),
    allCategories,
    corrections: corrections.map((c) => ({
      id: c.id,
      sku: c.sku,
      keyAccount: c.key_account_name,
      region: c.region,
      deltaUnits: c.delta_units_sold,
      deltaRevenue: num(c.delta_revenue_minor),
      deltaOnHand: c.delta_on_hand,
      reason: c.reason,
      createdAt: c.created_at,
      by: c.created_by_name,
    })),
    can: {
      report: isDealerSide && status !== "closed",
      correct: status === "closed" && (isDealerSide || can(actor, "sellout:close")),
      close: status !== "closed" && can(actor, "sellout:close"),
    },
  };
}

function categoryList() {
  return db.selectFrom("categories").select(["code", "name_en", "name_zh"]).orderBy("sort_order").orderBy("code").execute();
}

type DealerStatusRow = {
  id: number;
  code: string;
  name: string;
  region: string;
  accountManager: string | null;
  frequency: string;
  lastPeriod: string;
  status: SelloutStatus;
  reportedAt: Date | null;
};

/**
 * Staff: the dealers in the actor's scope with the state of their last ended period (the account manager
 * sees who has not reported). `missing`: only those who have not.
 */
export async function listDealers(actor: Actor, filter: DealerListFilter) {
  requirePermission(actor, "sellout:view");
  if (actor.dealerId !== null) throw new ForbiddenError();
  const t = today();
  const all = await dealersInScope(db, actor);
  const chosen = filter.dealerId ? all.filter((d) => d.id === filter.dealerId) : all;
  const lastKey = (f: string) => lastEndedPeriod(t, isFrequency(f) ? f : "month").key;
  const keys = [...new Set(chosen.map((d) => lastKey(d.frequency)))];
  const periods = await periodsOf(
    db,
    chosen.map((d) => d.id),
    keys,
  );
  const byDealer = new Map(periods.map((p) => [`${p.dealer_id}:${p.period_key}`, p]));
  const rows: DealerStatusRow[] = chosen.map((d) => {
    const key = lastKey(d.frequency);
    const p = byDealer.get(`${d.id}:${key}`);
    return {
      id: d.id,
      code: d.code,
      name: d.name,
      region: d.region,
      accountManager: d.account_manager_name,
      frequency: d.frequency,
      lastPeriod: key,
      status: statusOf(p),
      reportedAt: p?.reported_at ?? null,
    };
  });
  const notReported = rows.filter((r) => r.reportedAt === null);
  return {
    rows: filter.missing ? notReported : rows,
    notReported: notReported.length,
    total: rows.length,
    dealers: all.map((d) => ({ id: d.id, code: d.code, name: d.name })),
  };
}

export const DEALER_CSV_HEADER = ["dealer_code", "dealer_name", "region", "account_manager_name", "frequency", "last_period", "status", "reported_at"];
export async function* exportDealers(actor: Actor, filter: DealerListFilter): AsyncIterable<unknown[][]> {
  const { rows } = await listDealers(actor, filter);
  yield rows.map((r) => [r.code, r.name, r.region, r.accountManager ?? "", r.frequency, r.lastPeriod, r.status, r.reportedAt?.toISOString() ?? ""]);
}

// ---------------------------------------------------------------- invariants (db:check)

/**
 * One line per period × SKU × segment; a line's, stock row's and category total's dealer is its period's; nothing of
 * a closed period written after it closed (changes after close are corrections); corrections only on closed periods.
 */
export async function findSelloutInvariantViolations(ex: Executor) {
  const [dupes, wrongDealer, editedAfterClose, openCorrections] = await Promise.all([
    ex
      .selectFrom("sellout_lines")
      .select(["period_id", "product_id", "segment", sql<number>`COUNT(*)`.as("n")])
      .groupBy(["period_id", "product_id", "segment"])
      .having(sql`COUNT(*)`, ">", 1)
      .limit(100)
      .execute(),
    sql<{ kind: string; period_id: number }>`
      SELECT 'line' AS kind, l.period_id FROM sellout_lines l JOIN sellout_periods p ON p.id = l.period_id WHERE l.dealer_id <> p.dealer_id
      UNION ALL SELECT 'stock', s.period_id FROM sellout_stock s JOIN sellout_periods p ON p.id = s.period_id WHERE s.dealer_id <> p.dealer_id
      UNION ALL SELECT 'category', t.period_id FROM sellout_category_totals t JOIN sellout_periods p ON p.id = t.period_id WHERE t.dealer_id <> p.dealer_id
      UNION ALL SELECT 'correction', c.period_id FROM sellout_corrections c JOIN sellout_periods p ON p.id = c.period_id WHERE c.dealer_id <> p.dealer_id
      LIMIT 100`
      .execute(ex)
      .then((r) => r.rows),
    sql<{ kind: string; period_id: number }>`
      SELECT 'line' AS kind, l.period_id FROM sellout_lines l JOIN sellout_periods p ON p.id = l.period_id WHERE p.status = 'closed' AND l.updated_at > p.closed_at
      UNION ALL SELECT 'stock', s.period_id FROM sellout_stock s JOIN sellout_periods p ON p.id = s.period_id WHERE p.status = 'closed' AND s.updated_at > p.closed_at
      UNION ALL SELECT 'category', t.period_id FROM sellout_category_totals t JOIN sellout_periods p ON p.id = t.period_id WHERE p.status = 'closed' AND t.updated_at > p.closed_at
      LIMIT 100`
      .execute(ex)
      .then((r) => r.rows),
    ex
      .selectFrom("sellout_corrections as c")
      .innerJoin("sellout_periods as p", "p.id", "c.period_id")
      .select(["c.id", "c.period_id"])
      .where((eb) => eb.or([eb("p.status", "<>", "closed"), eb("c.created_at", "<", eb.ref("p.closed_at"))]))
      .limit(100)
      .execute(),
  ]);
  return [
    ...dupes.map((d) => ({ rule: "one line per period, SKU and segment", ...d })),
    ...wrongDealer.map((d) => ({ rule: "row of another dealer's period", ...d })),
    ...editedAfterClose.map((d) => ({ rule: "written after the period closed", ...d })),
    ...openCorrections.map((d) => ({ rule: "correction on a period not closed", ...d })),
  ];
}

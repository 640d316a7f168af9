/**
 * Month-end promotion rebates (返利, decision 142). For a calendar month and each rebate promotion valid in
 * it, each targeted dealer's qualifying amount is
 *   purchases: Σ shipped quantity × unit price of the dealer's order lines carrying the promotion, over the
 *              shipments of the month (what was invoiced that month at the promoted price), less the returns
 *              of such lines credited that month (RMA credit notes, source "rma", dated in the month: returned
 *              quantity × the line's unit price) — the rebate is paid on the net;
 *   sell-out:  Σ revenue the dealer reported for the promotion's products in the sell-out periods that end
 *              in the month and inside the promotion's validity (reported lines and corrections);
 * and its rebate = rate × qualifying amount, rounded half away from zero to the minor unit once per dealer,
 * promotion and month (never per line); a net amount at or below zero posts nothing (never a negative
 * rebate, and returns beyond the month's purchases are not carried to another month). A positive rebate is posted as one ledger entry of type rebate
 * (a credit) dated the day of the run — the month's statement is issued by then, so it lands on the next
 * one — together with a promotion_rebates row and the qualifying lines it was computed from.
 *
 * Exactly once: promotion_rebates is UNIQUE(dealer, promotion, period) and the ledger entry's source
 * (rebate, promotion_rebate, "promotion:dealer:period") is unique too, so a re-run, a second runner or a
 * retry posts nothing new. Bounded: one transaction per chunk of dealers of one promotion.
 * Reversal: finance or the administrator reverses a posted rebate with a reversing ledger entry (audited);
 * the row keeps both entries and is never posted again for that period.
 */
import { sql } from "kysely";
import { db, type Executor, type Tx } from "../../../db/client";
import { audit } from "~/modules/audit/audit.server";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { requireDealerAccess } from "~/modules/auth/access.server";
import { systemDescription } from "~/modules/ledger/descriptions";
import { DuplicateSourceError, postEntry, reverseEntry } from "~/modules/ledger/post.server";
import { isPeriod, periodBounds } from "~/modules/ledger/period";
import { selloutBasisRows } from "~/modules/sellout/promotion-basis.server";
import { env } from "~/utils/env.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { applyBasisPoints, minorToDecimal } from "~/utils/money";
import { todayIn, type IsoDate } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { targetsDealerSql } from "./promotions.server";

const DEALER_CHUNK = 50;
/** The fee type promotion rebates carry, so they and their reversals show on the fees page (created when missing). */
const PROMOTION_REBATE_FEE_TYPE = "promotion_rebate";

type QualifyingLine = { sourceType: string; sourceId: number; dealerId: number; productId: number; quantity: number; amountMinor: number };

export type RebateRunResult = { period: string; promotions: number; posted: number; alreadyPosted: number; nothingDue: number; totalMinor: number };

/** The rebate of a qualifying amount at a rate: basis points, half away from zero (docs/decisions/142). */
export function rebateOf(qualifyingMinor: number, rateBp: number): number {
  return applyBasisPoints(qualifyingMinor, rateBp);
}

async function purchaseLines(ex: Executor, promotionId: number, from: IsoDate, to: IsoDate): Promise<QualifyingLine[]> {
  const rows = await ex
    .selectFrom("shipment_lines as sl")
    .innerJoin("shipments as s", "s.id", "sl.shipment_id")
    .innerJoin("order_lines as l", "l.id", "sl.order_line_id")
    .select(["sl.id", "s.dealer_id", "l.product_id", "sl.quantity", "l.unit_price_minor"])
    .where("l.promotion_id", "=", promotionId)
    .where("s.shipped_on", ">=", from)
    .where("s.shipped_on", "<=", to)
    .execute();
  return rows.map((r) => ({
    sourceType: "shipment_line",
    sourceId: r.id,
    dealerId: r.dealer_id,
    productId: r.product_id,
    quantity: r.quantity,
    amountMinor: r.quantity * r.unit_price_minor,
  }));
}

/**
 * Returns of the dealer's order lines carrying the promotion, credited in the period: the lines of received
 * RMAs whose credit note (ledger source "rma") is dated in it, as negative qualifying lines (the returned
 * quantity × the line's unit price, which is what the credit note credited). An RMA authorised but not yet
 * received has no credit note and does not count until it is.
 */
async function returnLines(ex: Executor, promotionId: number, from: IsoDate, to: IsoDate): Promise<QualifyingLine[]> {
  const rows = await ex
    .selectFrom("service_rma_lines as rl")
    .innerJoin("service_rmas as r", "r.id", "rl.rma_id")
    .innerJoin("ledger_entries as e", "e.id", "r.credit_entry_id")
    .innerJoin("order_lines as l", "l.id", "rl.order_line_id")
    .select(["rl.id", "r.dealer_id", "rl.product_id", "rl.quantity", "rl.amount_minor"])
    .where("l.promotion_id", "=", promotionId)
    .where("r.status", "=", "received")
    .where("e.source_type", "=", "rma")
    .where("e.business_date", ">=", from)
    .where("e.business_date", "<=", to)
    .execute();
  return rows.map((r) => ({
    sourceType: "rma_line",
    sourceId: r.id,
    dealerId: r.dealer_id,
    productId: r.product_id,
    quantity: -r.quantity,
    amountMinor: -Number(r.amount_minor),
  }));
}

async function selloutLines(ex: Executor, promotionId: number, from: IsoDate, to: IsoDate): Promise<QualifyingLine[]> {
  const productIds = (await ex.selectFrom("promotion_products").select("product_id").where("promotion_id", "=", promotionId).execute()).map(
    (r) => r.product_id,
  );
  const rows = await selloutBasisRows(ex, { productIds, from, to });
  if (!rows.length) return [];
  // Only dealers the promotion targets earn on their sell-out.
  const targeted = new Set(
    (
      await ex
        .selectFrom("organisations as d")
        .innerJoin("promotions as p", (j) => j.on("p.id", "=", promotionId))
        .select("d.id")
        .where("d.id", "in", [...new Set(rows.map((r) => r.dealerId))])
        .where(targetsDealerSql("p", "d"))
        .execute()
    ).map((d) => d.id),
  );
  return rows.filter((r) => targeted.has(r.dealerId));
}

async function ensureFeeType(ex: Executor) {
  await sql`INSERT IGNORE INTO fee_types (code, name_en, name_zh, kind, status) VALUES (${PROMOTION_REBATE_FEE_TYPE}, 'Promotion rebate', '促销返利', 'rebate', 'active')`.execute(
    ex,
  );
}

type Promo = { id: number; code: string; rebate_bp: number; rebate_basis: string; currency: string; starts_on: string; ends_on: string };

/** Posts one dealer's rebate of a promotion for a period, unless it is posted already or nothing is due. */
async function postDealerRebate(tx: Tx, actor: Actor, p: Promo, period: string, postOn: IsoDate, dealerId: number, lines: QualifyingLine[]) {
  const existing = await tx
    .selectFrom("promotion_rebates")
    .select("id")
    .where("dealer_id", "=", dealerId)
    .where("promotion_id", "=", p.id)
    .where("period", "=", period)
    .executeTakeFirst();
  if (existing) return { kind: "already" as const };
  const qualifying = lines.reduce((s, l) => s + l.amountMinor, 0);
  const amount = rebateOf(qualifying, p.rebate_bp);
  if (qualifying <= 0 || amount <= 0) return { kind: "nothing" as const };
  const dealer = await tx.selectFrom("organisations").select("currency").where("id", "=", dealerId).executeTakeFirstOrThrow();
  const rate = `${minorToDecimal(p.rebate_bp, "CNY")}%`;
  let entryId: number;
  try {
    entryId = await postEntry(tx, actor, {
      dealerId,
      type: "rebate",
      amountMinor: -amount,
      currency: dealer.currency,
      businessDate: postOn,
      ...systemDescription({
        key: "ledger.desc.promotionRebate",
        params: { code: p.code, period, rate, basis: `${dealer.currency} ${minorToDecimal(qualifying, dealer.currency)}` },
      }),
      feeTypeCode: PROMOTION_REBATE_FEE_TYPE,
      reference: p.code,
      sourceType: "promotion_rebate",
      sourceId: `${p.id}:${dealerId}:${period}`,
    });
  } catch (err) {
    if (err instanceof DuplicateSourceError) return { kind: "already" as const };
    throw err;
  }
  const res = await tx
    .insertInto("promotion_rebates")
    .values({
      promotion_id: p.id,
      dealer_id: dealerId,
      period,
      basis: p.rebate_basis,
      rate_bp: p.rebate_bp,
      qualifying_minor: qualifying,
      amount_minor: amount,
      currency: dealer.currency,
      ledger_entry_id: entryId,
    })
    .executeTakeFirstOrThrow();
  const rebateId = Number(res.insertId);
  for (let i = 0; i < lines.length; i += 500)
    await tx
      .insertInto("promotion_rebate_lines")
      .values(
        lines.slice(i, i + 500).map((l) => ({
          rebate_id: rebateId,
          source_type: l.sourceType,
          source_id: l.sourceId,
          product_id: l.productId,
          quantity: l.quantity,
          amount_minor: l.amountMinor,
        })),
      )
      .execute();
  await audit(tx, actor, {
    action: "promotion.rebate_posted",
    entityType: "promotion",
    entityId: p.id,
    dealerId,
    summary: { rebateId, period, basis: p.rebate_basis, rateBp: p.rebate_bp, qualifyingMinor: qualifying, amountMinor: amount, ledgerEntryId: entryId },
  });
  return { kind: "posted" as const, amount };
}

/**
 * Computes and posts the rebates of a month (see the module comment). `postOn`: the business date of the
 * entries (the run's day; the seed passes its own). Idempotent per dealer, promotion and period.
 */
export async function runPromotionRebates(actor: Actor, opts: RunOptions): Promise<RebateRunResult> {
  requirePermission(actor, "promotion:manage");
  return runRebates(db, actor, opts, (label, work) => transaction(label, work));
}

/** The same inside a caller's transaction (the demo seed), posted on `postOn`. */
export async function runPromotionRebatesIn(tx: Tx, actor: Actor, opts: RunOptions & { postOn: IsoDate }): Promise<RebateRunResult> {
  requirePermission(actor, "promotion:manage");
  return runRebates(tx, actor, opts, (_label, work) => work(tx));
}

type RunOptions = { period: string; postOn?: IsoDate; onProgress?: (message: string) => void | Promise<void> };
type Runner = <T>(label: string, work: (tx: Tx) => Promise<T>) => Promise<T>;

async function runRebates(ex: Executor, actor: Actor, opts: RunOptions, run: Runner): Promise<RebateRunResult> {
  const { period } = opts;
  if (!isPeriod(period)) throw new ValidationError("validation.formErrors", { period: ["promotions.periodFormat"] });
  const postOn = opts.postOn ?? todayIn(env().BUSINESS_TZ);
  const { start, end } = periodBounds(period);
  if (end >= postOn) throw new ValidationError("validation.formErrors", { period: ["promotions.periodNotEnded"] });
  const promos = await ex
    .selectFrom("promotions")
    .select(["id", "code", "rebate_bp", "rebate_basis", "currency", "starts_on", "ends_on"])
    .where("mechanism", "=", "rebate")
    .where("status", "<>", "draft")
    .where("starts_on", "<=", end)
    .where((eb) =>
      eb.or([
        eb("ends_on", ">=", start),
        // A purchases rebate also counts the shipments, after its end, of lines ordered in its validity (decision 142).
        eb.and([
          eb("rebate_basis", "=", "purchases"),
          eb.exists(
            eb
              .selectFrom("order_lines as l")
              .innerJoin("shipment_lines as sl", "sl.order_line_id", "l.id")
              .innerJoin("shipments as s", "s.id", "sl.shipment_id")
              .select("l.id")
              .whereRef("l.promotion_id", "=", "promotions.id")
              .where("s.shipped_on", ">=", start)
              .where("s.shipped_on", "<=", end),
          ),
        ]),
      ]),
    )
    .orderBy("code")
    .execute();
  const result: RebateRunResult = { period, promotions: promos.length, posted: 0, alreadyPosted: 0, nothingDue: 0, totalMinor: 0 };
  if (promos.length) await ensureFeeType(ex);
  for (const raw of promos) {
    const p = raw as Promo;
    if (!p.rebate_bp || !p.rebate_basis) continue;
    const lines =
      p.rebate_basis === "sellout"
        ? await selloutLines(ex, p.id, start > p.starts_on ? start : p.starts_on, end < p.ends_on ? end : p.ends_on)
        : [...(await purchaseLines(ex, p.id, start, end)), ...(await returnLines(ex, p.id, start, end))];
    const byDealer = new Map<number, QualifyingLine[]>();
    for (const l of lines) byDealer.set(l.dealerId, [...(byDealer.get(l.dealerId) ?? []), l]);
    const dealerIds = [...byDealer.keys()].sort((a, b) => a - b);
    for (let i = 0; i < dealerIds.length; i += DEALER_CHUNK) {
      const chunk = dealerIds.slice(i, i + DEALER_CHUNK);
      const outcomes = await run("promotion.rebates", async (tx) => {
        const out = [];
        for (const dealerId of chunk) out.push(await postDealerRebate(tx, actor, p, period, postOn, dealerId, byDealer.get(dealerId)!));
        return out;
      });
      for (const o of outcomes) {
        if (o.kind === "posted") {
          result.posted++;
          result.totalMinor += o.amount;
        } else if (o.kind === "already") result.alreadyPosted++;
        else result.nothingDue++;
      }
      await opts.onProgress?.(`${p.code} ${period}: ${Math.min(i + DEALER_CHUNK, dealerIds.length)}/${dealerIds.length} dealers`);
    }
  }
  return result;
}

/** Reverses a posted rebate with a reversing ledger entry dated today (finance, the administrator). */
export async function reverseRebate(actor: Actor, rebateId: number, input: { reason: string }): Promise<{ reversalEntryId: number }> {
  requirePermission(actor, "promotion:reverse_rebate");
  return transaction("promotion.reverse_rebate", async (tx) => {
    const r = await tx.selectFrom("promotion_rebates").selectAll().where("id", "=", rebateId).forUpdate().executeTakeFirst();
    if (!r) throw new NotFoundError();
    await requireDealerAccess(tx, actor, "promotion:reverse_rebate", r.dealer_id);
    if (r.reversal_entry_id !== null) throw new ConflictError("promotions.alreadyReversed");
    const reversalEntryId = await reverseEntry(tx, actor, r.ledger_entry_id, todayIn(env().BUSINESS_TZ), input.reason);
    await tx
      .updateTable("promotion_rebates")
      .set({ reversal_entry_id: reversalEntryId, reversed_at: new Date(), reversed_by: actor.userId, reversal_reason: input.reason })
      .where("id", "=", r.id)
      .execute();
    await audit(tx, actor, {
      action: "promotion.rebate_reversed",
      entityType: "promotion",
      entityId: r.promotion_id,
      dealerId: r.dealer_id,
      summary: { rebateId: r.id, period: r.period, amountMinor: Number(r.amount_minor), reversalEntryId, reason: input.reason },
    });
    return { reversalEntryId };
  });
}

/**
 * db:check (decision 142): every posted promotion rebate equals its rate × the sum over its qualifying lines
 * (rounded as above), its lines add up to its qualifying amount (net of the returns among them), purchase
 * lines still match their shipment lines and return lines their credited RMA lines, its ledger entry is the matching rebate credit (and its reversal the reversal of that entry), and
 * there is one rebate per dealer, promotion and period.
 */
export async function findPromotionRebateViolations(ex: Executor): Promise<Record<string, unknown>[]> {
  const sums = await sql<Record<string, unknown>>`
    SELECT r.id AS rebate_id, r.dealer_id, r.promotion_id, r.period, r.qualifying_minor, COALESCE(SUM(x.amount_minor), 0) AS sum_lines,
           'rebate qualifying amount differs from the sum over its qualifying lines' AS problem
    FROM promotion_rebates r LEFT JOIN promotion_rebate_lines x ON x.rebate_id = r.id
    GROUP BY r.id, r.dealer_id, r.promotion_id, r.period, r.qualifying_minor
    HAVING r.qualifying_minor <> COALESCE(SUM(x.amount_minor), 0)
    LIMIT 1000`.execute(ex);
  // rebateOf in SQL: qualifying amounts are positive, so half away from zero is FLOOR(q × rate / 10000 + ½).
  const badAmount = await sql<Record<string, unknown>>`
    SELECT id AS rebate_id, dealer_id, promotion_id, period, rate_bp, qualifying_minor, amount_minor,
           'rebate amount is not its rate × its qualifying amount' AS problem
    FROM promotion_rebates
    WHERE amount_minor <= 0 OR qualifying_minor <= 0 OR amount_minor <> FLOOR((qualifying_minor * rate_bp + 5000) / 10000)
    LIMIT 1000`.execute(ex);
  const purchases = await sql<Record<string, unknown>>`
    SELECT x.id AS rebate_line_id, x.rebate_id, 'purchase line differs from its shipment line at the promoted price' AS problem
    FROM promotion_rebate_lines x JOIN promotion_rebates r ON r.id = x.rebate_id
    LEFT JOIN shipment_lines sl ON sl.id = x.source_id
    LEFT JOIN shipments s ON s.id = sl.shipment_id
    LEFT JOIN order_lines l ON l.id = sl.order_line_id
    WHERE x.source_type = 'shipment_line'
      AND (sl.id IS NULL OR l.promotion_id <> r.promotion_id OR s.dealer_id <> r.dealer_id OR x.quantity <> sl.quantity
           OR x.amount_minor <> sl.quantity * l.unit_price_minor OR DATE_FORMAT(s.shipped_on, '%Y-%m') <> r.period)
    LIMIT 1000`.execute(ex);
  // Returns netted (decision 142, amended): the credited RMA line of a line carrying the promotion, of the
  // rebate's dealer, credited in the rebate's month, with the opposite of its quantity and amount.
  const returns = await sql<Record<string, unknown>>`
    SELECT x.id AS rebate_line_id, x.rebate_id, 'return line differs from its credited RMA line' AS problem
    FROM promotion_rebate_lines x JOIN promotion_rebates r ON r.id = x.rebate_id
    LEFT JOIN service_rma_lines rl ON rl.id = x.source_id
    LEFT JOIN service_rmas m ON m.id = rl.rma_id
    LEFT JOIN ledger_entries e ON e.id = m.credit_entry_id
    LEFT JOIN order_lines l ON l.id = rl.order_line_id
    WHERE x.source_type = 'rma_line'
      AND (rl.id IS NULL OR e.id IS NULL OR m.status <> 'received' OR e.source_type <> 'rma' OR r.basis <> 'purchases'
           OR NOT (l.promotion_id <=> r.promotion_id) OR m.dealer_id <> r.dealer_id OR x.quantity <> -rl.quantity
           OR x.amount_minor <> -rl.amount_minor OR DATE_FORMAT(e.business_date, '%Y-%m') <> r.period)
    LIMIT 1000`.execute(ex);
  const entries = await sql<Record<string, unknown>>`
    SELECT r.id AS rebate_id, r.ledger_entry_id, r.reversal_entry_id, 'rebate ledger entries do not match the rebate' AS problem
    FROM promotion_rebates r JOIN ledger_entries e ON e.id = r.ledger_entry_id
    LEFT JOIN ledger_entries v ON v.id = r.reversal_entry_id
    WHERE e.entry_type <> 'rebate' OR e.amount_minor <> -r.amount_minor OR e.dealer_id <> r.dealer_id OR e.currency <> r.currency
       OR e.source_type <> 'promotion_rebate' OR e.source_id <> CONCAT(r.promotion_id, ':', r.dealer_id, ':', r.period)
       OR (r.reversal_entry_id IS NOT NULL AND (v.id IS NULL OR NOT (v.reverses_entry_id <=> e.id)))
    LIMIT 1000`.execute(ex);
  const unlinked = await sql<Record<string, unknown>>`
    SELECT e.id AS entry_id, e.dealer_id, e.source_id, 'promotion rebate entry without its rebate row' AS problem
    FROM ledger_entries e LEFT JOIN promotion_rebates r ON r.ledger_entry_id = e.id
    WHERE e.source_type = 'promotion_rebate' AND r.id IS NULL
    LIMIT 1000`.execute(ex);
  const duplicates = await sql<Record<string, unknown>>`
    SELECT dealer_id, promotion_id, period, COUNT(*) AS rebates, 'more than one rebate per dealer, promotion and period' AS problem
    FROM promotion_rebates GROUP BY dealer_id, promotion_id, period HAVING COUNT(*) > 1`.execute(ex);
  // Order lines: a discount only with a price-off promotion, never negative; the price before it is what the dealer paid plus it.
  const lines = await sql<Record<string, unknown>>`
    SELECT l.id AS order_line_id, l.order_id, l.promotion_id, l.promotion_discount_minor,
           'order line discount without a price-off promotion, or negative' AS problem
    FROM order_lines l LEFT JOIN promotions p ON p.id = l.promotion_id
    WHERE l.promotion_discount_minor < 0
       OR (l.promotion_discount_minor > 0 AND (p.id IS NULL OR p.mechanism <> 'price_off'))
    LIMIT 1000`.execute(ex);
  return [...lines.rows, ...sums.rows, ...badAmount.rows, ...purchases.rows, ...returns.rows, ...entries.rows, ...unlinked.rows, ...duplicates.rows];
}

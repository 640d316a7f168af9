/**
 * Finance's side of the ledger: posting by hand (payment, credit note, rebate,
 * fee, adjustment), reversing, browsing, fee types, credit limits, and the
 * fee and rebate query. Every posting goes through postEntry (INSERT only).
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { db } from "../../../db/client";
import { audit, diff, emitEvent } from "~/modules/audit/audit.server";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { isDealerRole } from "~/modules/auth/permissions";
import { assertDealerInScope, inDealerScope } from "~/modules/auth/access.server";
import { env } from "~/utils/env.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { minorToDecimal } from "~/utils/money";
import { addDays, now, todayIn } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import type { Locale } from "~/i18n";
import { creditPosition } from "./credit.server";
import { describeEntry } from "./descriptions";
import { PAGE_SIZE, entriesQuery, entryColumns, feeKind, feeLines, feesQuery, runningBalance } from "./ledger.queries.server";
import type { FeeTypeInput, FeesFilter, LedgerListFilter, PostEntryInput } from "./ledger.schema.server";
import { DuplicateSourceError, ENTRY_SIGN, postEntry, reverseEntry, type EntryType } from "./post.server";

const today = () => todayIn(env().BUSINESS_TZ);
const isDuplicate = (err: unknown) => (err as { code?: string }).code === "ER_DUP_ENTRY";

// ---------- options ----------

export async function dealerOptions(actor: Actor) {
  if (isDealerRole(actor.role)) return [];
  return db
    .selectFrom("organisations as o")
    .select(["o.id", "o.code", "o.name", "o.currency"])
    .where("o.kind", "=", "dealer")
    .where(inDealerScope(actor, "o.id"))
    .orderBy("o.code")
    .execute();
}

export async function listFeeTypes(opts: { activeOnly?: boolean } = {}) {
  let q = db.selectFrom("fee_types").selectAll().orderBy("kind").orderBy("code");
  if (opts.activeOnly) q = q.where("status", "=", "active");
  return q.execute();
}

export async function postingFormOptions(actor: Actor) {
  requirePermission(actor, "ledger:post");
  const [dealers, feeTypes] = await Promise.all([dealerOptions(actor), listFeeTypes({ activeOnly: true })]);
  return { dealers, feeTypes, today: today(), defaultDueDate: addDays(today(), 30), key: randomUUID() };
}

// ---------- posting by hand ----------

/** The entry a source already posted (a form's key, a bank reference): what makes a second submission a duplicate. */
function entryFromSource(type: EntryType, source: { sourceType: string; sourceId: string }) {
  return db
    .selectFrom("ledger_entries")
    .select(["id", "dealer_id"])
    .where("entry_type", "=", type)
    .where("source_type", "=", source.sourceType)
    .where("source_id", "=", source.sourceId)
    .executeTakeFirst();
}

/**
 * Posts one entry typed by finance, dated today. The form's key makes a double
 * submission post once (the second returns the first entry); a bank reference
 * does the same across manual entry and CSV import.
 */
export async function postManualEntry(actor: Actor, input: PostEntryInput): Promise<{ id: number; dealerId: number; duplicate: boolean }> {
  requirePermission(actor, "ledger:post");
  const type: EntryType = input.type;
  const sign = ENTRY_SIGN[type] || (input.direction === "credit" ? -1 : 1);
  const source =
    type === "payment" && input.bankReference
      ? { sourceType: "bank", sourceId: input.bankReference }
      : { sourceType: type === "rebate" ? "rebate_programme" : type === "fee" ? "fee" : "manual", sourceId: `form:${input.key}` };
  const existing = await entryFromSource(type, source);
  if (existing) {
    if (source.sourceType === "bank") throw new ValidationError("validation.formErrors", { bankReference: ["ledger.bankReferenceUsed"] });
    return { id: existing.id, dealerId: existing.dealer_id, duplicate: true };
  }
  try {
    return await transaction("ledger.post", async (tx) => {
      const dealer = await tx
        .selectFrom("organisations")
        .select(["id", "currency"])
        .where("id", "=", input.dealerId)
        .where("kind", "=", "dealer")
        .executeTakeFirst();
      if (!dealer) throw new ValidationError("validation.formErrors", { dealerId: ["ledger.unknownDealer"] });
      let orderId: number | null = null;
      if (input.orderNumber) {
        const order = await tx
          .selectFrom("orders")
          .select(["id"])
          .where("number", "=", input.orderNumber)
          .where("dealer_id", "=", dealer.id)
          .executeTakeFirst();
        if (!order) throw new ValidationError("validation.formErrors", { orderNumber: ["ledger.unknownOrder"] });
        orderId = order.id;
      }
      if (input.feeTypeCode) {
        const ft = await tx.selectFrom("fee_types").select(["code", "kind", "status"]).where("code", "=", input.feeTypeCode).executeTakeFirst();
        if (!ft || ft.status !== "active") throw new ValidationError("validation.formErrors", { feeTypeCode: ["validation.choice"] });
        if ((type === "fee" && ft.kind !== "fee") || (type === "rebate" && ft.kind !== "rebate"))
          throw new ValidationError("validation.formErrors", { feeTypeCode: ["ledger.feeKindMismatch"] });
      }
      const id = await postEntry(tx, actor, {
        dealerId: dealer.id,
        type,
        amountMinor: sign * input.amount,
        currency: dealer.currency,
        businessDate: today(),
        dueDate: type === "fee" || (type === "adjustment" && sign > 0) ? (input.dueDate ?? addDays(today(), 30)) : null,
        description: input.description,
        feeTypeCode: type === "fee" || type === "rebate" ? input.feeTypeCode : null,
        reference: type === "payment" ? (input.bankReference ?? input.reference) : input.reference,
        sourceType: source.sourceType,
        sourceId: source.sourceId,
        orderId,
      });
      return { id, dealerId: dealer.id, duplicate: false };
    });
  } catch (err) {
    if (err instanceof DuplicateSourceError) {
      const again = await entryFromSource(type, source);
      if (again && source.sourceType !== "bank") return { id: again.id, dealerId: again.dealer_id, duplicate: true };
      throw new ValidationError("validation.formErrors", { bankReference: ["ledger.bankReferenceUsed"] });
    }
    throw err;
  }
}

/** Reverses an entry today with a reason. Once only; a reversal is never reversed. */
export async function reverseLedgerEntry(actor: Actor, id: number, reason: string) {
  requirePermission(actor, "ledger:post");
  return transaction("ledger.reverse", async (tx) => {
    const e = await tx.selectFrom("ledger_entries").select(["id"]).where("id", "=", id).executeTakeFirst();
    if (!e) throw new NotFoundError();
    return reverseEntry(tx, actor, id, today(), reason);
  });
}

// ---------- browsing ----------

export async function listEntries(actor: Actor, filter: LedgerListFilter) {
  requirePermission(actor, "ledger:read");
  if (filter.dealerId) await assertDealerInScope(db, actor, filter.dealerId);
  const base = entriesQuery(db, actor, filter);
  let rowsQ = base.select(entryColumns);
  const withRunning = !!filter.dealerId && !filter.type && !filter.q;
  const [rows, total] = await Promise.all([
    (withRunning ? rowsQ.select(runningBalance.as("running_minor")) : (rowsQ = rowsQ.select(sql<string | null>`NULL`.as("running_minor"))))
      .orderBy("e.business_date", "desc")
      .orderBy("e.created_at", "desc")
      .orderBy("e.id", "desc")
      .limit(PAGE_SIZE)
      .offset((filter.page - 1) * PAGE_SIZE)
      .execute(),
    base.select([sql<number>`COUNT(*)`.as("n"), sql<string>`COALESCE(SUM(e.amount_minor), 0)`.as("sum")]).executeTakeFirst(),
  ]);
  return {
    rows: rows.map((r) => ({ ...r, running_minor: r.running_minor === null ? null : Number(r.running_minor) })),
    total: Number(total?.n ?? 0),
    sumMinor: Number(total?.sum ?? 0),
    page: filter.page,
    pageSize: PAGE_SIZE,
  };
}

export const LEDGER_CSV_HEADER = [
  "id",
  "dealer_code",
  "business_date",
  "type",
  "amount",
  "currency",
  "due_date",
  "description",
  "reference",
  "fee_type",
  "order",
  "shipment",
  "source_type",
  "source_id",
  "reverses",
  "reversed_by",
  "posted_at",
];

/** The ledger as CSV for the filter, newest first; system descriptions in the reader's language. */
export async function* exportEntries(actor: Actor, filter: LedgerListFilter, locale: Locale) {
  requirePermission(actor, "ledger:read");
  if (filter.dealerId) await assertDealerInScope(db, actor, filter.dealerId);
  let last: { date: string; created: Date; id: number } | null = null;
  for (;;) {
    let q = entriesQuery(db, actor, filter)
      .select(entryColumns)
      .orderBy("e.business_date", "desc")
      .orderBy("e.created_at", "desc")
      .orderBy("e.id", "desc")
      .limit(1000);
    if (last) {
      const l = last;
      // "date ≤ d AND (date < d OR …)": one index range on business_date per batch (the plain OR is not).
      q = q
        .where("e.business_date", "<=", l.date)
        .where((eb) =>
          eb.or([
            eb("e.business_date", "<", l.date),
            eb.and([
              eb("e.business_date", "=", l.date),
              eb.or([eb("e.created_at", "<", l.created), eb.and([eb("e.created_at", "=", l.created), eb("e.id", "<", l.id)])]),
            ]),
          ]),
        );
    }
    const rows = await q.execute();
    if (!rows.length) return;
    yield rows.map((r) => [
      r.id,
      r.dealer_code,
      r.business_date,
      r.entry_type,
      minorToDecimal(r.amount_minor, r.currency),
      r.currency,
      r.due_date ?? "",
      describeEntry(locale, r),
      r.reference ?? "",
      r.fee_type_code ?? "",
      r.order_number ?? "",
      r.shipment_number ?? "",
      r.source_type ?? "",
      r.source_id ?? "",
      r.reverses_entry_id ?? "",
      r.reversed_by_id ?? "",
      r.created_at,
    ]);
    const z = rows[rows.length - 1]!;
    last = { date: z.business_date, created: z.created_at, id: z.id };
    if (rows.length < 1000) return;
  }
}

export async function dealerSummary(actor: Actor, dealerId: number) {
  requirePermission(actor, "ledger:read");
  await assertDealerInScope(db, actor, dealerId);
  const dealer = await db
    .selectFrom("organisations")
    .select(["id", "code", "name", "currency", "credit_limit_minor", "status"])
    .where("id", "=", dealerId)
    .where("kind", "=", "dealer")
    .executeTakeFirst();
  if (!dealer) throw new NotFoundError();
  const credit = await creditPosition(db, dealerId);
  return { dealer, credit };
}

export async function getEntry(actor: Actor, id: number) {
  requirePermission(actor, "ledger:read");
  const entry = await entriesQuery(db, actor, {})
    .leftJoin("users as u", "u.id", "e.created_by")
    .select([...entryColumns, "u.name as created_by_name"])
    .where("e.id", "=", id)
    .executeTakeFirst();
  if (!entry) throw new NotFoundError();
  const statement = await db
    .selectFrom("statement_lines as l")
    .innerJoin("statements as s", "s.id", "l.statement_id")
    .select(["s.id", "s.period", "l.line_no"])
    .where("l.ledger_entry_id", "=", id)
    .executeTakeFirst();
  const dispute = entry.dispute_id
    ? await db.selectFrom("disputes").select(["id", "statement_id", "status"]).where("id", "=", entry.dispute_id).executeTakeFirst()
    : null;
  return { entry, statement: statement ?? null, dispute: dispute ?? null, canReverse: entry.reverses_entry_id === null && entry.reversed_by_id === null };
}

// ---------- fee types ----------

export async function createFeeType(actor: Actor, input: FeeTypeInput) {
  requirePermission(actor, "ledger:post");
  try {
    await transaction("fee_type.create", async (tx) => {
      await tx.insertInto("fee_types").values({ code: input.code, name_en: input.nameEn, name_zh: input.nameZh, kind: input.kind, status: "active" }).execute();
      await audit(tx, actor, { action: "fee_type.created", entityType: "fee_type", entityId: input.code, summary: { ...input } });
    });
  } catch (err) {
    if (isDuplicate(err)) throw new ValidationError("validation.formErrors", { code: ["feeTypes.codeTaken"] });
    throw err;
  }
}

export async function setFeeTypeStatus(actor: Actor, code: string, status: "active" | "disabled") {
  requirePermission(actor, "ledger:post");
  await transaction("fee_type.status", async (tx) => {
    const r = await tx.updateTable("fee_types").set({ status }).where("code", "=", code).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new NotFoundError();
    await audit(tx, actor, { action: status === "active" ? "fee_type.enabled" : "fee_type.disabled", entityType: "fee_type", entityId: code });
  });
}

// ---------- credit limits ----------

export async function setCreditLimit(actor: Actor, dealerId: number, input: { creditLimit: number; reason: string }) {
  requirePermission(actor, "credit:edit");
  return transaction("credit_limit.change", async (tx) => {
    const before = await tx
      .selectFrom("organisations")
      .select(["id", "credit_limit_minor", "currency", "account_manager_id"])
      .where("id", "=", dealerId)
      .where("kind", "=", "dealer")
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new NotFoundError();
    if (before.credit_limit_minor === input.creditLimit) throw new ConflictError("credit.unchanged").onField("creditLimit");
    await tx.updateTable("organisations").set({ credit_limit_minor: input.creditLimit, updated_at: now() }).where("id", "=", dealerId).execute();
    const summary = { ...diff({ credit_limit_minor: before.credit_limit_minor }, { credit_limit_minor: input.creditLimit }), reason: input.reason };
    await audit(tx, actor, { action: "credit_limit.changed", entityType: "dealer", entityId: dealerId, dealerId, summary });
    await emitEvent(tx, actor, {
      type: "credit_limit.changed",
      entityType: "dealer",
      entityId: dealerId,
      dealerId,
      accountManagerId: before.account_manager_id,
      payload: { fromMinor: before.credit_limit_minor, toMinor: input.creditLimit, currency: before.currency, reason: input.reason },
    });
    return creditPosition(tx, dealerId);
  });
}

// ---------- fee and rebate query ----------

export async function feesReport(actor: Actor, filter: FeesFilter) {
  requirePermission(actor, "ledger:read");
  if (filter.dealerId) await assertDealerInScope(db, actor, filter.dealerId);
  const base = feesQuery(db, actor, filter);
  const periodExpr = sql<string>`DATE_FORMAT(e.business_date, '%Y-%m')`;
  const [summary, rows, total] = await Promise.all([
    base
      .select([
        periodExpr.as("period"),
        feeKind.as("kind"),
        "e.fee_type_code",
        "ft.name_en",
        "ft.name_zh",
        "e.currency",
        sql<number>`COUNT(*)`.as("n"),
        sql<string>`SUM(e.amount_minor)`.as("total"),
      ])
      .groupBy([periodExpr, feeKind, "e.fee_type_code", "ft.name_en", "ft.name_zh", "e.currency"])
      .orderBy(periodExpr, "desc")
      .orderBy(feeKind)
      .orderBy("e.fee_type_code")
      .execute(),
    feeLines(db, actor, filter)
      .limit(PAGE_SIZE)
      .offset((filter.page - 1) * PAGE_SIZE)
      .execute(),
    base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst(),
  ]);
  const summaryRows = summary.map((s) => ({ ...s, n: Number(s.n), total: Number(s.total) }));
  const totals = { fee: 0, rebate: 0 };
  for (const s of summaryRows) totals[s.kind === "rebate" ? "rebate" : "fee"] += s.total;
  return { summary: summaryRows, totals, rows, total: Number(total?.n ?? 0), page: filter.page, pageSize: PAGE_SIZE };
}

export const FEES_CSV_HEADER = ["period", "business_date", "dealer_code", "kind", "fee_type", "entry_type", "description", "reference", "amount", "currency"];

/** Fees and rebates as CSV; system descriptions in the reader's language. */
export async function* exportFees(actor: Actor, filter: FeesFilter, locale: Locale) {
  requirePermission(actor, "ledger:read");
  if (filter.dealerId) await assertDealerInScope(db, actor, filter.dealerId);
  let offset = 0;
  for (;;) {
    const rows = await feeLines(db, actor, filter).limit(1000).offset(offset).execute();
    if (!rows.length) return;
    yield rows.map((r) => [
      r.business_date.slice(0, 7),
      r.business_date,
      r.dealer_code,
      r.kind,
      r.fee_type_code ?? "",
      r.entry_type,
      describeEntry(locale, r),
      r.reference ?? "",
      minorToDecimal(r.amount_minor, r.currency),
      r.currency,
    ]);
    if (rows.length < 1000) return;
    offset += 1000;
  }
}

/**
 * What happened on the dealer's account since its last statement (the open
 * period): the dealer sees payments, fees and dispute credit notes before the
 * next statement is issued.
 */
export async function openPeriodActivity(actor: Actor, dealerId: number) {
  requirePermission(actor, "ledger:read");
  await assertDealerInScope(db, actor, dealerId);
  const last = await db
    .selectFrom("statements")
    .select(["period", "period_end", "closing_minor"])
    .where("dealer_id", "=", dealerId)
    .orderBy("period", "desc")
    .limit(1)
    .executeTakeFirst();
  const since = last ? addDays(last.period_end, 1) : undefined;
  const base = entriesQuery(db, actor, { dealerId, from: since });
  const [rows, total] = await Promise.all([
    base.select(entryColumns).orderBy("e.business_date", "desc").orderBy("e.created_at", "desc").orderBy("e.id", "desc").limit(100).execute(),
    base.select([sql<number>`COUNT(*)`.as("n"), sql<string>`COALESCE(SUM(e.amount_minor), 0)`.as("sum")]).executeTakeFirst(),
  ]);
  return {
    since: since ?? null,
    lastPeriod: last?.period ?? null,
    openingMinor: last?.closing_minor ?? 0,
    movementMinor: Number(total?.sum ?? 0),
    count: Number(total?.n ?? 0),
    rows,
  };
}

/**
 * Sell-out files (decision 138): CSV (UTF-8 with or without BOM, or GB18030/GBK as Chinese spreadsheets
 * save it) or Excel .xlsx (read and written with exceljs), one period per upload. Every row is validated
 * first and errors are kept per line and column as message keys, shown in the reader's language. "Import
 * nothing unless all valid" writes nothing when any row is wrong; "import the valid rows" writes those.
 *
 * Writes are bounded: chunks of CHUNK rows, each its own short transaction that locks the period row and
 * re-checks it is still open, so a 10,000-row file never holds one long transaction (the portal runs on
 * Galera, where a large write set certifies slowly and conflicts late). Lines are upserts keyed by
 * period × SKU × segment, so running the same file again after an interruption converges on the same
 * result. Progress goes to import_jobs (kind 'sellout') as the catalog import's does.
 */
import ExcelJS from "exceljs";
import { sql } from "kysely";
import type { MessageKey } from "~/i18n";
import { db } from "../../../db/client";
import { audit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/actor";
import { requireDealerAccess } from "~/modules/auth/access.server";
import { decodeUtf8OrGb18030, parseCsv, unguardCell } from "~/modules/catalog/csv";
import { createImportJob, failImportJob, finishImportJob, importProgress, storedErrors, type ImportRowError } from "~/modules/catalog/import-jobs.server";
import { env } from "~/utils/env.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { parseMoney } from "~/utils/money";
import { now, todayIn } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { hasEnded, isFrequency, parsePeriodKey } from "./period";
import { MAX_REGION, MAX_REVENUE_MINOR, MAX_UNITS, SELLOUT_COLUMNS, type ImportMode, type SelloutColumn } from "./sellout.schema";
import { dealerRow, skusBoughtBy } from "./sellout.queries.server";
import { markReported, segmentOf, upsertStock } from "./sellout.server";
import { forgetFigures, restateAfterSelloutWrite } from "./sellout.derived.server";

const MAX_ROWS = 100_000;
export const CHUNK = 500;

/** Column names a file may use, beside the codes and the template's headings. */
const ALIASES: Record<SelloutColumn, string[]> = {
  sku: ["sku", "物料编码", "物料号", "产品编码", "型号", "item", "product"],
  units_sold: ["units_sold", "销量", "销售数量", "数量", "qty", "quantity"],
  revenue: ["revenue", "销售额", "销售金额", "金额", "sales", "amount"],
  units_on_hand: ["units_on_hand", "期末库存", "库存", "on_hand", "stock"],
  key_account: ["key_account", "大客户信用代码", "大客户", "统一社会信用代码", "credit_code"],
  region: ["region", "区域", "地区"],
};
const normalise = (h: string) =>
  h
    .replace(/^\uFEFF/, "")
    .trim()
    .toLowerCase();
const COLUMN_OF = new Map<string, SelloutColumn>();
for (const c of SELLOUT_COLUMNS) for (const name of [c.code, c.zh, c.en, ...ALIASES[c.code]]) COLUMN_OF.set(normalise(name), c.code);

type Row = { line: number; get: (col: SelloutColumn) => string };

const fileError = (key: MessageKey, params?: Record<string, string | number>) => new ValidationError(key, { file: [key] }, params);

function isXlsx(bytes: Uint8Array) {
  return bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** A cell of a worksheet as the text a person sees (numbers with cents kept exact). */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (Number.isInteger(v)) return String(v);
    const cents = Math.round(v * 100);
    return Math.abs(v * 100 - cents) < 1e-6 ? (cents / 100).toFixed(2) : String(v);
  }
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "1" : "0";
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "object") {
    if ("richText" in v) return v.richText.map((r) => r.text).join("");
    if ("result" in v) return cellText((v as { result?: ExcelJS.CellValue }).result ?? null);
    if ("text" in v) return String((v as { text: unknown }).text);
  }
  return "";
}

async function readRecords(bytes: Uint8Array): Promise<{ line: number; cells: string[] }[]> {
  if (isXlsx(bytes)) {
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as Parameters<typeof wb.xlsx.load>[0]);
    } catch {
      throw fileError("sellout.import.badWorkbook");
    }
    const ws = wb.worksheets[0];
    if (!ws) throw fileError("import.empty");
    const out: { line: number; cells: string[] }[] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const values = (row.values as ExcelJS.CellValue[]).slice(1).map((v) => cellText(v ?? null));
      if (values.some((c) => c.trim() !== "")) out.push({ line: rowNumber, cells: values });
    });
    return out;
  }
  const decoded = decodeUtf8OrGb18030(bytes);
  if (!decoded.ok) throw fileError("import.empty");
  const { records, unterminatedAt } = parseCsv(decoded.text);
  if (unterminatedAt !== null) throw fileError("import.unterminated", { line: unterminatedAt });
  return records.filter((r) => r.cells.some((c) => c.trim() !== ""));
}

/** File-level checks (size, format, header); throws a localized ValidationError on the file field. */
async function readSelloutFile(bytes: Uint8Array): Promise<Row[]> {
  const limit = env().UPLOAD_LIMIT_BYTES;
  if (bytes.length > limit) throw fileError("import.tooLarge", { max: Math.floor(limit / 1_048_576) || 1 });
  if (bytes.length === 0) throw fileError("import.empty");
  const records = await readRecords(bytes);
  if (!records.length) throw fileError("import.empty");
  const header = records[0]!.cells.map((h) => COLUMN_OF.get(normalise(h)) ?? null);
  const index = new Map<SelloutColumn, number>();
  for (const [i, c] of header.entries()) {
    if (!c) continue;
    if (index.has(c)) throw fileError("import.duplicateColumn", { column: c });
    index.set(c, i);
  }
  if (!index.has("sku")) throw fileError("import.missingColumns", { columns: "sku" });
  if (!index.has("units_sold") && !index.has("revenue") && !index.has("units_on_hand"))
    throw fileError("import.missingColumns", { columns: "units_sold, revenue, units_on_hand" });
  const body = records.slice(1);
  if (!body.length) throw fileError("import.noRows");
  if (body.length > MAX_ROWS) throw fileError("import.tooManyRows", { max: MAX_ROWS });
  return body.map((r) => ({
    line: r.line,
    get: (col) => {
      const i = index.get(col);
      return i === undefined ? "" : unguardCell((r.cells[i] ?? "").trim());
    },
  }));
}

type Valid = {
  line: number;
  productId: number;
  segment: string;
  keyAccountId: number | null;
  region: string;
  sales: { units: number; revenue: number } | null;
  onHand: number | null;
};

const chunks = <T>(a: T[], n: number) => Array.from({ length: Math.ceil(a.length / n) }, (_, i) => a.slice(i * n, i * n + n));

async function validate(rows: Row[], currency: string, onProgress: (n: number) => Promise<void>) {
  const skus = [...new Set(rows.map((r) => r.get("sku").toUpperCase()).filter(Boolean))];
  const productOf = new Map<string, number>();
  for (const part of chunks(skus, 1000))
    for (const p of await db.selectFrom("products").select(["id", "sku"]).where("sku", "in", part).execute()) productOf.set(p.sku.toUpperCase(), p.id);
  const codes = [...new Set(rows.map((r) => r.get("key_account").toUpperCase()).filter(Boolean))];
  const accountOf = new Map<string, number>();
  for (const part of chunks(codes, 1000))
    for (const k of await db.selectFrom("key_accounts").select(["id", "credit_code"]).where("credit_code", "in", part).execute())
      if (k.credit_code) accountOf.set(k.credit_code.toUpperCase(), k.id);
  const seen = new Map<string, number>();
  const onHandSeen = new Map<number, { value: number; line: number }>();
  const valid: Valid[] = [];
  const errors: ImportRowError[] = [];
  let processed = 0;
  for (const row of rows) {
    const rowErrors: ImportRowError[] = [];
    const err = (column: string, key: MessageKey, params?: Record<string, string | number>) => rowErrors.push({ line: row.line, column, key, params });
    const whole = (col: SelloutColumn): number | null | undefined => {
      const v = row.get(col).replace(/,/g, "");
      if (!v) return null;
      if (/^-\d+(\.\d+)?$/.test(v)) return void err(col, "import.notNegative");
      if (!/^\d{1,9}$/.test(v) || Number(v) > MAX_UNITS) return void err(col, "import.wholeNumber");
      return Number(v);
    };
    const sku = row.get("sku").toUpperCase();
    const productId = productOf.get(sku);
    if (!sku) err("sku", "import.required");
    else if (!productId) err("sku", "import.unknownSku", { value: sku });
    const units = whole("units_sold");
    const revenueText = row.get("revenue");
    let revenue: number | null = null;
    if (revenueText) {
      const m = parseMoney(revenueText, currency, { max: MAX_REVENUE_MINOR });
      if (m.ok) revenue = m.minor;
      else err("revenue", m.reason === "decimals" ? "import.moneyDecimals" : revenueText.startsWith("-") ? "import.notNegative" : "import.money");
    }
    const onHand = whole("units_on_hand");
    if (units !== null && units !== undefined && !revenueText) err("revenue", "import.required");
    if (revenueText && units === null) err("units_sold", "import.required");
    const code = row.get("key_account").toUpperCase();
    const keyAccountId = code ? (accountOf.get(code) ?? null) : null;
    if (code && !keyAccountId) err("key_account", "sellout.import.unknownKeyAccount", { value: code });
    const region = row.get("region");
    if ([...region].length > MAX_REGION) err("region", "import.tooLong", { max: MAX_REGION });
    const segment = segmentOf(keyAccountId, region);
    const hasSales = units !== null && units !== undefined && revenue !== null;
    if (productId && hasSales) {
      const k = `${productId}:${segment}`;
      if (seen.has(k)) err("sku", "sellout.import.duplicateLine", { first: seen.get(k)! });
      else seen.set(k, row.line);
    }
    if (productId && typeof onHand === "number") {
      const first = onHandSeen.get(productId);
      if (first && first.value !== onHand) err("units_on_hand", "sellout.import.onHandConflict", { first: first.line });
      else if (!first) onHandSeen.set(productId, { value: onHand, line: row.line });
    }
    if (units === null && !revenueText && onHand === null && !rowErrors.length) err("units_sold", "sellout.import.noFigures");
    if (rowErrors.length) errors.push(...rowErrors);
    else
      valid.push({
        line: row.line,
        productId: productId!,
        segment,
        keyAccountId,
        region,
        sales: hasSales ? { units: units!, revenue: revenue! } : null,
        onHand: typeof onHand === "number" ? onHand : null,
      });
    if (++processed % 2000 === 0) await onProgress(processed);
  }
  await onProgress(processed);
  return { valid, errors };
}

/** Imports a sell-out file into one open, ended period of the dealer; returns the job id (its row holds the outcome). */
export async function importSellout(actor: Actor, dealerId: number, input: { period: string; mode: ImportMode; filename: string; bytes: Uint8Array }) {
  const dealer = await dealerRow(db, dealerId);
  if (!dealer) throw new NotFoundError();
  await requireDealerAccess(db, actor, "sellout:report", dealerId);
  const period = parsePeriodKey(input.period);
  const frequency = isFrequency(dealer.frequency) ? dealer.frequency : "month";
  if (!period || !hasEnded(period, todayIn(env().BUSINESS_TZ)))
    throw new ValidationError("validation.formErrors", { period: ["sellout.import.periodNotEnded"] });
  const existing = await db.selectFrom("sellout_periods").selectAll().where("dealer_id", "=", dealerId).where("period_key", "=", period.key).executeTakeFirst();
  if (!existing && period.frequency !== frequency) throw new ValidationError("validation.formErrors", { period: ["sellout.wrongFrequency"] });
  if (existing?.status === "closed") throw new ValidationError("validation.formErrors", { period: ["sellout.closed"] });
  const rows = await readSelloutFile(input.bytes);

  const jobId = await createImportJob(actor, {
    kind: "sellout",
    filename: input.filename,
    mode: input.mode,
    totalRows: rows.length,
    dealerId,
    target: period.key,
  });
  try {
    const { valid, errors } = await validate(rows, dealer.currency, (n) => importProgress(jobId, { processed_rows: n }));
    if (errors.length && input.mode === "all_or_nothing") {
      await finishImportJob(jobId, "rejected", 0, rows.length, errors);
      await audit(db, actor, {
        action: "import.sellout.rejected",
        entityType: "import_job",
        entityId: jobId,
        dealerId,
        summary: { filename: input.filename, period: period.key, errors: errors.length },
      });
      return { jobId };
    }
    let written = 0;
    let periodId = existing?.id ?? 0;
    for (const part of chunks(valid, CHUNK)) {
      try {
        periodId = await transaction("import.sellout.chunk", async (tx) => {
          if (!existing)
            await tx
              .insertInto("sellout_periods")
              .values({
                dealer_id: dealerId,
                period_key: period.key,
                frequency: period.frequency,
                starts_on: period.start,
                ends_on: period.end,
                currency: dealer.currency,
              })
              .onDuplicateKeyUpdate({ period_key: sql`period_key` })
              .execute();
          const p = await tx
            .selectFrom("sellout_periods")
            .select(["id", "status", "reported_at"])
            .where("dealer_id", "=", dealerId)
            .where("period_key", "=", period.key)
            .forUpdate()
            .executeTakeFirstOrThrow();
          if (p.status === "closed") throw new ConflictError("sellout.closed");
          const at = now();
          const sales = part.filter((v) => v.sales);
          if (sales.length)
            await tx
              .insertInto("sellout_lines")
              .values(
                sales.map((v) => ({
                  period_id: p.id,
                  dealer_id: dealerId,
                  product_id: v.productId,
                  segment: v.segment,
                  key_account_id: v.keyAccountId,
                  region: v.region,
                  units_sold: v.sales!.units,
                  revenue_minor: v.sales!.revenue,
                  updated_by: actor.userId,
                  updated_at: at,
                })),
              )
              .onDuplicateKeyUpdate({
                units_sold: sql`VALUES(units_sold)`,
                revenue_minor: sql`VALUES(revenue_minor)`,
                updated_by: sql`VALUES(updated_by)`,
                updated_at: sql`VALUES(updated_at)`,
              })
              .execute();
          const stock = new Map<number, number>();
          for (const v of part) if (v.onHand !== null) stock.set(v.productId, v.onHand);
          await upsertStock(
            tx,
            actor,
            p.id,
            dealerId,
            [...stock].map(([productId, onHand]) => ({ productId, onHand })),
          );
          await markReported(tx, actor, p.id, p.reported_at, at);
          await forgetFigures(tx, p.id);
          return p.id;
        });
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        // Closed while the file was being written: what was committed stays (the closer saw it), the rest is reported.
        for (const v of valid.slice(written)) errors.push({ line: v.line, column: "", key: "sellout.import.closedMidway" });
        break;
      }
      written += part.length;
      await importProgress(jobId, { written_rows: written });
    }
    if (periodId) await transaction("import.sellout.figures", (tx) => restateAfterSelloutWrite(tx, periodId));
    await finishImportJob(jobId, errors.length ? (written ? "partial" : "rejected") : "succeeded", written, rows.length, errors);
    await audit(db, actor, {
      action: "import.sellout",
      entityType: "import_job",
      entityId: jobId,
      dealerId,
      summary: { filename: input.filename, period: period.key, periodId, rows: rows.length, written, skipped: errors.length, mode: input.mode },
    });
    return { jobId };
  } catch (err) {
    await failImportJob(jobId);
    throw err;
  }
}

export type SelloutImportView = {
  id: number;
  status: string;
  mode: string;
  filename: string;
  period: string | null;
  total_rows: number;
  processed_rows: number;
  written_rows: number;
  error_count: number;
  errors: ImportRowError[];
  created_at: Date;
  finished_at: Date | null;
};

export async function getSelloutImport(actor: Actor, dealerId: number, jobId: number): Promise<SelloutImportView> {
  await requireDealerAccess(db, actor, "sellout:view", dealerId);
  const job = await db
    .selectFrom("import_jobs")
    .selectAll()
    .where("id", "=", jobId)
    .where("kind", "=", "sellout")
    .where("dealer_id", "=", dealerId)
    .executeTakeFirst();
  if (!job) throw new NotFoundError();
  return {
    id: job.id,
    status: job.status,
    mode: job.mode,
    filename: job.filename,
    period: job.target,
    total_rows: job.total_rows,
    processed_rows: job.processed_rows,
    written_rows: job.written_rows,
    error_count: job.error_count,
    errors: storedErrors(job.errors),
    created_at: job.created_at,
    finished_at: job.finished_at,
  };
}

/** The dealer's recent imports, and the actor's latest (polled for the progress bar while an upload runs). */
export async function recentSelloutImports(actor: Actor, dealerId: number) {
  await requireDealerAccess(db, actor, "sellout:view", dealerId);
  return db
    .selectFrom("import_jobs as j")
    .leftJoin("users as u", "u.id", "j.created_by")
    .select([
      "j.id",
      "j.status",
      "j.mode",
      "j.filename",
      "j.target",
      "j.total_rows",
      "j.processed_rows",
      "j.written_rows",
      "j.error_count",
      "j.created_at",
      "j.created_by",
      "u.name as created_by_name",
    ])
    .where("j.kind", "=", "sellout")
    .where("j.dealer_id", "=", dealerId)
    .orderBy("j.created_at", "desc")
    .orderBy("j.id", "desc")
    .limit(10)
    .execute();
}

// ---------------------------------------------------------------- templates

/** The template's heading row in the reader's language, and the dealer's SKUs of the last year (one row each, figures empty). */
async function templateRows(dealerId: number, locale: string) {
  const header = SELLOUT_COLUMNS.map((c) => (locale === "zh-CN" ? c.zh : c.code));
  const since = new Date(now().getTime() - 366 * 86_400_000);
  const skus = await skusBoughtBy(db, dealerId, since);
  return { header, rows: skus.map((s) => [s.sku, "", "", "", "", ""]) };
}

export async function selloutTemplate(
  actor: Actor,
  dealerId: number,
  format: "csv" | "xlsx",
): Promise<{ body: Uint8Array; contentType: string; filename: string }> {
  await requireDealerAccess(db, actor, "sellout:view", dealerId);
  const { header, rows } = await templateRows(dealerId, actor.locale);
  if (format === "csv") {
    const esc = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
    const text = `\uFEFF${[header, ...rows].map((r) => r.map(esc).join(",")).join("\r\n")}\r\n`;
    return { body: new TextEncoder().encode(text), contentType: "text/csv; charset=utf-8", filename: "sellout-template.csv" };
  }
  const wb = new ExcelJS.Workbook();
  wb.creator = "Dealer Desk";
  const ws = wb.addWorksheet(actor.locale === "zh-CN" ? "销量上报" : "Sell-out");
  ws.addRow(header);
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  ws.columns.forEach((c, i) => {
    c.width = i === 4 ? 24 : 16;
  });
  ws.views = [{ state: "frozen", ySplit: 1 }];
  const buf = await wb.xlsx.writeBuffer();
  return {
    body: new Uint8Array(buf as ArrayBuffer),
    contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    filename: "sellout-template.xlsx",
  };
}

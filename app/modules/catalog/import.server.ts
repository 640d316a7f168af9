/**
 * CSV imports of products and stock levels (ops, admin). Every row is
 * validated first and errors are reported by line and column; nothing is
 * written unless the whole file is valid, or the user chose "import valid rows".
 * Writes are set-based (multi-row INSERT … ON DUPLICATE KEY UPDATE in chunks)
 * inside one transaction; progress goes to import_jobs on its own connection so
 * the progress page can poll it while the request runs.
 */
import type { MessageKey } from "~/i18n";
import { sql, type Selectable } from "kysely";
import { db, type Tx } from "../../../db/client";
import type { Products } from "../../../db/types";
import { audit } from "~/modules/audit/audit.server";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { stockArrived } from "~/modules/stock/arrivals.server";
import { setCountedLevels, syncAlertEligible } from "~/modules/stock/movements.server";
import { env } from "~/utils/env.server";
import { NotFoundError, ValidationError } from "~/utils/errors";
import { parseMoney } from "~/utils/money";
import { now } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { lockCatalogVersion } from "./catalog.queries.server";
import { catalogChanged } from "./catalog.derived.server";
import { IMAGE_PATH_RE, IMPORT_KINDS, PRODUCT_STATUSES, SKU_RE, TIERS, type ImportKind, type ImportMode } from "./catalog.schema";
import { decodeUtf8, parseCsv, unguardCell } from "./csv";
import { checkOptionsSchemaJson } from "./options.server";
import { createImportJob, failImportJob, finishImportJob, importProgress, storedErrors, type ImportRowError } from "./import-jobs.server";

const MAX_IMPORT_ROWS = 100_000;
const CHUNK = 500;

const REQUIRED: Record<ImportKind, readonly string[]> = {
  products: ["sku", "name_zh", "name_en", "category", "product_line", "unit", "list_price"],
  stock: ["sku", "warehouse", "on_hand"],
};

type Table = { header: string[]; rows: { line: number; get: (col: string) => string; has: (col: string) => boolean }[] };

/** File-level checks (size, encoding, empty, header); throws a localized ValidationError on the file field. */
function readImportFile(kind: ImportKind, bytes: Uint8Array): Table {
  const limit = env().UPLOAD_LIMIT_BYTES;
  const fileError = (key: MessageKey, params?: Record<string, string | number>) => new ValidationError(key, { file: [key] }, params);
  if (bytes.length > limit) throw fileError("import.tooLarge", { max: Math.floor(limit / 1_048_576) || 1 });
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) throw fileError(decoded.reason === "empty" ? "import.empty" : "import.encoding");
  const { records, unterminatedAt } = parseCsv(decoded.text);
  if (unterminatedAt !== null) throw fileError("import.unterminated", { line: unterminatedAt });
  if (!records.length) throw fileError("import.empty");
  const header = records[0]!.cells.map((c) => c.trim().toLowerCase());
  const missing = REQUIRED[kind].filter((c) => !header.includes(c));
  if (missing.length) throw fileError("import.missingColumns", { columns: missing.join(", ") });
  const dup = header.find((h, i) => h !== "" && header.indexOf(h) !== i);
  if (dup) throw fileError("import.duplicateColumn", { column: dup });
  const dataRows = records.slice(1);
  if (!dataRows.length) throw fileError("import.noRows");
  if (dataRows.length > MAX_IMPORT_ROWS) throw fileError("import.tooManyRows", { max: MAX_IMPORT_ROWS });
  const index = new Map(header.map((h, i) => [h, i]));
  return {
    header,
    rows: dataRows.map((r) => ({
      line: r.line,
      get: (col: string) => {
        const i = index.get(col);
        return i === undefined ? "" : unguardCell((r.cells[i] ?? "").trim());
      },
      has: (col: string) => index.has(col),
    })),
  };
}

type Writer<T> = (
  tx: Tx,
  valid: { line: number; value: T }[],
  onChunk: (n: number) => Promise<void>,
) => Promise<{ written: number; lateErrors: ImportRowError[] }>;

/** Runs an import end to end and returns its job id; the job row holds the outcome. */
export async function runImport(actor: Actor, input: { kind: ImportKind; mode: ImportMode; filename: string; bytes: Uint8Array }): Promise<{ jobId: number }> {
  requirePermission(actor, "stock:import");
  const table = readImportFile(input.kind, input.bytes);
  const jobId = await createImportJob(actor, { kind: input.kind, filename: input.filename, mode: input.mode, totalRows: table.rows.length });
  try {
    if (input.kind === "products") await pipeline(actor, jobId, input, table, await validateProducts(jobId, table), writeProducts(table));
    else {
      const validated = await validateStock(jobId, table);
      const written = await pipeline(actor, jobId, input, table, validated, writeStock(actor, jobId));
      if (written > 0) await allocateImportedStock(actor, jobId, [...new Set(validated.valid.map((v) => v.value.productId))]);
    }
  } catch (err) {
    await failImportJob(jobId);
    throw err;
  }
  return { jobId };
}

/** Validated rows → one transaction; returns the rows written (0 when the file was rejected). */
async function pipeline<T>(
  actor: Actor,
  jobId: number,
  input: { kind: ImportKind; mode: ImportMode; filename: string },
  table: Table,
  validated: { valid: { line: number; value: T }[]; errors: ImportRowError[] },
  write: Writer<T>,
): Promise<number> {
  const errors = [...validated.errors];
  const finish = (status: string, written: number, errs: ImportRowError[]) => finishImportJob(jobId, status, written, table.rows.length, errs);
  if (errors.length && input.mode === "all_or_nothing") {
    await finish("rejected", 0, errors);
    await audit(db, actor, {
      action: `import.${input.kind}.rejected`,
      entityType: "import_job",
      entityId: jobId,
      summary: { filename: input.filename, errors: errors.length },
    });
    return 0;
  }
  // One transaction: a failure midway (or a count below reserved in all-or-nothing mode) leaves nothing behind.
  class Abort extends Error {
    constructor(readonly errors: ImportRowError[]) {
      super("import aborted");
    }
  }
  try {
    const { written } = await transaction(`import.${input.kind}`, async (tx) => {
      const r = await write(tx, validated.valid, (n) => importProgress(jobId, { written_rows: n }));
      if (r.lateErrors.length) {
        if (input.mode === "all_or_nothing") throw new Abort(r.lateErrors);
        errors.push(...r.lateErrors);
      }
      await audit(tx, actor, {
        action: `import.${input.kind}`,
        entityType: "import_job",
        entityId: jobId,
        summary: { filename: input.filename, rows: table.rows.length, written: r.written, skipped: errors.length, mode: input.mode },
      });
      return r;
    });
    await finish(errors.length ? "partial" : "succeeded", written, errors);
    return written;
  } catch (err) {
    if (err instanceof Abort) {
      await finish("rejected", 0, [...errors, ...err.errors]);
      return 0;
    }
    throw err;
  }
}

/**
 * After a stock import committed, what arrived goes to approved orders waiting for it
 * (oldest approval first), as a receipt does: one transaction per product that has
 * backordered lines, so no order stays locked for the whole file. The job keeps the
 * units reserved. If this stops midway, the levels stand and "Check stock for
 * backorders" (or the next receipt) reserves the rest.
 */
async function allocateImportedStock(actor: Actor, jobId: number, productIds: number[]) {
  const waiting: number[] = [];
  for (let i = 0; i < productIds.length; i += 1000) {
    const rows = await db
      .selectFrom("order_lines as l")
      .innerJoin("orders as o", "o.id", "l.order_id")
      .select("l.product_id")
      .distinct()
      .where("l.backordered_qty", ">", 0)
      .where("l.product_id", "in", productIds.slice(i, i + 1000))
      .where("o.status", "in", ["approved", "partially_shipped"])
      .execute();
    waiting.push(...rows.map((r) => r.product_id));
  }
  if (!waiting.length) return;
  let units = 0;
  for (const productId of waiting.sort((a, b) => a - b)) units += await transaction("import.stock.allocate", (tx) => stockArrived(tx, actor, productId));
  await db.updateTable("import_jobs").set({ allocated_units: units }).where("id", "=", jobId).execute();
  if (units > 0)
    await audit(db, actor, {
      action: "import.stock.backorders_reserved",
      entityType: "import_job",
      entityId: jobId,
      summary: { products: waiting.length, units },
    });
}

// ---------- products ----------

/** A validated product line of a file: the product's columns as stored, plus its tier prices. */
type ProductRow = Pick<
  Selectable<Products>,
  | "sku"
  | "name_zh"
  | "name_en"
  | "description_zh"
  | "description_en"
  | "category_code"
  | "product_line_code"
  | "unit"
  | "list_price_minor"
  | "currency"
  | "status"
  | "made_to_order"
  | "lead_time_days"
  | "options_schema"
  | "image_path"
> & { prices: Record<string, number | null> };

const FLAG_TRUE = new Set(["1", "true", "yes", "y", "是"]);
const FLAG_FALSE = new Set(["0", "false", "no", "n", "否", ""]);

async function validateProducts(jobId: number, table: Table) {
  const [cats, lines] = await Promise.all([db.selectFrom("categories").select("code").execute(), db.selectFrom("product_lines").select("code").execute()]);
  const catSet = new Set(cats.map((c) => c.code));
  const lineSet = new Set(lines.map((c) => c.code));
  const defaultCurrency = env().DEFAULT_CURRENCY;
  const seen = new Map<string, number>();
  const valid: { line: number; value: ProductRow }[] = [];
  const errors: ImportRowError[] = [];
  let processed = 0;
  for (const row of table.rows) {
    const rowErrors: ImportRowError[] = [];
    const err = (column: string, key: string, params?: Record<string, string | number>) => rowErrors.push({ line: row.line, column, key, params });
    const text = (col: string, max: number, required: boolean) => {
      const v = row.get(col);
      if (!v) {
        if (required) err(col, "import.required");
        return null;
      }
      if ([...v].length > max) err(col, "import.tooLong", { max });
      return v;
    };
    const sku = row.get("sku").toUpperCase();
    if (!sku) err("sku", "import.required");
    else if (!SKU_RE.test(sku)) err("sku", "import.skuFormat");
    else if (seen.has(sku)) err("sku", "import.duplicateSku", { first: seen.get(sku)! });
    else seen.set(sku, row.line);
    const nameZh = text("name_zh", 200, true);
    const nameEn = text("name_en", 200, true);
    const descZh = text("description_zh", 5000, false);
    const descEn = text("description_en", 5000, false);
    const category = row.get("category");
    if (!category) err("category", "import.required");
    else if (!catSet.has(category)) err("category", "import.unknownCategory", { value: category });
    const line = row.get("product_line");
    if (!line) err("product_line", "import.required");
    else if (!lineSet.has(line)) err("product_line", "import.unknownLine", { value: line });
    const unit = text("unit", 16, true);
    const currency = (row.get("currency") || defaultCurrency).toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) err("currency", "import.currency");
    const money = (col: string, required: boolean): number | null => {
      const v = row.get(col);
      if (!v) {
        if (required) err(col, "import.required");
        return null;
      }
      const m = parseMoney(v, /^[A-Z]{3}$/.test(currency) ? currency : "CNY", { max: 100_000_000_00 });
      if (!m.ok) {
        err(col, m.reason === "decimals" ? "import.moneyDecimals" : v.trim().startsWith("-") ? "import.notNegative" : "import.money");
        return null;
      }
      return m.minor;
    };
    const listPrice = money("list_price", true);
    const prices: Record<string, number | null> = {};
    for (const t of TIERS) prices[t] = money(`price_${t}`, false);
    const status = row.get("status") || "active";
    if (!(PRODUCT_STATUSES as readonly string[]).includes(status)) err("status", "import.status");
    const mtoRaw = row.get("made_to_order").toLowerCase();
    let mto = 0;
    if (FLAG_TRUE.has(mtoRaw)) mto = 1;
    else if (!FLAG_FALSE.has(mtoRaw)) err("made_to_order", "import.flag");
    const leadRaw = row.get("lead_time_days");
    let lead: number | null = null;
    if (leadRaw) {
      if (/^-\d+$/.test(leadRaw)) err("lead_time_days", "import.notNegative");
      else if (!/^\d+$/.test(leadRaw)) err("lead_time_days", "import.wholeNumber");
      else if (Number(leadRaw) > 365) err("lead_time_days", "import.leadTimeRange");
      else lead = Number(leadRaw);
    } else if (mto) err("lead_time_days", "import.leadTimeRequired");
    const optionsRaw = row.get("options_schema");
    let options: string | null = null;
    if (optionsRaw) {
      const r = checkOptionsSchemaJson(optionsRaw);
      if (r.ok) options = r.json;
      else err("options_schema", r.reason === "json" ? "import.optionsJson" : "import.optionsInvalid", { path: r.path || "—" });
    }
    const image = row.get("image_path");
    if (image && !IMAGE_PATH_RE.test(image)) err("image_path", "import.imagePath");
    if (rowErrors.length) errors.push(...rowErrors);
    else
      valid.push({
        line: row.line,
        value: {
          sku,
          name_zh: nameZh!,
          name_en: nameEn!,
          description_zh: descZh,
          description_en: descEn,
          category_code: category,
          product_line_code: line,
          unit: unit!,
          list_price_minor: listPrice!,
          currency,
          status,
          made_to_order: mto,
          lead_time_days: lead,
          options_schema: options,
          image_path: image || null,
          prices,
        },
      });
    if (++processed % 2000 === 0) await importProgress(jobId, { processed_rows: processed });
  }
  await importProgress(jobId, { processed_rows: processed });
  return { valid, errors };
}

/** Columns an import updates on existing products: only those present in the file (plus the required ones). */
function writeProducts(table: Table): Writer<ProductRow> {
  const present = (c: string) => table.header.includes(c);
  const optional: [string, keyof ProductRow][] = [
    ["description_zh", "description_zh"],
    ["description_en", "description_en"],
    ["currency", "currency"],
    ["status", "status"],
    ["made_to_order", "made_to_order"],
    ["lead_time_days", "lead_time_days"],
    ["options_schema", "options_schema"],
    ["image_path", "image_path"],
  ];
  const updateCols = [
    "name_zh",
    "name_en",
    "category_code",
    "product_line_code",
    "unit",
    "list_price_minor",
    ...optional.filter(([c]) => present(c)).map(([, k]) => k),
  ];
  const tiersPresent = TIERS.filter((t) => present(`price_${t}`));
  return async (tx, valid, onChunk) => {
    let written = 0;
    await lockCatalogVersion(tx);
    for (let i = 0; i < valid.length; i += CHUNK) {
      const chunk = valid.slice(i, i + CHUNK).map((v) => v.value);
      const stamp = now();
      const update: Record<string, unknown> = { updated_at: stamp };
      for (const c of updateCols) update[c] = sql`VALUES(${sql.ref(c)})`;
      await tx
        .insertInto("products")
        .values(chunk.map(({ prices: _p, ...p }) => ({ ...p, created_at: stamp, updated_at: stamp })))
        .onDuplicateKeyUpdate(update)
        .execute();
      if (present("status") || present("made_to_order")) {
        const changed = await tx
          .selectFrom("products")
          .select("id")
          .where(
            "sku",
            "in",
            chunk.map((p) => p.sku),
          )
          .execute();
        await syncAlertEligible(
          tx,
          changed.map((r) => r.id),
        );
      }
      if (tiersPresent.length) {
        const ids = await tx
          .selectFrom("products")
          .select(["id", "sku"])
          .where(
            "sku",
            "in",
            chunk.map((p) => p.sku),
          )
          .execute();
        const idOf = new Map(ids.map((r) => [r.sku.toUpperCase(), r.id]));
        const productIds = ids.map((r) => r.id);
        await tx.deleteFrom("product_tier_prices").where("product_id", "in", productIds).where("tier", "in", tiersPresent).execute();
        const priceRows = chunk.flatMap((p) =>
          tiersPresent.filter((t) => p.prices[t] !== null).map((t) => ({ product_id: idOf.get(p.sku)!, tier: t, price_minor: p.prices[t]! })),
        );
        if (priceRows.length) await tx.insertInto("product_tier_prices").values(priceRows).execute();
      }
      written += chunk.length;
      await onChunk(written);
    }
    await catalogChanged(tx);
    return { written, lateErrors: [] };
  };
}

// ---------- stock levels ----------

type StockRowValue = { productId: number; warehouseId: number; onHand: number };

async function validateStock(jobId: number, table: Table) {
  const warehouses = await db.selectFrom("warehouses").select(["id", "code"]).execute();
  const whOf = new Map(warehouses.map((w) => [w.code.toUpperCase(), w.id]));
  const skus = [...new Set(table.rows.map((r) => r.get("sku").toUpperCase()).filter((s) => s && SKU_RE.test(s)))];
  const idOf = new Map<string, number>();
  for (let i = 0; i < skus.length; i += 1000) {
    const found = await db
      .selectFrom("products")
      .select(["id", "sku"])
      .where("sku", "in", skus.slice(i, i + 1000))
      .execute();
    for (const f of found) idOf.set(f.sku.toUpperCase(), f.id);
  }
  const seen = new Map<string, number>();
  const valid: { line: number; value: StockRowValue }[] = [];
  const errors: ImportRowError[] = [];
  let processed = 0;
  for (const row of table.rows) {
    const rowErrors: ImportRowError[] = [];
    const err = (column: string, key: string, params?: Record<string, string | number>) => rowErrors.push({ line: row.line, column, key, params });
    const sku = row.get("sku").toUpperCase();
    const productId = idOf.get(sku);
    if (!sku) err("sku", "import.required");
    else if (!productId) err("sku", "import.unknownSku", { value: sku });
    const code = row.get("warehouse").toUpperCase();
    const warehouseId = whOf.get(code);
    if (!code) err("warehouse", "import.required");
    else if (!warehouseId) err("warehouse", "import.unknownWarehouse", { value: code });
    const qty = row.get("on_hand");
    let onHand: number | null = null;
    if (!qty) err("on_hand", "import.required");
    else if (/^-\d+(\.\d+)?$/.test(qty)) err("on_hand", "import.notNegative");
    else if (!/^\d{1,9}$/.test(qty)) err("on_hand", "import.wholeNumber");
    else onHand = Number(qty);
    if (productId && warehouseId) {
      const key = `${productId}:${warehouseId}`;
      if (seen.has(key)) err("sku", "import.duplicateLevel", { first: seen.get(key)! });
      else seen.set(key, row.line);
    }
    if (rowErrors.length) errors.push(...rowErrors);
    else valid.push({ line: row.line, value: { productId: productId!, warehouseId: warehouseId!, onHand: onHand! } });
    if (++processed % 2000 === 0) await importProgress(jobId, { processed_rows: processed });
  }
  await importProgress(jobId, { processed_rows: processed });
  return { valid, errors };
}

function writeStock(actor: Actor, jobId: number): Writer<StockRowValue> {
  return async (tx, valid, onChunk) => {
    let written = 0;
    const lateErrors: ImportRowError[] = [];
    for (let i = 0; i < valid.length; i += CHUNK) {
      const chunk = valid.slice(i, i + CHUNK);
      const r = await setCountedLevels(
        tx,
        actor,
        chunk.map((c) => c.value),
        { refType: "import_job", refId: jobId, reason: `import #${jobId}` },
      );
      for (const b of r.belowReserved)
        lateErrors.push({ line: chunk[b.index]!.line, column: "on_hand", key: "import.belowReserved", params: { reserved: b.reserved } });
      written += r.applied;
      await onChunk(written);
    }
    return { written, lateErrors };
  };
}

// ---------- jobs ----------

export type ImportJobView = {
  id: number;
  kind: string;
  filename: string;
  status: string;
  mode: string;
  total_rows: number;
  processed_rows: number;
  written_rows: number;
  allocated_units: number | null;
  error_count: number;
  errors: ImportRowError[];
  created_at: Date;
  finished_at: Date | null;
};

export async function getImportJob(actor: Actor, id: number): Promise<ImportJobView> {
  requirePermission(actor, "stock:import");
  // Only the catalog's kinds: a dealer's sell-out import (same table) is its dealer's, read on /sellout.
  const job = await db.selectFrom("import_jobs").selectAll().where("id", "=", id).where("kind", "in", IMPORT_KINDS).executeTakeFirst();
  if (!job) throw new NotFoundError();
  return { ...job, errors: storedErrors(job.errors) };
}

/** The actor's most recent import (for the progress bar shown while an upload runs). */
export async function latestImportJob(actor: Actor) {
  requirePermission(actor, "stock:import");
  return db
    .selectFrom("import_jobs")
    .select(["id", "kind", "status", "total_rows", "processed_rows", "written_rows", "error_count", "created_at"])
    .where("created_by", "=", actor.userId)
    .where("kind", "in", IMPORT_KINDS)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
}

export async function recentImportJobs(actor: Actor) {
  requirePermission(actor, "stock:import");
  return db
    .selectFrom("import_jobs as j")
    .leftJoin("users as u", "u.id", "j.created_by")
    .select([
      "j.id",
      "j.kind",
      "j.filename",
      "j.status",
      "j.mode",
      "j.total_rows",
      "j.written_rows",
      "j.error_count",
      "j.created_at",
      "u.name as created_by_name",
    ])
    .where("j.kind", "in", IMPORT_KINDS)
    .orderBy("j.created_at", "desc")
    .orderBy("j.id", "desc")
    .limit(20)
    .execute();
}

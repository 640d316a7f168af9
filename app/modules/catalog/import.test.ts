import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor, createCast } from "../../../tests/factories";
import { createCatalogBasics, createProduct, receive } from "../../../tests/factories/catalog";
import { findStockInvariantViolations } from "~/modules/stock/movements.server";
import { stockLevelCsvBatches } from "~/modules/stock/stock.server";
import { STOCK_CSV_HEADER } from "~/modules/stock/stock.schema";
import { ForbiddenError, ValidationError } from "~/utils/errors";
import { csvLine } from "~/utils/http.server";
import { productCsvBatches } from "./catalog.server";
import { PRODUCT_CSV_HEADER } from "./catalog.schema";
import { decodeUtf8, parseCsv } from "./csv";
import { getImportJob, runImport } from "./import.server";

const enc = (s: string) => new TextEncoder().encode(s);
const BOM = "\uFEFF";
const PRODUCT_HEAD =
  "sku,name_zh,name_en,category,product_line,unit,list_price,price_platinum,price_gold,price_silver,made_to_order,lead_time_days,options_schema\r\n";

async function setup() {
  const cast = await createCast();
  const basics = await createCatalogBasics();
  return { cast, ops: actorFor(cast.staff.ops), ...basics };
}

async function collect(gen: AsyncIterable<unknown[][]>, header: readonly string[]) {
  let out = BOM + csvLine([...header]);
  for await (const batch of gen) out += batch.map(csvLine).join("");
  return out;
}

const count = async (table: "products" | "stock_levels" | "stock_movements" | "product_tier_prices") =>
  Number(
    (
      await getDb()
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("CSV reading", () => {
  it("parses quotes, embedded commas, newlines and CRLF, with line numbers", () => {
    const { records } = parseCsv('a,b\r\n"x, y","multi\nline"\r\n\r\nlast,"say ""hi"""\n');
    expect(records).toEqual([
      { line: 1, cells: ["a", "b"] },
      { line: 2, cells: ["x, y", "multi\nline"] },
      { line: 5, cells: ["last", 'say "hi"'] },
    ]);
    expect(parseCsv('a\n"open').unterminatedAt).toBe(2);
  });

  it("accepts UTF-8 with or without BOM and refuses GBK bytes", () => {
    expect(decodeUtf8(enc(`${BOM}名称`))).toEqual({ ok: true, text: "名称" });
    expect(decodeUtf8(enc("名称"))).toEqual({ ok: true, text: "名称" });
    // "名称" in GBK.
    expect(decodeUtf8(new Uint8Array([0xc3, 0xfb, 0xb3, 0xc6]))).toEqual({ ok: false, reason: "encoding" });
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf]))).toEqual({ ok: false, reason: "empty" });
  });
});

describe("stock level import", () => {
  it("rejects the whole file on any bad row, reporting line and column, and writes nothing", async () => {
    const { ops, warehouses } = await setup();
    const p = await createProduct({ sku: "AC-1" });
    await receive(p.id, warehouses.east, 5);
    const csv = [
      "sku,warehouse,on_hand",
      "AC-1,WH-SH,10", // fine
      "AC-1,WH-BJ,-3", // negative
      "AC-1,WH-GZ,2.5", // fractional
      "NOPE-9,WH-SH,1", // unknown SKU
      "AC-1,WH-XX,1", // unknown warehouse
      "ac-1,wh-sh,4", // duplicate of line 2 (case-insensitive)
      "AC-1,WH-GZ,", // required
    ].join("\r\n");
    const { jobId } = await runImport(ops, { kind: "stock", mode: "all_or_nothing", filename: "bad.csv", bytes: enc(csv) });
    const job = await getImportJob(ops, jobId);
    expect(job.status).toBe("rejected");
    expect(job.written_rows).toBe(0);
    expect(job.errors.map((e) => [e.line, e.column, e.key])).toEqual([
      [3, "on_hand", "import.notNegative"],
      [4, "on_hand", "import.wholeNumber"],
      [5, "sku", "import.unknownSku"],
      [6, "warehouse", "import.unknownWarehouse"],
      [7, "sku", "import.duplicateLevel"],
      [8, "on_hand", "import.required"],
      [8, "sku", "import.duplicateLevel"], // same level as line 4
    ]);
    expect(await count("stock_movements")).toBe(1);
    const lvl = await getDb().selectFrom("stock_levels").select("on_hand").where("product_id", "=", p.id).execute();
    expect(lvl.map((l) => l.on_hand)).toEqual([5]);
  });

  it("imports only the valid rows when asked to", async () => {
    const { ops } = await setup();
    await createProduct({ sku: "AC-1" });
    const csv = `${BOM}sku,warehouse,on_hand\nAC-1,WH-SH,10\nAC-1,WH-BJ,-3\nAC-1,WH-GZ,7\n`;
    const { jobId } = await runImport(ops, { kind: "stock", mode: "valid_rows", filename: "some.csv", bytes: enc(csv) });
    const job = await getImportJob(ops, jobId);
    expect(job).toMatchObject({ status: "partial", written_rows: 2, error_count: 1, total_rows: 3, processed_rows: 3 });
    expect(job.errors).toEqual([{ line: 3, column: "on_hand", key: "import.notNegative" }]);
    const levels = await getDb().selectFrom("stock_levels").select("on_hand").orderBy("on_hand").execute();
    expect(levels.map((l) => l.on_hand)).toEqual([7, 10]);
    expect((await findStockInvariantViolations(getDb())).mismatched).toEqual([]);
  });

  it("never sets on hand below what is reserved", async () => {
    const { ops, warehouses } = await setup();
    const p = await createProduct({ sku: "AC-1" });
    await receive(p.id, warehouses.east, 10);
    await getDb()
      .transaction()
      .execute(async (tx) => {
        const { reserveUpTo } = await import("~/modules/stock/movements.server");
        await reserveUpTo(tx, ops, { productId: p.id, warehouseId: warehouses.east, wanted: 6, refType: "order", refId: "SO-1" });
      });
    const { jobId } = await runImport(ops, {
      kind: "stock",
      mode: "all_or_nothing",
      filename: "c.csv",
      bytes: enc("sku,warehouse,on_hand\nAC-1,WH-BJ,3\nAC-1,WH-SH,4\n"),
    });
    const job = await getImportJob(ops, jobId);
    expect(job.status).toBe("rejected");
    expect(job.errors).toEqual([{ line: 3, column: "on_hand", key: "import.belowReserved", params: { reserved: 6 } }]);
    // All or nothing: the valid first row was rolled back too.
    expect(await count("stock_levels")).toBe(1);
  });

  it("refuses bad files with a clear error and changes nothing", async () => {
    const { ops } = await setup();
    await createProduct({ sku: "AC-1" });
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(), "import.empty"],
      [enc(BOM), "import.empty"],
      [enc("sku,warehouse,on_hand\r\n"), "import.noRows"],
      [new Uint8Array([...enc("sku,warehouse,on_hand\r\n"), 0xc9, 0xcf, 0xba, 0xa3, 0x2c, 0x31]), "import.encoding"],
      [enc("sku,on_hand\nAC-1,1\n"), "import.missingColumns"],
      [enc('sku,warehouse,on_hand\nAC-1,"WH-SH,1\n'), "import.unterminated"],
    ];
    for (const [bytes, key] of cases) {
      const err = await runImport(ops, { kind: "stock", mode: "valid_rows", filename: "x.csv", bytes }).catch((e: unknown) => e);
      expect(err, key).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).messageKey).toBe(key);
      expect((err as ValidationError).fieldErrors?.file).toEqual([key]);
    }
    const prev = process.env.UPLOAD_LIMIT_BYTES;
    const { resetEnv } = await import("~/utils/env.server");
    process.env.UPLOAD_LIMIT_BYTES = "2048";
    resetEnv();
    try {
      const big = enc(`sku,warehouse,on_hand\n${"AC-1,WH-SH,1\n".repeat(300)}`);
      await expect(runImport(ops, { kind: "stock", mode: "valid_rows", filename: "big.csv", bytes: big })).rejects.toMatchObject({
        messageKey: "import.tooLarge",
      });
    } finally {
      if (prev === undefined) delete process.env.UPLOAD_LIMIT_BYTES;
      else process.env.UPLOAD_LIMIT_BYTES = prev;
      resetEnv();
    }
    expect(await count("stock_levels")).toBe(0);
    expect(
      Number(
        (
          await getDb()
            .selectFrom("import_jobs")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(0);
  });

  it("is forbidden to dealers, account managers and finance", async () => {
    const { cast } = await setup();
    for (const role of ["dealer_admin", "dealer_sales", "account_manager", "finance"] as const) {
      await expect(
        runImport(actorFor(cast.byRole[role]), { kind: "stock", mode: "all_or_nothing", filename: "x.csv", bytes: enc("sku,warehouse,on_hand\nA,WH-SH,1\n") }),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
  });

  it("round-trips: export → import changes nothing", async () => {
    const { ops, warehouses } = await setup();
    const a = await createProduct({ sku: "AC-1" });
    const b = await createProduct({ sku: "REF-2" });
    await receive(a.id, warehouses.east, 12);
    await receive(b.id, warehouses.north, 3);
    const csv = await collect(stockLevelCsvBatches(), STOCK_CSV_HEADER);
    expect(csv).toBe(`${BOM}sku,warehouse,on_hand,reserved,available\r\nAC-1,WH-SH,12,0,12\r\nREF-2,WH-BJ,3,0,3\r\n`);
    const before = await count("stock_movements");
    const { jobId } = await runImport(ops, { kind: "stock", mode: "all_or_nothing", filename: "export.csv", bytes: enc(csv) });
    expect((await getImportJob(ops, jobId)).status).toBe("succeeded");
    expect(await count("stock_movements")).toBe(before);
    expect(await collect(stockLevelCsvBatches(), STOCK_CSV_HEADER)).toBe(csv);
  });
});

describe("product import", () => {
  it("creates and updates products with tier prices; export → import round-trips", async () => {
    const { ops } = await setup();
    const options = JSON.stringify({
      options: [{ key: "colour", type: "choice", label: { en: "Colour", zh: "颜色" }, choices: [{ value: "red", label: { en: "Red", zh: "红" } }] }],
      quantityMultiple: 5,
    });
    const csv =
      BOM +
      PRODUCT_HEAD +
      `ac-100,"壁挂空调, 1.5匹",Wall AC 1.5 HP,split_ac,AC,set,"2,999.00",2499,2599.5,,0,,\r\n` +
      `REF-200,冰箱,"Fridge ""Cool""",fridge,REF,pcs,4999,4100,4300,4500,1,12,"${options.replace(/"/g, '""')}"\r\n`;
    const { jobId } = await runImport(ops, { kind: "products", mode: "all_or_nothing", filename: "p.csv", bytes: enc(csv) });
    const job = await getImportJob(ops, jobId);
    expect(job.errors).toEqual([]);
    expect(job).toMatchObject({ status: "succeeded", written_rows: 2 });
    const rows = await getDb().selectFrom("products").selectAll().orderBy("sku").execute();
    expect(rows.map((r) => [r.sku, r.name_zh, r.name_en, r.list_price_minor, r.made_to_order, r.lead_time_days])).toEqual([
      ["AC-100", "壁挂空调, 1.5匹", "Wall AC 1.5 HP", 299900, 0, null],
      ["REF-200", "冰箱", 'Fridge "Cool"', 499900, 1, 12],
    ]);
    expect(JSON.parse(rows[1]!.options_schema!)).toMatchObject({ quantityMultiple: 5, minQuantity: 1 });
    const prices = await getDb()
      .selectFrom("product_tier_prices")
      .select(["product_id", "tier", "price_minor"])
      .orderBy("product_id")
      .orderBy("tier")
      .execute();
    expect(prices.map((p) => [p.tier, p.price_minor])).toEqual([
      ["gold", 259950],
      ["platinum", 249900],
      ["gold", 430000],
      ["platinum", 410000],
      ["silver", 450000],
    ]);

    const exported = await collect(productCsvBatches({}), PRODUCT_CSV_HEADER);
    // Update one product in the file, re-import: only that changes; then the export is stable.
    const edited = exported.replace("Wall AC 1.5 HP", "Wall AC 1.5 HP (2026)");
    const again = await runImport(ops, { kind: "products", mode: "all_or_nothing", filename: "export.csv", bytes: enc(edited) });
    expect((await getImportJob(ops, again.jobId)).status).toBe("succeeded");
    expect(await count("products")).toBe(2);
    expect(await collect(productCsvBatches({}), PRODUCT_CSV_HEADER)).toBe(edited);
    const third = await runImport(ops, { kind: "products", mode: "all_or_nothing", filename: "export2.csv", bytes: enc(edited) });
    expect((await getImportJob(ops, third.jobId)).status).toBe("succeeded");
    expect(await collect(productCsvBatches({}), PRODUCT_CSV_HEADER)).toBe(edited);
  });

  it("validates every row: duplicates, unknown codes, money, flags, options schema", async () => {
    const { ops } = await setup();
    const badOptions = JSON.stringify({ options: [{ key: "size", type: "number", label: { en: "Size", zh: "尺寸" }, min: 10, max: 5 }] });
    const csv =
      PRODUCT_HEAD +
      "P-1,名,Name,split_ac,AC,pcs,100,,,,0,,\n" +
      "p-1,名,Name,split_ac,AC,pcs,100,,,,0,,\n" + // duplicate SKU (line 2)
      "P-3,名,Name,nosuch,AC,pcs,100,,,,0,,\n" + // unknown category
      "P-4,名,Name,split_ac,XX,pcs,100,,,,0,,\n" + // unknown line
      "P-5,名,Name,split_ac,AC,pcs,-100,,,,0,,\n" + // negative money
      "P-6,名,Name,split_ac,AC,pcs,10.999,,,,0,,\n" + // too many decimals
      "P-7,名,Name,split_ac,AC,pcs,100,,,,maybe,,\n" + // bad flag
      "P-8,名,Name,split_ac,AC,pcs,100,,,,1,,\n" + // MTO without lead time
      `P-9,名,Name,split_ac,AC,pcs,100,,,,1,5,"${badOptions.replace(/"/g, '""')}"\n` + // min > max
      "P-10,名,Name,split_ac,AC,pcs,100,,,,1,5,{not json\n" +
      "P 11,,Name,split_ac,AC,pcs,100,,,,0,2.5,\n"; // bad SKU, missing name, fractional lead time
    const { jobId } = await runImport(ops, { kind: "products", mode: "all_or_nothing", filename: "bad.csv", bytes: enc(csv) });
    const job = await getImportJob(ops, jobId);
    expect(job.status).toBe("rejected");
    expect(job.errors.map((e) => [e.line, e.column, e.key])).toEqual([
      [3, "sku", "import.duplicateSku"],
      [4, "category", "import.unknownCategory"],
      [5, "product_line", "import.unknownLine"],
      [6, "list_price", "import.notNegative"],
      [7, "list_price", "import.moneyDecimals"],
      [8, "made_to_order", "import.flag"],
      [9, "lead_time_days", "import.leadTimeRequired"],
      [10, "options_schema", "import.optionsInvalid"],
      [11, "options_schema", "import.optionsJson"],
      [12, "sku", "import.skuFormat"],
      [12, "name_zh", "import.required"],
      [12, "lead_time_days", "import.wholeNumber"],
    ]);
    expect(job.errors[0]!.params).toEqual({ first: 2 });
    expect(await count("products")).toBe(0);
  });

  it("accepts a 20,000-row file", async () => {
    const { ops } = await setup();
    const lines = [PRODUCT_HEAD];
    for (let i = 0; i < 20_000; i++)
      lines.push(`BULK-${String(i).padStart(5, "0")},批量产品 ${i},Bulk product ${i},fridge,REF,pcs,${1000 + i}.50,900,950,990,0,,\r\n`);
    const started = Date.now();
    const { jobId } = await runImport(ops, { kind: "products", mode: "all_or_nothing", filename: "bulk.csv", bytes: enc(lines.join("")) });
    const job = await getImportJob(ops, jobId);
    expect(job).toMatchObject({ status: "succeeded", total_rows: 20_000, processed_rows: 20_000, written_rows: 20_000, error_count: 0 });
    expect(await count("products")).toBe(20_000);
    expect(await count("product_tier_prices")).toBe(60_000);
    const last = await getDb().selectFrom("products").select(["name_en", "list_price_minor"]).where("sku", "=", "BULK-19999").executeTakeFirstOrThrow();
    expect(last).toEqual({ name_en: "Bulk product 19999", list_price_minor: 2099950 });
    // Stock levels for all of them in one file, too.
    await getDb().insertInto("warehouses").values({ code: "WH-X", region: "west", name_en: "X", name_zh: "X" }).execute();
    const stock = ["sku,warehouse,on_hand\n", ...Array.from({ length: 20_000 }, (_, i) => `BULK-${String(i).padStart(5, "0")},WH-X,${i % 50}\n`)].join("");
    const s = await runImport(ops, { kind: "stock", mode: "all_or_nothing", filename: "bulk-stock.csv", bytes: enc(stock) });
    expect(await getImportJob(ops, s.jobId)).toMatchObject({ status: "succeeded", written_rows: 20_000 });
    expect(await count("stock_levels")).toBe(19_600); // zero counts of new levels write nothing
    expect((await findStockInvariantViolations(getDb())).mismatched).toEqual([]);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);
});

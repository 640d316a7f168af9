import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { translate } from "~/i18n";
import { actorFor } from "../../../tests/factories";
import { selloutWorld, type SelloutWorld } from "../../../tests/factories/sellout";
import { clockForEachTest } from "../../../tests/helpers/clock";
import { NotFoundError, ValidationError } from "~/utils/errors";
import { CHUNK, getSelloutImport, importSellout, selloutTemplate } from "./import.server";
import { closePeriod, periodPage } from "./sellout.server";

clockForEachTest("2026-12-04T02:00:00Z");
const db = () => getDb();
const utf8 = (s: string) => new TextEncoder().encode(s);

async function upload(w: SelloutWorld, bytes: Uint8Array, opts: { mode?: "all_or_nothing" | "valid_rows"; period?: string; filename?: string } = {}) {
  const { jobId } = await importSellout(actorFor(w.a.dealer_sales), w.dealerA.id, {
    period: opts.period ?? "2026-11",
    mode: opts.mode ?? "all_or_nothing",
    filename: opts.filename ?? "sellout.csv",
    bytes,
  });
  return getSelloutImport(actorFor(w.a.dealer_sales), w.dealerA.id, jobId);
}
const lines = async () =>
  (
    await db()
      .selectFrom("sellout_lines as l")
      .innerJoin("products as p", "p.id", "l.product_id")
      .select(["p.sku", "l.region", "l.units_sold", "l.revenue_minor"])
      .orderBy("p.sku")
      .orderBy("l.region")
      .execute()
  ).map((l) => [l.sku, l.region, l.units_sold, Number(l.revenue_minor)]);

describe("sell-out files", () => {
  it("a UTF-8 CSV with BOM and English codes, key accounts and regions", async () => {
    const w = await selloutWorld();
    const csv = `\uFEFFsku,units_sold,revenue,units_on_hand,key_account,region\r\nAC-100,10,1000.00,5,,\r\nac-100,4,400,5,${w.keyAccount.code},East\r\nFR-300,1,"1,999.99",,,\r\n`;
    const job = await upload(w, utf8(csv));
    expect([job.status, job.total_rows, job.written_rows, job.error_count]).toEqual(["succeeded", 3, 3, 0]);
    expect(await lines()).toEqual([
      ["AC-100", "", 10, 100_000],
      ["AC-100", "East", 4, 40_000],
      ["FR-300", "", 1, 199_999],
    ]);
    const page = await periodPage(actorFor(w.a.dealer_sales), w.dealerA.id, "2026-11");
    expect(page.stock.map((s) => [s.sku, s.onHand])).toEqual([["AC-100", 5]]);
    expect(page.period.status).toBe("open");
    expect(await db().selectFrom("audit_log").select("action").where("action", "=", "import.sellout").execute()).toHaveLength(1);
  });

  it("a GB18030/GBK CSV with Chinese headings, as Excel saves it on a Chinese Windows", async () => {
    const w = await selloutWorld();
    const gbk = Uint8Array.from(
      Buffer.from(
        "ceefc1cfb1e0c2eb2ccffac1bf2ccffacadbb6ee2cc6dac4a9bfe2b4e62cc7f8d3f20d0a41432d3130302c372c22312c3233342e3530222c332cbbaab6ab0d0a41432d3230302c322c3230302c2cbbaac4cf0d0a",
        "hex",
      ),
    );
    const job = await upload(w, gbk);
    expect(job.status).toBe("succeeded");
    expect(await lines()).toEqual([
      ["AC-100", "华东", 7, 123_450],
      ["AC-200", "华南", 2, 20_000],
    ]);
  });

  it("an Excel workbook: numbers, text and formula results, read with exceljs", async () => {
    const w = await selloutWorld();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("销量");
    ws.addRow(["物料编码", "销量", "销售额", "期末库存"]);
    ws.addRow(["AC-100", 3, 0.1 + 0.2, 8]); // 0.30000000000000004 in the cell: cents kept exact
    ws.addRow(["AC-200", 5, { formula: "5*100", result: 500 }, null]);
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const job = await upload(w, bytes, { filename: "sellout.xlsx" });
    expect([job.status, job.written_rows]).toEqual(["succeeded", 2]);
    expect(await lines()).toEqual([
      ["AC-100", "", 3, 30],
      ["AC-200", "", 5, 50_000],
    ]);
  });

  it("all or nothing: one bad row and nothing is written; errors per line, shown in the reader's language", async () => {
    const w = await selloutWorld();
    const csv = [
      "sku,units_sold,revenue,units_on_hand,key_account,region",
      "AC-100,10,1000,5,,",
      "NOPE-9,1,10,,,",
      "AC-200,-1,10,,,",
      "AC-200,2,,,,",
      "AC-100,1,10,6,,", // same SKU and segment as line 2, and another on-hand
      "AC-200,1,1.234,,,",
      "AC-200,,,,91310000XXXXXXXXXX,",
    ].join("\n");
    const job = await upload(w, utf8(csv));
    expect(job.status).toBe("rejected");
    expect(job.written_rows).toBe(0);
    expect(job.errors.map((e) => [e.line, e.column, e.key])).toEqual([
      [3, "sku", "import.unknownSku"],
      [4, "units_sold", "import.notNegative"],
      [5, "revenue", "import.required"],
      [6, "sku", "sellout.import.duplicateLine"],
      [6, "units_on_hand", "sellout.import.onHandConflict"],
      [7, "revenue", "import.moneyDecimals"],
      [8, "key_account", "sellout.import.unknownKeyAccount"],
    ]);
    expect(await db().selectFrom("sellout_lines").selectAll().execute()).toEqual([]);
    expect(await db().selectFrom("sellout_periods").selectAll().execute()).toEqual([]);
    const dup = job.errors.find((e) => e.key === "sellout.import.duplicateLine")!;
    expect(translate("zh-CN", dup.key as "sellout.import.duplicateLine", dup.params)).toBe("物料、大客户和区域与第 2 行相同。");
    expect(translate("en", "import.unknownSku", job.errors[0]!.params)).toBe("Unknown SKU NOPE-9.");
  });

  it("import the valid rows: the good ones are written, the others listed", async () => {
    const w = await selloutWorld();
    const job = await upload(w, utf8("sku,units_sold,revenue\nAC-100,10,1000\nNOPE-9,1,10\nAC-200,2,20\n"), { mode: "valid_rows" });
    expect([job.status, job.written_rows, job.error_count]).toEqual(["partial", 2, 1]);
    expect(await lines()).toEqual([
      ["AC-100", "", 10, 100_000],
      ["AC-200", "", 2, 2_000],
    ]);
  });

  it("file and period checks: unreadable workbook, missing columns, closed or unended period, another dealer", async () => {
    const w = await selloutWorld();
    const refused = (bytes: Uint8Array, period = "2026-11") => upload(w, bytes, { period }).catch((e: unknown) => e);
    expect(await refused(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).toMatchObject({ fieldErrors: { file: ["sellout.import.badWorkbook"] } });
    expect(await refused(utf8("name,qty_x\nA,1\n"))).toMatchObject({ fieldErrors: { file: ["import.missingColumns"] } });
    expect(await refused(utf8("sku,units_sold,revenue\n"))).toMatchObject({ fieldErrors: { file: ["import.noRows"] } });
    expect(await refused(utf8("sku,units_sold,revenue\nAC-100,1,1\n"), "2026-12")).toMatchObject({
      fieldErrors: { period: ["sellout.import.periodNotEnded"] },
    });
    await closePeriod(actorFor(w.staff.finance), w.dealerA.id, "2026-10");
    expect(await refused(utf8("sku,units_sold,revenue\nAC-100,1,1\n"), "2026-10")).toBeInstanceOf(ValidationError);
    await expect(
      importSellout(actorFor(w.b.dealer_sales), w.dealerA.id, {
        period: "2026-11",
        mode: "valid_rows",
        filename: "x.csv",
        bytes: utf8("sku,units_sold,revenue\nAC-100,1,1\n"),
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await db().selectFrom("import_jobs").selectAll().execute()).toEqual([]); // refused files leave no job behind
  });

  it("templates: the dealer's SKUs under headings in the reader's language; a filled template imports back", async () => {
    const w = await selloutWorld();
    const csv = await selloutTemplate(actorFor(w.a.dealer_sales, "zh-CN"), w.dealerA.id, "csv");
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(csv.body)).toMatch(/^\uFEFF物料编码,销量,销售额,期末库存,大客户信用代码,区域\r\n/);
    const x = await selloutTemplate(actorFor(w.a.dealer_sales, "en"), w.dealerA.id, "xlsx");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(x.body) as unknown as Parameters<typeof wb.xlsx.load>[0]);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).values).toEqual([undefined, "sku", "units_sold", "revenue", "units_on_hand", "key_account", "region"]);
    ws.addRow(["AC-100", 4, 400, 2]);
    const job = await upload(w, new Uint8Array(await wb.xlsx.writeBuffer()));
    expect(job.status).toBe("succeeded");
  });

  it(`a 10,000-row file is written in chunks of ${CHUNK} rows, each its own transaction, with progress`, async () => {
    const w = await selloutWorld();
    const products = Array.from({ length: 2000 }, (_, i) => ({
      sku: `BULK-${String(i).padStart(5, "0")}`,
      name_en: `Bulk ${i}`,
      name_zh: `批量 ${i}`,
      category_code: "split_ac",
      product_line_code: "AC",
      unit: "pcs",
      list_price_minor: 100_000,
    }));
    for (let i = 0; i < products.length; i += 500)
      await db()
        .insertInto("products")
        .values(products.slice(i, i + 500))
        .execute();
    const regions = ["华东", "华南", "华北", "西南", "东北"];
    const rows = ["sku,units_sold,revenue,units_on_hand,region"];
    for (const p of products) for (const [j, r] of regions.entries()) rows.push(`${p.sku},${j + 1},${(j + 1) * 100}.50,${j === 0 ? 7 : ""},${r}`);
    const job = await upload(w, utf8(rows.join("\n")));
    expect([job.status, job.total_rows, job.processed_rows, job.written_rows, job.error_count]).toEqual(["succeeded", 10_000, 10_000, 10_000, 0]);
    const sums = await db()
      .selectFrom("sellout_lines")
      .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.sum<string>("units_sold").as("units")])
      .executeTakeFirstOrThrow();
    expect([Number(sums.n), Number(sums.units)]).toEqual([10_000, 2000 * 15]);
    expect(
      Number(
        (
          await db()
            .selectFrom("sellout_stock")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(2000);
    // The same file again converges on the same figures (upserts): an interrupted import is finished by uploading it again.
    const again = await upload(w, utf8(rows.join("\n")));
    expect(again.status).toBe("succeeded");
    expect(
      Number(
        (
          await db()
            .selectFrom("sellout_lines")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(10_000);
  });
});

/**
 * The catalog pages as users hit them: loaders and actions called directly
 * with a signed-in request (scoping, prices per tier, filters, CSV, forms).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { closeDb, getDb } from "../../../db/client";
import { resetEnv } from "~/utils/env.server";
import { createCast, createSession, requestAs, type TestUser } from "../../../tests/factories";
import { createCatalogBasics, createProduct, planIncoming, receive } from "../../../tests/factories/catalog";
import * as adminHolidays from "~/routes/admin.holidays";
import * as adminWarehouses from "~/routes/admin.warehouses";
import * as adminProductEdit from "~/routes/admin.products.$id";
import * as adminProducts from "~/routes/admin.products._index";
import * as adminProductNew from "~/routes/admin.products.new";
import * as productPage from "~/routes/products.$sku";
import * as stockImport from "~/routes/stock.import._index";
import * as stockPage from "~/routes/stock._index";
import { postReceipt } from "~/modules/stock/stock.server";
import { addHoliday, createWarehouse } from "~/modules/catalog/catalog.server";
import { updateDealer } from "~/modules/organisations/organisations.server";
import { actorFor } from "../../../tests/factories";
import { addWorkingDays, todayIn } from "~/utils/time";

type Mod = { loader?: (a: never) => Promise<unknown>; action?: (a: never) => Promise<unknown> };

async function call(kind: "loader" | "action", mod: Mod, request: Request, params: Record<string, string> = {}): Promise<Response> {
  try {
    return (await (mod[kind] as (a: unknown) => Promise<Response>)({ request, params, context: {} })) as Response;
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
}
const get = async (mod: Mod, user: TestUser, path: string, params: Record<string, string> = {}) => call("loader", mod, await requestAs(user, path), params);
const post = async (mod: Mod, user: TestUser, path: string, form: Record<string, string>, params: Record<string, string> = {}) =>
  call("action", mod, await requestAs(user, path, { form }), params);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const body = async (res: Response): Promise<any> => res.json();

// Distinctive tier prices so a leak is easy to see in the serialized page.
const TIERS = { platinum: 71_111, gold: 82_222, silver: 93_333 };

async function world() {
  const cast = await createCast();
  const { warehouses } = await createCatalogBasics();
  const ac = await createProduct({ sku: "AC-1000", nameEn: "Breeze wall AC", nameZh: "清风壁挂空调", listPrice: 100_000, tiers: TIERS });
  const fridge = await createProduct({
    sku: "REF-2000",
    nameEn: "Frost fridge",
    nameZh: "霜冻冰箱",
    category: "fridge",
    line: "REF",
    listPrice: 300_000,
    tiers: { platinum: 250_000 },
  });
  const mto = await createProduct({
    sku: "AC-MTO-1",
    nameEn: "Custom VRF system",
    nameZh: "定制多联机",
    madeToOrder: true,
    leadTimeDays: 5,
    optionsSchema: JSON.stringify({
      options: [{ key: "voltage", type: "choice", label: { en: "Voltage", zh: "电压" }, choices: [{ value: "380v", label: { en: "380 V", zh: "380V" } }] }],
      quantityMultiple: 2,
      minQuantity: 2,
    }),
  });
  await receive(ac.id, warehouses.east, 40);
  await receive(ac.id, warehouses.north, 5);
  await planIncoming(fridge.id, warehouses.south, 30, "2099-01-15");
  return { cast, warehouses, ac, fridge, mto };
}

describe("next incoming", () => {
  it("is the earliest ETA's receipts summed, whatever order they were planned in", async () => {
    const { cast, warehouses } = await world();
    const p = await createProduct({ sku: "WM-3000", nameEn: "Quiet washer", nameZh: "静音洗衣机", listPrice: 200_000 });
    await planIncoming(p.id, warehouses.north, 10, "2099-03-01");
    await planIncoming(p.id, warehouses.east, 4, "2099-02-01");
    await planIncoming(p.id, warehouses.south, 6, "2099-02-01");
    const page = await body(await get(stockPage, cast.a.dealer_sales, "/stock?q=WM-3000"));
    expect(page.rows).toHaveLength(1);
    expect(page.rows[0].nextIncoming).toEqual({ quantity: 10, eta: "2099-02-01" });
    expect(page.rows[0].promiseDate).toBe("2099-02-01");
  });
});

describe("reference data changed through the domain", () => {
  it("shows on the very next stock page: a new warehouse, a holiday, a dealer's new tier", async () => {
    const { cast, mto } = await world();
    const admin = actorFor(cast.staff.admin);
    const first = await body(await get(stockPage, cast.a.dealer_sales, "/stock"));
    expect(first.tier).toBe("gold");
    const promise0 = first.rows.find((r: { sku: string }) => r.sku === mto.sku).promiseDate as string;

    await createWarehouse(admin, { code: "WH-CD", name_en: "Chengdu DC", name_zh: "成都仓", region: "west" });
    const withWarehouse = await body(await get(stockPage, cast.a.dealer_sales, "/stock"));
    expect(withWarehouse.warehouses.map((w: { code: string }) => w.code)).toContain("WH-CD");

    // A holiday on the first working day before the promise date pushes it one working day on.
    const today = todayIn("Asia/Shanghai");
    await addHoliday(admin, { day: addWorkingDays(today, 1, new Set()), name: "Test holiday" });
    const withHoliday = await body(await get(stockPage, cast.a.dealer_sales, "/stock"));
    expect(withHoliday.rows.find((r: { sku: string }) => r.sku === mto.sku).promiseDate).toBe(addWorkingDays(promise0, 1, new Set()));

    const d = await getDb().selectFrom("organisations").selectAll().where("id", "=", cast.dealerA.id).executeTakeFirstOrThrow();
    await updateDealer(admin, d.id, {
      code: d.code!,
      name: d.name,
      region: d.region as "east",
      tier: "platinum",
      creditLimit: d.credit_limit_minor,
      accountManagerId: d.account_manager_id,
      contactEmail: null,
      contactPhone: null,
    });
    const platinum = await body(await get(stockPage, cast.a.dealer_sales, "/stock"));
    expect(platinum.tier).toBe("platinum");
    expect(platinum.rows.find((r: { sku: string }) => r.sku === "AC-1000").price_minor).toBe(TIERS.platinum);
  });
});

describe("stock page statements", () => {
  it("once warm, reads levels and versions in one statement; a change in between costs one rebuild and shows", async () => {
    const { cast } = await world();
    const admin = actorFor(cast.staff.admin);
    const file = path.join(os.tmpdir(), `dd-stock-sql-${process.pid}-${Date.now()}.jsonl`);
    const statements = () =>
      existsSync(file)
        ? readFileSync(file, "utf8")
            .trim()
            .split("\n")
            .filter(Boolean)
            .map((l) => (JSON.parse(l) as { sql: string }).sql)
        : [];
    // A database handle that writes every statement to `file` (the benchmark's capture).
    process.env.DB_CAPTURE_SQL = file;
    resetEnv();
    await closeDb();
    try {
      const page = async () => {
        const request = await requestAs(cast.a.dealer_sales, "/stock?q=AC-1000");
        writeFileSync(file, "");
        const res = await call("loader", stockPage, request);
        return { data: await body(res), sql: statements().filter((q) => !q.includes("`sessions`")) };
      };
      await page();
      const warm = await page();
      expect(warm.data.rows.map((r: { sku: string }) => r.sku)).toEqual(["AC-1000"]);
      expect(warm.sql).toHaveLength(1);
      expect(warm.sql[0]).toMatch(/SELECT 2 AS k.*audit_log.*catalog_version.*UNION ALL.*stock_levels.*UNION ALL.*incoming_stock/s);

      await createWarehouse(admin, { code: "WH-XN", name_en: "Xining DC", name_zh: "西宁仓", region: "west" });
      const changed = await page();
      expect(changed.data.warehouses.map((w: { code: string }) => w.code)).toContain("WH-XN");
      // Built at the versions the last page saw, found stale by its own statement, built again.
      expect(changed.sql.filter((q) => q.includes("SELECT 2 AS k"))).toHaveLength(2);
      expect(changed.sql.some((q) => q.includes("`warehouses`"))).toBe(true);

      const again = await page();
      expect(again.sql).toHaveLength(1);
      expect(again.data).toEqual(changed.data);
    } finally {
      delete process.env.DB_CAPTURE_SQL;
      resetEnv();
      await closeDb();
      rmSync(file, { force: true });
    }
  });
});

describe("product page", () => {
  it("shows a dealer only its own tier's price", async () => {
    const { cast } = await world();
    const res = await get(productPage, cast.a.dealer_sales, "/products/AC-1000", { sku: "AC-1000" });
    expect(res.status).toBe(200);
    const text = await res.text();
    const data = JSON.parse(text);
    expect(data.pricing).toEqual({ kind: "dealer", tier: "gold", price: TIERS.gold, isTierPrice: true });
    expect(text).not.toContain(String(TIERS.platinum));
    expect(text).not.toContain(String(TIERS.silver));
    expect(text).not.toContain("platinum");
    // Dealers see availability, not on-hand/reserved internals or movement history.
    expect(data.movements).toEqual([]);
    expect(data.canAdjust).toBe(false);
  });

  it("falls back to the list price when the dealer's tier has none", async () => {
    const { cast } = await world();
    const data = await body(await get(productPage, cast.a.dealer_admin, "/products/REF-2000", { sku: "REF-2000" }));
    expect(data.pricing).toEqual({ kind: "dealer", tier: "gold", price: 300_000, isTierPrice: false });
    expect(JSON.stringify(data)).not.toContain("250000");
  });

  it("shows staff every tier price, stock by warehouse and the options schema", async () => {
    const { cast } = await world();
    const data = await body(await get(productPage, cast.staff.account_manager, "/products/ac-1000", { sku: "ac-1000" }));
    expect(data.pricing.tiers).toEqual([
      { tier: "platinum", price: TIERS.platinum },
      { tier: "gold", price: TIERS.gold },
      { tier: "silver", price: TIERS.silver },
    ]);
    expect(data.available).toBe(45);
    expect(data.promiseDate).toBe(todayIn("Asia/Shanghai"));
    const mto = await body(await get(productPage, cast.staff.ops, "/products/AC-MTO-1", { sku: "AC-MTO-1" }));
    expect(mto.product.options.options[0].key).toBe("voltage");
    expect(mto.product.options.quantityMultiple).toBe(2);
    expect(mto.promiseDate).toBe(addWorkingDays(todayIn("Asia/Shanghai"), 5));
    expect(mto.canAdjust).toBe(true);
  });

  it("answers an availability check nearest region first", async () => {
    const { cast } = await world();
    const data = await body(await get(productPage, cast.a.dealer_sales, "/products/AC-1000?check=1&checkQty=44&checkRegion=north", { sku: "AC-1000" }));
    expect(data.answer.ok).toBe(true);
    expect(data.answer.plan.shipNow).toBe(44);
    expect(data.answer.plan.warehouses.slice(0, 2).map((w: { code: string; shipNow: number }) => [w.code, w.shipNow])).toEqual([
      ["WH-BJ", 5],
      ["WH-SH", 39],
    ]);
    const bad = await body(await get(productPage, cast.a.dealer_sales, "/products/AC-1000?check=1&checkQty=2.5&checkDate=2026-02-30", { sku: "AC-1000" }));
    expect(bad.answer.ok).toBe(false);
    expect(Object.keys(bad.answer.fieldErrors).sort()).toEqual(["neededBy", "quantity"]);
  });

  it("is 404 for an unknown SKU", async () => {
    const { cast } = await world();
    expect((await get(productPage, cast.a.dealer_sales, "/products/NOPE", { sku: "NOPE" })).status).toBe(404);
  });

  it("lets ops post stock but refuses dealers with 403", async () => {
    const { cast, warehouses } = await world();
    for (const role of ["dealer_admin", "dealer_sales", "account_manager", "finance"] as const) {
      const res = await post(
        productPage,
        cast.byRole[role],
        "/products/AC-1000",
        { intent: "adjust", warehouseId: String(warehouses.east), delta: "+5", reason: "x" },
        { sku: "AC-1000" },
      );
      expect(res.status, role).toBe(403);
    }
    const bad = await post(
      productPage,
      cast.staff.ops,
      "/products/AC-1000",
      { intent: "adjust", warehouseId: String(warehouses.east), delta: "1.5", reason: "" },
      { sku: "AC-1000" },
    );
    expect(bad.status).toBe(400);
    expect(Object.keys((await body(bad)).fieldErrors).sort()).toEqual(["delta", "reason"]);
    const tooMuch = await post(
      productPage,
      cast.staff.ops,
      "/products/AC-1000",
      { intent: "adjust", warehouseId: String(warehouses.east), delta: "-41", reason: "count" },
      { sku: "AC-1000" },
    );
    expect(tooMuch.status).toBe(409);
    const ok = await post(
      productPage,
      cast.staff.ops,
      "/products/AC-1000",
      { intent: "adjust", warehouseId: String(warehouses.east), delta: "+5", reason: "count" },
      { sku: "AC-1000" },
    );
    expect(ok.status).toBe(200);
    const lvl = await getDb().selectFrom("stock_levels").select("on_hand").where("warehouse_id", "=", warehouses.east).executeTakeFirstOrThrow();
    expect(lvl.on_hand).toBe(45);
  });
});

describe("stock page", () => {
  it("searches by SKU or name in either language and filters", async () => {
    const { cast } = await world();
    const skus = async (q: string) => (await body(await get(stockPage, cast.a.dealer_sales, `/stock?${q}`))).rows.map((r: { sku: string }) => r.sku);
    expect(await skus("")).toEqual(["AC-1000", "AC-MTO-1", "REF-2000"]);
    expect(await skus("q=冰箱")).toEqual(["REF-2000"]);
    expect(await skus("q=breeze")).toEqual(["AC-1000"]);
    expect(await skus("q=mto")).toEqual(["AC-MTO-1"]);
    expect(await skus("q=100%25")).toEqual([]);
    expect(await skus("category=fridge")).toEqual(["REF-2000"]);
    expect(await skus("line=AC&mto=exclude")).toEqual(["AC-1000"]);
    expect(await skus("mto=only")).toEqual(["AC-MTO-1"]);
    expect(await skus("availableOnly=1")).toEqual(["AC-1000"]);
    expect(await skus("availableOnly=1&region=south")).toEqual([]);
    expect(await skus("sort=price_desc")).toEqual(["REF-2000", "AC-1000", "AC-MTO-1"]);
  });

  it("counts as available now only stock that is not reserved, in every warehouse or in the chosen ones", async () => {
    const { cast, warehouses, fridge } = await world();
    const skus = async (q: string) => (await body(await get(stockPage, cast.a.dealer_sales, `/stock?${q}`))).rows.map((r: { sku: string }) => r.sku);
    await receive(fridge.id, warehouses.south, 6);
    expect(await skus("availableOnly=1")).toEqual(["AC-1000", "REF-2000"]);
    const ops = actorFor(cast.staff.ops);
    await getDb()
      .transaction()
      .execute(async (tx) => {
        const { reserveUpTo } = await import("~/modules/stock/movements.server");
        expect(await reserveUpTo(tx as never, ops, { productId: fridge.id, warehouseId: warehouses.south, wanted: 6, refType: "order", refId: "SO-T" })).toBe(
          6,
        );
      });
    // Six on hand, six reserved: none available now, whether every warehouse counts or only the south's.
    expect(await skus("availableOnly=1")).toEqual(["AC-1000"]);
    expect(await skus("availableOnly=1&region=south")).toEqual([]);
    expect(await skus(`availableOnly=1&warehouse=${warehouses.east}`)).toEqual(["AC-1000"]);
  });

  it("shows per-warehouse availability, next incoming and promise dates, priced for the viewer", async () => {
    const { cast, warehouses } = await world();
    const dealer = await body(await get(stockPage, cast.a.dealer_sales, "/stock"));
    const ac = dealer.rows.find((r: { sku: string }) => r.sku === "AC-1000");
    // One number per shown warehouse, in the order of the page's warehouse columns.
    const east = dealer.warehouses.findIndex((w: { id: number }) => w.id === warehouses.east);
    expect(ac.byWarehouse[east]).toBe(40);
    expect(ac.byWarehouse).toHaveLength(dealer.warehouses.length);
    expect(ac.available).toBe(45);
    expect(ac.price_minor).toBe(TIERS.gold);
    expect(dealer.tier).toBe("gold");
    const fridge = dealer.rows.find((r: { sku: string }) => r.sku === "REF-2000");
    expect(fridge.nextIncoming).toEqual({ quantity: 30, eta: "2099-01-15" });
    expect(fridge.promiseDate).toBe("2099-01-15");
    expect(JSON.stringify(dealer)).not.toContain(String(TIERS.platinum));
    const staff = await body(await get(stockPage, cast.staff.finance, "/stock"));
    expect(staff.rows.find((r: { sku: string }) => r.sku === "AC-1000").price_minor).toBe(100_000);
    // Region filter narrows the warehouses shown and counted.
    const north = await body(await get(stockPage, cast.staff.ops, "/stock?region=north"));
    expect(north.warehouses.map((w: { code: string }) => w.code)).toEqual(["WH-BJ"]);
    // The warehouse filter still lists every warehouse; unfiltered, the list is sent once.
    expect(north.allWarehouses.map((w: { code: string }) => w.code)).toEqual(["WH-BJ", "WH-GZ", "WH-SH"]);
    expect(dealer.allWarehouses).toBeNull();
    expect(north.rows.find((r: { sku: string }) => r.sku === "AC-1000").available).toBe(5);
  });

  it("paginates in SQL", async () => {
    const { cast } = await world();
    for (let i = 0; i < 30; i++) await createProduct({ sku: `ZZ-${String(i).padStart(2, "0")}`, listPrice: 100_000 + i * 100 });
    const p2 = await body(await get(stockPage, cast.a.dealer_sales, "/stock?page=2"));
    expect(p2.total).toBe(33);
    expect(p2.rows).toHaveLength(8);
    expect(p2.rows[7].sku).toBe("ZZ-29");
    // A text search counts at most ten pages ahead (here all 30, an exact total).
    const zz = await body(await get(stockPage, cast.a.dealer_sales, "/stock?q=zz-&page=2"));
    expect(zz.total).toBe(30);
    expect(zz.totalIsLowerBound).toBe(false);
    expect(zz.rows.map((r: { sku: string }) => r.sku)).toEqual(["ZZ-25", "ZZ-26", "ZZ-27", "ZZ-28", "ZZ-29"]);
    // The same page in another order: the rows come back in the page's order, not the ids'.
    const desc = await body(await get(stockPage, cast.a.dealer_sales, "/stock?q=zz-&sort=price_desc&page=1"));
    const prices = desc.rows.map((r: { price_minor: number }) => r.price_minor);
    expect(prices).toEqual([...prices].sort((a, b) => b - a));
    expect(desc.rows).toHaveLength(25);
    expect(desc.rows[0].sku).toBe("ZZ-29");
    const past = await body(await get(stockPage, cast.a.dealer_sales, "/stock?q=zz-&page=3"));
    expect(past.rows).toEqual([]);
  });

  it("exports the current filter as CSV with the viewer's own price", async () => {
    const { cast } = await world();
    const res = await get(stockPage, cast.a.dealer_sales, "/stock?format=csv&line=AC&mto=exclude");
    expect(res.headers.get("Content-Type")).toContain("text/csv");
    const text = await res.text();
    const [head, ...rows] = text
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(head).toBe(
      "sku,name_zh,name_en,category,product_line,unit,status,made_to_order,lead_time_days,price_gold,currency,available_total,available_WH-BJ,available_WH-GZ,available_WH-SH,next_incoming_qty,next_incoming_eta,promise_date",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toBe(`AC-1000,清风壁挂空调,Breeze wall AC,split_ac,AC,pcs,active,0,,822.22,CNY,45,5,0,40,,,${todayIn("Asia/Shanghai")}`);
    const staff = await (await get(stockPage, cast.staff.ops, "/stock?format=csv&q=REF")).text();
    expect(staff).toContain(",list_price,");
    expect(staff).toContain("REF-2000,霜冻冰箱,Frost fridge,fridge,REF,pcs,active,0,,3000.00,CNY,0,0,0,0,30,2099-01-15,2099-01-15");
  });

  it("runs the availability check and reports an unknown SKU on its field", async () => {
    const { cast } = await world();
    const ok = await body(await get(stockPage, cast.a.dealer_sales, "/stock?check=1&checkSku=ref-2000&checkQty=20&checkDate=2099-02-01"));
    expect(ok.answer.ok).toBe(true);
    expect(ok.answer.plan).toMatchObject({ shipNow: 0, byNeededDate: 20, meetsNeededBy: true, fullDate: "2099-01-15" });
    const unknown = await body(await get(stockPage, cast.a.dealer_sales, "/stock?check=1&checkSku=NOPE-1&checkQty=1"));
    expect(unknown.answer).toMatchObject({ ok: false, fieldErrors: { sku: "No product has this SKU." } });
    const bad = await get(stockPage, cast.a.dealer_sales, "/stock?sort=evil");
    expect(bad.status).toBe(400);
  });
});

describe("product administration", () => {
  const valid = {
    sku: "ac-new-1",
    nameZh: "新款空调",
    nameEn: "New AC",
    category: "split_ac",
    line: "AC",
    unit: "set",
    listPrice: "2,999.00",
    pricePlatinum: "2500",
    priceGold: "",
    priceSilver: "2800.5",
    status: "active",
    leadTimeDays: "",
    optionsSchema: "",
    imagePath: "/images/products/split-ac.svg",
  };

  it("is admin only (403 for ops, dealers and others)", async () => {
    const { cast } = await world();
    for (const role of ["ops", "dealer_admin", "account_manager", "finance"] as const) {
      expect((await get(adminProducts, cast.byRole[role], "/admin/products")).status, role).toBe(403);
      expect((await post(adminProductNew, cast.byRole[role], "/admin/products/new", valid)).status, role).toBe(403);
    }
    expect((await get(adminProducts, cast.staff.admin, "/admin/products")).status).toBe(200);
  });

  it("creates a product with tier prices, and refuses bad input with field errors", async () => {
    const { cast } = await world();
    const admin = cast.staff.admin;
    const bad = await post(adminProductNew, admin, "/admin/products/new", {
      ...valid,
      sku: "bad sku",
      listPrice: "12.345",
      madeToOrder: "1",
      optionsSchema: "{oops",
      category: "nosuch",
    });
    expect(bad.status).toBe(400);
    expect(Object.keys((await body(bad)).fieldErrors).sort()).toEqual(["leadTimeDays", "listPrice", "optionsSchema", "sku"]);
    const unknownCat = await post(adminProductNew, admin, "/admin/products/new", { ...valid, category: "nosuch" });
    expect(unknownCat.status).toBe(400);
    expect((await body(unknownCat)).fieldErrors.category).toBeTruthy();
    const schemaWrong = await post(adminProductNew, admin, "/admin/products/new", {
      ...valid,
      optionsSchema: JSON.stringify({ options: [{ key: "x", type: "choice", label: { en: "X", zh: "X" }, choices: [] }] }),
    });
    expect((await body(schemaWrong)).fieldErrors.optionsSchema).toBe("The options schema does not follow the required format.");
    const created = await post(adminProductNew, admin, "/admin/products/new", valid);
    expect(created.status).toBe(302);
    const p = await getDb().selectFrom("products").selectAll().where("sku", "=", "AC-NEW-1").executeTakeFirstOrThrow();
    expect(created.headers.get("Location")).toBe(`/admin/products/${p.id}?created=1`);
    expect(p.list_price_minor).toBe(299_900);
    const prices = await getDb().selectFrom("product_tier_prices").select(["tier", "price_minor"]).where("product_id", "=", p.id).orderBy("tier").execute();
    expect(prices).toEqual([
      { tier: "platinum", price_minor: 250_000 },
      { tier: "silver", price_minor: 280_050 },
    ]);
    const dup = await post(adminProductNew, admin, "/admin/products/new", valid);
    expect((await body(dup)).fieldErrors.sku).toBe("Another product already has this SKU.");
    const audit = await getDb().selectFrom("audit_log").select("action").where("entity_type", "=", "product").execute();
    expect(audit.map((a) => a.action)).toEqual(["product.created"]);
  });

  it("edits a product, detects a concurrent save (409), and exports the import format", async () => {
    const { cast, mto } = await world();
    const admin = cast.staff.admin;
    const page = await body(await get(adminProductEdit, admin, `/admin/products/${mto.id}`, { id: String(mto.id) }));
    const updatedAt = page.product.updated_at;
    const form = {
      ...valid,
      sku: "AC-MTO-1",
      madeToOrder: "1",
      leadTimeDays: "7",
      optionsSchema: page.product.options_schema,
      status: "discontinued",
      updatedAt,
    };
    const saved = await post(adminProductEdit, admin, `/admin/products/${mto.id}`, form, { id: String(mto.id) });
    expect(saved.status).toBe(200);
    const after = await getDb().selectFrom("products").select(["lead_time_days", "status", "name_en"]).where("id", "=", mto.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ lead_time_days: 7, status: "discontinued", name_en: "New AC" });
    const stale = await post(adminProductEdit, admin, `/admin/products/${mto.id}`, form, { id: String(mto.id) });
    expect(stale.status).toBe(409);
    expect((await get(adminProductEdit, admin, "/admin/products/999999", { id: "999999" })).status).toBe(404);
    const events = await getDb().selectFrom("domain_events").select("type").execute();
    expect(events.map((e) => e.type)).toContain("product.discontinued");
    const csv = await (await get(adminProducts, admin, "/admin/products?format=csv&q=AC-1000")).text();
    expect(csv.replace(/^\uFEFF/, "").split("\r\n")[1]).toBe(
      "AC-1000,清风壁挂空调,Breeze wall AC,,,split_ac,AC,pcs,1000.00,711.11,822.22,933.33,CNY,active,0,,,",
    );
  });
});

describe("holidays", () => {
  it("admin manages holidays and they move made-to-order promise dates", async () => {
    const { cast } = await world();
    const admin = cast.staff.admin;
    expect((await post(adminHolidays, cast.staff.ops, "/admin/holidays", { intent: "add", day: "2099-01-01", name: "x" })).status).toBe(403);
    const today = todayIn("Asia/Shanghai");
    const before = (await body(await get(productPage, cast.a.dealer_sales, "/products/AC-MTO-1", { sku: "AC-MTO-1" }))).promiseDate;
    const nextWorkingDay = addWorkingDays(today, 1);
    expect((await post(adminHolidays, admin, "/admin/holidays", { intent: "add", day: nextWorkingDay, name: "Test day" })).status).toBe(200);
    const dup = await post(adminHolidays, admin, "/admin/holidays", { intent: "add", day: nextWorkingDay, name: "Again" });
    expect(dup.status).toBe(400);
    const bad = await post(adminHolidays, admin, "/admin/holidays", { intent: "add", day: "2026-13-01", name: "" });
    expect(Object.keys((await body(bad)).fieldErrors).sort()).toEqual(["day", "name"]);
    const after = (await body(await get(productPage, cast.a.dealer_sales, "/products/AC-MTO-1", { sku: "AC-MTO-1" }))).promiseDate;
    expect(after).toBe(addWorkingDays(today, 5, new Set([nextWorkingDay])));
    expect(after > before).toBe(true);
    const list = await body(await get(adminHolidays, admin, `/admin/holidays?year=${nextWorkingDay.slice(0, 4)}`));
    expect(list.holidays).toEqual([{ day: nextWorkingDay, name: "Test day" }]);
    expect((await post(adminHolidays, admin, "/admin/holidays", { intent: "remove", day: nextWorkingDay })).status).toBe(200);
    expect((await post(adminHolidays, admin, "/admin/holidays", { intent: "remove", day: nextWorkingDay })).status).toBe(404);
  });
});

describe("warehouses", () => {
  it("the administrator adds, renames, moves, closes and reopens warehouses; bad input changes nothing; other roles get 403", async () => {
    const { cast, warehouses, ac } = await world();
    const admin = cast.staff.admin;
    const db = getDb();
    const count = async () =>
      Number(
        (
          await db
            .selectFrom("warehouses")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    for (const u of [cast.staff.ops, cast.staff.finance, cast.a.dealer_admin]) {
      expect((await get(adminWarehouses, u, "/admin/warehouses")).status).toBe(403);
      expect((await post(adminWarehouses, u, "/admin/warehouses", { intent: "create", code: "WH-X", name_en: "X", name_zh: "X", region: "east" })).status).toBe(
        403,
      );
    }
    const list = await body(await get(adminWarehouses, admin, "/admin/warehouses"));
    expect(list.warehouses.map((w: { code: string; status: string }) => [w.code, w.status])).toEqual([
      ["WH-BJ", "active"],
      ["WH-GZ", "active"],
      ["WH-SH", "active"],
    ]);
    expect(list.holdings).toBeNull();
    expect((await body(await get(adminWarehouses, admin, `/admin/warehouses?edit=${warehouses.east}`))).holdings).toEqual({
      levels: 1,
      onHand: 40,
      reserved: 0,
    });
    expect((await get(adminWarehouses, admin, "/admin/warehouses?edit=abc")).status).toBe(400);

    // Create: the code is upper-cased; a taken code, a bad code, empty names or an unknown region are refused with field errors.
    expect(
      (
        await post(adminWarehouses, admin, "/admin/warehouses", {
          intent: "create",
          code: "wh-cd",
          name_en: "Chengdu DC",
          name_zh: "成都中心仓",
          region: "west",
        })
      ).status,
    ).toBe(200);
    const cd = await db.selectFrom("warehouses").selectAll().where("code", "=", "WH-CD").executeTakeFirstOrThrow();
    expect(cd).toMatchObject({ name_en: "Chengdu DC", name_zh: "成都中心仓", region: "west", status: "active" });
    const before = await count();
    const dup = await post(adminWarehouses, admin, "/admin/warehouses", { intent: "create", code: "WH-SH", name_en: "Again", name_zh: "再次", region: "east" });
    expect(dup.status).toBe(400);
    expect((await body(dup)).fieldErrors).toEqual({ code: "A warehouse with this code already exists." });
    const bad = await post(adminWarehouses, admin, "/admin/warehouses", { intent: "create", code: "-x", name_en: "", name_zh: " ", region: "mars" });
    expect(bad.status).toBe(400);
    expect(Object.keys((await body(bad)).fieldErrors).sort()).toEqual(["code", "name_en", "name_zh", "region"]);
    expect(await count()).toBe(before);

    // Update: names and region; the code never changes.
    const upd = (over: Record<string, string>) =>
      post(adminWarehouses, admin, "/admin/warehouses", {
        intent: "update",
        id: String(cd.id),
        name_en: "Chengdu West DC",
        name_zh: "成都西部仓",
        region: "central",
        status: "active",
        ...over,
      });
    expect((await upd({})).status).toBe(200);
    expect(await db.selectFrom("warehouses").select(["code", "name_en", "region"]).where("id", "=", cd.id).executeTakeFirst()).toEqual({
      code: "WH-CD",
      name_en: "Chengdu West DC",
      region: "central",
    });
    expect((await upd({ status: "demolished" })).status).toBe(400);
    expect(
      (
        await post(adminWarehouses, admin, "/admin/warehouses", {
          intent: "update",
          id: "999999",
          name_en: "a",
          name_zh: "b",
          region: "east",
          status: "active",
        })
      ).status,
    ).toBe(404);
    const audits = await db.selectFrom("audit_log").select("action").where("entity_type", "=", "warehouse").execute();
    expect(audits.map((a) => a.action).sort()).toEqual(["warehouse.created", "warehouse.updated"]);

    // Closing: refused while units in it are reserved for orders; then it takes no receipts until reopened.
    await db.transaction().execute(async (tx) => {
      const { reserveUpTo } = await import("~/modules/stock/movements.server");
      await reserveUpTo(tx, actorFor(cast.staff.ops), { productId: ac.id, warehouseId: warehouses.east, wanted: 3, refType: "order", refId: "SO-1" });
    });
    const shanghai = (status: string) =>
      post(adminWarehouses, admin, "/admin/warehouses", {
        intent: "update",
        id: String(warehouses.east),
        name_en: "Shanghai DC",
        name_zh: "上海中心仓",
        region: "east",
        status,
      });
    const refused = await shanghai("inactive");
    expect(refused.status).toBe(409);
    // The rule is about the status field: its message is shown there, the banner only points to it.
    expect(await body(refused)).toMatchObject({
      formError: "Please correct the highlighted fields.",
      fieldErrors: { status: "This warehouse cannot close while 3 units in it are reserved for orders. Ship or release them first." },
      values: { status: "inactive", name_en: "Shanghai DC" },
    });
    expect((await db.selectFrom("warehouses").select("status").where("id", "=", warehouses.east).executeTakeFirstOrThrow()).status).toBe("active");
    expect((await upd({ status: "inactive" })).status).toBe(200);
    await expect(postReceipt(actorFor(cast.staff.ops), ac.id, { warehouseId: cd.id, quantity: 5, reason: "PO" })).rejects.toMatchObject({ status: 400 });
    const page = await (await get(adminWarehouses, admin, `/admin/warehouses?edit=${cd.id}`)).json();
    expect(page.edit).toBe(cd.id);
    expect((await upd({ status: "active" })).status).toBe(200);
    await postReceipt(actorFor(cast.staff.ops), ac.id, { warehouseId: cd.id, quantity: 5, reason: "PO" });
    expect((await body(await get(adminWarehouses, admin, `/admin/warehouses?edit=${cd.id}`))).holdings).toEqual({ levels: 1, onHand: 5, reserved: 0 });
  });
});

describe("import upload", () => {
  async function upload(user: TestUser, kind: string, content: BlobPart, mode = "all_or_nothing") {
    const fd = new FormData();
    fd.set("kind", kind);
    fd.set("mode", mode);
    fd.set("file", new File([content], "upload.csv", { type: "text/csv" }));
    const { cookie } = await createSession(user);
    return call("action", stockImport, new Request("http://127.0.0.1/stock/import", { method: "POST", body: fd, headers: { Cookie: cookie } }));
  }

  it("imports a multipart upload and redirects to the job page; refuses dealers and bad files", async () => {
    const { cast } = await world();
    const ok = await upload(cast.staff.ops, "stock", "\uFEFFsku,warehouse,on_hand\nREF-2000,WH-GZ,9\n");
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Location")).toMatch(/^\/stock\/import\/\d+$/);
    const level = await getDb()
      .selectFrom("stock_levels")
      .innerJoin("products", "products.id", "stock_levels.product_id")
      .select("on_hand")
      .where("sku", "=", "REF-2000")
      .executeTakeFirstOrThrow();
    expect(level.on_hand).toBe(9);
    expect((await upload(cast.a.dealer_admin, "stock", "sku,warehouse,on_hand\nREF-2000,WH-GZ,1\n")).status).toBe(403);
    const gbk = await upload(cast.staff.ops, "stock", new Uint8Array([0x73, 0x6b, 0x75, 0x0a, 0xc9, 0xcf]));
    expect(gbk.status).toBe(400);
    expect((await body(gbk)).fieldErrors.file).toContain("UTF-8");
    const empty = await upload(cast.staff.ops, "products", "");
    expect((await body(empty)).fieldErrors.file).toBe("The file is empty.");
  });
});

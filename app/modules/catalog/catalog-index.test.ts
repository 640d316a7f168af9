/**
 * The in-memory catalog index (decision 077): it answers the stock search
 * exactly as the SQL filters do, and it follows every committed catalog change
 * on the next read, whoever made the change.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { createCast, requestAs } from "../../../tests/factories";
import { createCatalogBasics, createProduct } from "../../../tests/factories/catalog";
import * as stockPage from "~/routes/stock._index";
import { readVersions } from "~/utils/snapshots.server";
import { catalogIndex, type CatalogFilter } from "./catalog-index.server";
import { lockCatalogVersion, stockProductsQuery } from "./catalog.queries.server";
import { catalogChanged } from "./catalog.derived.server";
import { runChecks } from "../../../db/check";
import { STOCK_SORTS } from "./catalog.schema";

async function currentIndex() {
  return catalogIndex((await readVersions(getDb())).catalog);
}

/** The same filter and order, asked of the database (what the CSV export runs). */
async function sqlIds(f: CatalogFilter): Promise<number[]> {
  const db = getDb();
  let q = stockProductsQuery(db, { ...f, availableOnly: false }, null).select("p.id as pid");
  if (f.sort === "name") q = q.orderBy(f.locale === "en" ? "p.name_en" : "p.name_zh").orderBy("p.id");
  else if (f.sort === "price_asc") q = q.orderBy("p.list_price_minor").orderBy("p.sku");
  else if (f.sort === "price_desc") q = q.orderBy("p.list_price_minor", "desc").orderBy("p.sku");
  else if (f.sort === "lead_time") q = q.orderBy("p.lead_time_days").orderBy("p.sku");
  else q = q.orderBy("p.sku");
  return (await q.execute()).map((r) => r.pid);
}

async function varietyOfProducts() {
  await createCatalogBasics();
  const db = getDb();
  // Names in both languages with shared words, LIKE's special characters, SKUs whose
  // order differs between a binary and a _ci collation, equal prices and lead times
  // (ties broken by SKU), no lead time (NULL sorts first), both statuses, MTO or not.
  const names = [
    "Breeze wall AC",
    "breeze Pro 100%",
    "Frost fridge_2",
    "Inverter 变频 AC",
    "静音 Silent",
    "Über cooler",
    "zeta",
    "Alpha",
    "冰箱 Smart",
    "SMART inverter",
  ];
  const rows = Array.from({ length: 60 }, (_, i) => ({
    sku: `${["AC", "ac-x", "REF", "R_EF", "A.C"][i % 5]!.toUpperCase()}-${String((i * 37) % 100).padStart(3, "0")}`,
    name_en: `${names[i % names.length]} ${i % 7}`,
    name_zh: `${["空调", "冰箱", "静音空调", "变频冰箱"][i % 4]} ${names[(i + 3) % names.length]}`,
    category_code: i % 3 === 0 ? "fridge" : "split_ac",
    product_line_code: i % 4 === 0 ? "REF" : "AC",
    unit: "pcs",
    list_price_minor: [100_000, 250_000, 100_000, 99_900, 0][i % 5]!,
    status: i % 6 === 5 ? "discontinued" : "active",
    made_to_order: i % 4 === 1 ? 1 : 0,
    lead_time_days: i % 4 === 1 ? [5, 10, 5][i % 3]! : i % 2 ? null : 3,
  }));
  await db.insertInto("products").values(rows).execute();
  await catalogChanged(db);
}

describe("catalog index", () => {
  it("finds what the SQL filters find, in the same order, for every sort and filter", async () => {
    await varietyOfProducts();
    const index = await currentIndex();
    const filters: Omit<CatalogFilter, "sort" | "locale">[] = [
      { status: "active" },
      { status: "all" },
      { status: "discontinued" },
      { status: "active", q: "breeze" },
      { status: "all", q: "AC" },
      { status: "active", q: "100%" },
      { status: "active", q: "_2" },
      { status: "all", q: "变频" },
      { status: "all", q: "冰箱 smart" },
      { status: "active", q: "über" },
      { status: "active", q: "nothing like this" },
      { status: "active", category: "fridge" },
      { status: "active", category: "FRIDGE" },
      { status: "active", category: "nosuch" },
      { status: "all", line: "ref", mto: "exclude" },
      { status: "active", line: "AC", mto: "only", q: "inverter" },
      { status: "all", category: "split_ac", line: "AC", q: "a" },
    ];
    let compared = 0;
    for (const f of filters) {
      for (const sort of STOCK_SORTS) {
        for (const locale of ["en", "zh-CN"]) {
          const full = { ...f, sort, locale };
          const expected = await sqlIds(full);
          const found = index.find(full);
          expect(found.exact, JSON.stringify(full)).toBe(true);
          expect(found.total, JSON.stringify(full)).toBe(expected.length);
          expect(
            found.positions.map((i) => index.products[i]!.id),
            JSON.stringify(full),
          ).toEqual(expected);
          compared += expected.length;
        }
      }
    }
    // The comparison is not vacuous: most filters match something.
    expect(compared).toBeGreaterThan(1000);
  });

  it("answers a repeated text search, and one whose remembered matches were evicted, exactly as the first time", async () => {
    await varietyOfProducts();
    const index = await currentIndex();
    const ask = (q: string, sort: (typeof STOCK_SORTS)[number] = "sku") => index.find({ status: "active", q, sort, locale: "en" }, 12);
    const first = [ask("breeze"), ask("breeze", "name"), ask("ac"), ask("ac", "price_desc")];
    expect(first[0]!.positions.length).toBeGreaterThan(0);
    expect(first[2]).toMatchObject({ exact: false, total: 12 });
    // Remembered: the same answers, as fresh arrays (a caller changing one changes nothing).
    first[0]!.positions.length = 0;
    expect([ask("breeze"), ask("breeze", "name"), ask("ac"), ask("ac", "price_desc")].slice(1)).toEqual(first.slice(1));
    expect(ask("breeze").positions.length).toBeGreaterThan(0);
    // 100 other texts push both out of the memory; asked again they are found again.
    for (let i = 0; i < 100; i++) ask(`x${i}`);
    expect([ask("breeze", "name"), ask("ac"), ask("ac", "price_desc")]).toEqual(first.slice(1));
  });

  it("stops a text search in SKU order at the cap and says the count is a lower bound", async () => {
    await varietyOfProducts();
    const index = await currentIndex();
    const all = await sqlIds({ status: "all", q: "a", sort: "sku", locale: "en" });
    expect(all.length).toBeGreaterThan(20);
    const capped = index.find({ status: "all", q: "a", sort: "sku", locale: "en" }, 10);
    expect(capped).toMatchObject({ total: 10, exact: false });
    expect(capped.positions.map((i) => index.products[i]!.id)).toEqual(all.slice(0, 10));
    // Exactly as many as the cap is still exact.
    expect(index.find({ status: "all", q: "a", sort: "sku", locale: "en" }, all.length)).toMatchObject({ total: all.length, exact: true });
    // Other orders read every match anyway, and count them all.
    expect(index.find({ status: "all", q: "a", sort: "price_asc", locale: "en" }, 10)).toMatchObject({ total: all.length, exact: true });
  });

  it("moves the catalog version with every catalog write through catalogChanged; db:check names a write that skipped it", async () => {
    await createCatalogBasics();
    const db = getDb();
    const version = async () => BigInt((await readVersions(db)).catalog);
    const NAME = "catalog version: its fingerprint equals the catalog's (every write of products or tier prices moved it)";
    const check = async () => (await runChecks(db)).find((c) => c.name === NAME)!;
    const v0 = await version();
    const { id } = await createProduct({ sku: "V-1", tiers: {} });
    const v1 = await version();
    expect(v1).toBeGreaterThan(v0);
    expect(await check()).toMatchObject({ ok: true });
    // Every hand write that does not call catalogChanged is seen by db:check, whatever the row.
    const hand = [
      () => sql`UPDATE products SET name_en = 'Renamed' WHERE id = ${id}`.execute(db),
      () => db.insertInto("product_tier_prices").values({ product_id: id, tier: "gold", price_minor: 1 }).execute(),
      () => db.updateTable("product_tier_prices").set({ price_minor: 2 }).where("product_id", "=", id).execute(),
      () => db.deleteFrom("product_tier_prices").where("product_id", "=", id).execute(),
      () => db.deleteFrom("products").where("id", "=", id).execute(),
    ];
    for (const write of hand) {
      const before = await version();
      await write();
      expect(await version()).toBe(before);
      expect(await check()).toMatchObject({ ok: false, offending: [{ problem: "products or tier prices were written without moving the catalog version" }] });
      await catalogChanged(db);
      expect(await version()).toBeGreaterThan(before);
      expect(await check()).toMatchObject({ ok: true });
    }
    // A write that is rolled back leaves no trace.
    const before = await version();
    await db
      .transaction()
      .execute(async (tx) => {
        await sql`UPDATE products SET name_en = 'x'`.execute(tx);
        await catalogChanged(tx);
        throw new Error("roll back");
      })
      .catch(() => undefined);
    expect(await version()).toBe(before);
    // The lock domain writes take first moves it too.
    await db.transaction().execute((tx) => lockCatalogVersion(tx));
    expect(await version()).toBeGreaterThan(before);
  });

  it("shows a product change on the very next stock page, with no cache to clear", async () => {
    const cast = await createCast();
    await createCatalogBasics();
    const db = getDb();
    const { id } = await createProduct({ sku: "AC-1", nameEn: "Old name", tiers: { gold: 50_000 } });
    const page = async () => {
      const res = (await stockPage.loader({ request: await requestAs(cast.a.dealer_sales, "/stock?q=ac-"), params: {}, context: {} } as never)) as Response;
      return (await res.json()) as { rows: { sku: string; name: string; price_minor: number }[]; total: number };
    };
    const first = await page();
    expect(first.rows.map((r) => [r.sku, r.name, r.price_minor])).toEqual([["AC-1", "Old name", 50_000]]);
    // Written by hand, outside any domain function, as a repair script would: it moves the version itself.
    await sql`UPDATE products SET name_en = 'New name' WHERE id = ${id}`.execute(db);
    await sql`UPDATE product_tier_prices SET price_minor = 40000 WHERE product_id = ${id} AND tier = 'gold'`.execute(db);
    await catalogChanged(db);
    await createProduct({ sku: "AC-2", nameEn: "Second", tiers: {} });
    const second = await page();
    expect(second.rows.map((r) => [r.sku, r.name, r.price_minor])).toEqual([
      ["AC-1", "New name", 40_000],
      ["AC-2", "Second", 100_000],
    ]);
    expect(second.total).toBe(2);
  });

  it("shares one load between concurrent readers and reloads only when the version moves", async () => {
    await varietyOfProducts();
    const { catalog } = await readVersions(getDb());
    const [a, b] = await Promise.all([catalogIndex(catalog), catalogIndex(catalog)]);
    expect(a).toBe(b);
    expect(await catalogIndex(catalog)).toBe(a);
    await createProduct({ sku: "NEW-1", tiers: {} });
    const after = await currentIndex();
    expect(after).not.toBe(a);
    expect(after.products.some((p) => p.sku === "NEW-1")).toBe(true);
    expect(a.products.some((p) => p.sku === "NEW-1")).toBe(false);
  });
});

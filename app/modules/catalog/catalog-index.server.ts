/**
 * The catalog in memory, for the stock search (decision 077).
 *
 * Every stock search used to ask the database which of 20,000 products match a
 * text, a category or a product line, in page order, and then for those rows and
 * their tier prices. The catalog changes a few times a day; stock levels change
 * all the time. So each web process keeps the catalog (products and tier prices,
 * no stock) in memory and answers the search, the filters, the sort and an exact
 * count itself; only stock levels and incoming receipts come from the database.
 *
 * Freshness: `catalog_version` is a counter that every write of `products` or
 * `product_tier_prices` moves in its own transaction through catalogChanged()
 * (catalog.derived.server.ts: domain, import, seed, factories; db:check tells a
 * writer that forgot by the version's fingerprint). Every request reads it (in the
 * same statement as the snapshot versions) and reloads the index when it moved,
 * so a committed product change shows on the next request, in every process.
 * The index is read in one REPEATABLE READ snapshot, so its version and its rows
 * agree.
 *
 * The meaning of each filter is the SQL one (catalog.queries.server.ts, still
 * used by the CSV export and "available now"): a test compares them on the same
 * data. The search text is the database's own lower-cased `search_text`, so the
 * match is the LIKE '%q%' match; the SKU and name orders are the database's
 * collation order, read at load.
 */
import type { Kysely, Selectable } from "kysely";
import { getDb } from "../../../db/client";
import type { DB, Products } from "../../../db/types";
import { onForgetSnapshots } from "~/utils/snapshots.server";
import { productColumns, type ProductColumn } from "./catalog.queries.server";
import type { StockSort } from "./catalog.schema";
import type { StockFilter } from "./catalog.schema.server";

/** A product as the stock page lists it: the columns of `productColumns`, as the database holds them. */
export type IndexedProduct = Pick<Selectable<Products>, ProductColumn>;

export type CatalogIndex = {
  version: string;
  /** Every product, in SKU order (the database's collation). */
  products: readonly IndexedProduct[];
  /** A tier's price of a product, by tier then product id. */
  tierPrice(tier: string, productId: number): number | undefined;
  /** The product with this id, if the index holds it. */
  byId(productId: number): IndexedProduct | undefined;
  /**
   * Positions (into `products`) matching the filter, in the sort's order: at most
   * `cap` of them. `total` counts every match, except that a text search in SKU
   * order stops at `cap` (then `exact` is false and `total` is `cap`).
   */
  find(filter: CatalogFilter, cap?: number): { positions: number[]; total: number; exact: boolean };
};

export type CatalogFilter = Pick<StockFilter, "q" | "category" | "line" | "status" | "mto"> & { sort: StockSort; locale: string };

type Loaded = {
  products: IndexedProduct[];
  searchText: string[];
  prices: { product_id: number; tier: string; price_minor: number }[];
  nameEnOrder: number[];
  nameZhOrder: number[];
};

/** Separator between products' search texts: cannot occur in a LIKE pattern the page builds. */
const SEP = "\u0000";
/** How many searched texts an index remembers the matches of (at most 20,000 positions, 80 KB, each). */
const TEXT_CACHE_SIZE = 64;

function buildIndex(version: string, loaded: Loaded): CatalogIndex {
  const { products } = loaded;
  const n = products.length;
  const position = new Map<number, number>();
  products.forEach((p, i) => position.set(p.id, i));
  // One string of every search text, so a search is a few native indexOf calls
  // instead of 20,000 comparisons; `starts` maps a hit back to its product.
  const starts = new Int32Array(n + 1);
  let at = 0;
  for (let i = 0; i < n; i++) {
    starts[i] = at;
    at += loaded.searchText[i]!.length + 1;
  }
  starts[n] = at;
  const haystack = loaded.searchText.join(SEP) + SEP;
  const prices = new Map<string, Map<number, number>>();
  for (const p of loaded.prices) {
    let m = prices.get(p.tier);
    if (!m) prices.set(p.tier, (m = new Map()));
    m.set(p.product_id, Number(p.price_minor));
  }
  const codeOf = (values: (p: IndexedProduct) => string) => {
    // Codes compare case-insensitively in SQL (the column's _ci collation).
    const m = new Map<string, string>();
    for (const p of products) m.set(values(p).toLowerCase(), values(p));
    return m;
  };
  const categoryCodes = codeOf((p) => p.category_code);
  const lineCodes = codeOf((p) => p.product_line_code);
  const positionsOf = (ids: number[]) => Int32Array.from(ids.map((id) => position.get(id)!).filter((x) => x !== undefined));
  const orders = new Map<string, Int32Array>([
    ["name:en", positionsOf(loaded.nameEnOrder)],
    ["name:zh", positionsOf(loaded.nameZhOrder)],
  ]);
  // ORDER BY x, sku: the SKU order is the array's order, so ties break by position.
  const sortedBy = (key: (p: IndexedProduct) => number, desc: boolean) => {
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    return idx.sort((a, b) => {
      const d = desc ? key(products[b]!) - key(products[a]!) : key(products[a]!) - key(products[b]!);
      return d !== 0 ? d : a - b;
    });
  };
  const orderOf = (sort: StockSort, locale: string): Int32Array | null => {
    if (sort === "sku") return null;
    const k = sort === "name" ? `name:${locale === "en" ? "en" : "zh"}` : sort;
    let o = orders.get(k);
    if (!o) {
      // MySQL sorts NULL first in ascending order.
      if (sort === "lead_time") o = sortedBy((p) => p.lead_time_days ?? -Infinity, false);
      else o = sortedBy((p) => p.list_price_minor, sort === "price_desc");
      orders.set(k, o);
    }
    return o;
  };

  // Each filter column as a small typed array: a filter pass reads bytes, not objects.
  const STATUS = ["active", "discontinued"];
  const statusOf = Uint8Array.from(products, (p) => (STATUS.includes(p.status) ? STATUS.indexOf(p.status) : 255));
  const catList = [...new Set(products.map((p) => p.category_code))];
  const lineList = [...new Set(products.map((p) => p.product_line_code))];
  const catOf = Uint16Array.from(products, (p) => catList.indexOf(p.category_code));
  const lineOf = Uint16Array.from(products, (p) => lineList.indexOf(p.product_line_code));
  const mtoOf = Uint8Array.from(products, (p) => p.made_to_order);

  /** The position of the product whose text holds haystack offset `pos`. */
  const productAt = (pos: number) => {
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  /**
   * Calls `visit` with each product whose search text contains `needle` (LIKE
   * '%needle%' on search_text), in SKU order, until it returns false.
   */
  const eachTextMatch = (needle: string, visit: (i: number) => boolean) => {
    if (needle.includes(SEP)) return;
    let from = 0;
    for (;;) {
      const pos = haystack.indexOf(needle, from);
      if (pos === -1) return;
      const i = productAt(pos);
      if (!visit(i)) return;
      from = starts[i + 1]!;
    }
  };
  // Results of the filters without a text (a small, finite set of combinations).
  const filterCache = new Map<string, Int32Array>();
  // Every product matching a text, in SKU order, for the last TEXT_CACHE_SIZE texts
  // searched (least recently used goes first): paging through a search, and the
  // searches many dealers make, scan the text once per catalog version.
  const textCache = new Map<string, Int32Array>();
  const textMatches = (needle: string): Int32Array => {
    let hit = textCache.get(needle);
    if (hit) {
      textCache.delete(needle);
    } else {
      const found: number[] = [];
      eachTextMatch(needle, (i) => found.push(i) > 0);
      hit = Int32Array.from(found);
      if (textCache.size >= TEXT_CACHE_SIZE) textCache.delete(textCache.keys().next().value!);
    }
    textCache.set(needle, hit);
    return hit;
  };

  return {
    version,
    products,
    tierPrice: (tier, productId) => prices.get(tier)?.get(productId),
    byId: (productId) => {
      const i = position.get(productId);
      return i === undefined ? undefined : products[i];
    },
    find(f, cap = Infinity) {
      const none = { positions: [] as number[], total: 0, exact: true };
      const category = f.category === undefined ? -1 : catList.indexOf(categoryCodes.get(f.category.toLowerCase()) ?? "\u0000");
      const line = f.line === undefined ? -1 : lineList.indexOf(lineCodes.get(f.line.toLowerCase()) ?? "\u0000");
      if ((f.category !== undefined && category === -1) || (f.line !== undefined && line === -1)) return none;
      const status = f.status === "all" ? -1 : STATUS.indexOf(f.status);
      const mto = f.mto === "only" ? 1 : f.mto === "exclude" ? 0 : -1;
      const keep = (i: number) =>
        (status === -1 || statusOf[i] === status) &&
        (category === -1 || catOf[i] === category) &&
        (line === -1 || lineOf[i] === line) &&
        (mto === -1 || mtoOf[i] === mto);
      const order = orderOf(f.sort, f.locale);
      if (!f.q) {
        const key = `${f.sort}:${order && f.sort === "name" ? f.locale : ""}:${status}:${category}:${line}:${mto}`;
        let all = filterCache.get(key);
        if (!all) {
          const out: number[] = [];
          if (order) {
            for (let k = 0; k < n; k++) if (keep(order[k]!)) out.push(order[k]!);
          } else {
            for (let i = 0; i < n; i++) if (keep(i)) out.push(i);
          }
          if (filterCache.size >= 256) filterCache.clear();
          filterCache.set(key, (all = Int32Array.from(out)));
        }
        return { positions: Array.from(all.subarray(0, Math.min(all.length, cap))), total: all.length, exact: true };
      }
      const needle = f.q.toLowerCase();
      const out: number[] = [];
      const matches = textMatches(needle);
      if (!order) {
        // SKU order is the text's order: stop at `cap` matches.
        let exact = true;
        for (const i of matches) {
          if (!keep(i)) continue;
          if (out.length >= cap) {
            exact = false;
            break;
          }
          out.push(i);
        }
        return { positions: out, total: out.length, exact };
      }
      const hit = new Uint8Array(n);
      let total = 0;
      for (const i of matches) {
        if (keep(i)) {
          hit[i] = 1;
          total++;
        }
      }
      for (let k = 0; k < n && out.length < cap; k++) if (hit[order[k]!]) out.push(order[k]!);
      return { positions: out, total, exact: true };
    },
  };
}

type Entry = { version: string; value: Promise<CatalogIndex> };
const stores = new WeakMap<Kysely<DB>, Entry>();
onForgetSnapshots((db) => stores.delete(db));

/** Reads the whole catalog in one consistent snapshot. */
async function load(db: Kysely<DB>): Promise<CatalogIndex> {
  return db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute(async (tx) => {
      const v = await tx.selectFrom("catalog_version").select("version").where("id", "=", 1).executeTakeFirst();
      const [rows, prices, nameEn, nameZh] = await Promise.all([
        tx
          .selectFrom("products as p")
          .select([...productColumns, "p.search_text"])
          .orderBy("p.sku")
          .execute(),
        tx.selectFrom("product_tier_prices").select(["product_id", "tier", "price_minor"]).execute(),
        tx.selectFrom("products").select("id").orderBy("name_en").orderBy("id").execute(),
        tx.selectFrom("products").select("id").orderBy("name_zh").orderBy("id").execute(),
      ]);
      const searchText = rows.map((r) => r.search_text ?? "");
      const products = rows.map(({ search_text: _s, ...p }) => ({ ...p, list_price_minor: Number(p.list_price_minor) }));
      return buildIndex(String(v?.version ?? "none"), {
        products,
        searchText,
        prices,
        nameEnOrder: nameEn.map((r) => r.id),
        nameZhOrder: nameZh.map((r) => r.id),
      });
    });
}

/**
 * The catalog index at `version` (read by the caller with `readVersions` or `readReferenceVersions`). Loaded
 * once per version per process; concurrent callers share one load; a failed load
 * is not kept.
 */
export function catalogIndex(version: string, db: Kysely<DB> = getDb()): Promise<CatalogIndex> {
  const cur = stores.get(db);
  if (cur && cur.version === version) return cur.value;
  const value = load(db);
  const entry: Entry = { version, value };
  stores.set(db, entry);
  value.then(
    (index) => {
      // A write committed between the caller's read and the load: file the index
      // under the version it holds, so the next caller (who reads that) hits it.
      if (stores.get(db) === entry) entry.version = index.version;
    },
    () => {
      if (stores.get(db) === entry) stores.delete(db);
    },
  );
  return value;
}

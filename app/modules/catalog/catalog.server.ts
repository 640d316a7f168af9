/**
 * The catalog: the stock query page, product pages, the availability check,
 * product administration and holidays. Every function takes the actor first;
 * dealers only ever receive their own tier's price.
 */
import { sql } from "kysely";
import { db, getDb } from "../../../db/client";
import { audit, diff, emitEvent } from "~/modules/audit/audit.server";
import { syncAlertEligible } from "~/modules/stock/movements.server";
import { can, isDealerActor, requirePermission, type Actor } from "~/modules/auth/actor";
import { env } from "~/utils/env.server";
import { ConflictError, NotFoundError, ValidationError, type FieldErrors } from "~/utils/errors";
import { minorToDecimal } from "~/utils/money";
import { now, todayIn, type IsoDate } from "~/utils/time";
import { readReferenceVersions, sameVersions, snapshot, type ReferenceVersions } from "~/utils/snapshots.server";
import { transaction } from "~/utils/tx.server";
import { availableOf, earliestPromiseDate, orderByProximity, planAvailability, type AvailabilityPlan, type WarehouseStock } from "./availability";
import { loadHolidays } from "./calendar.server";
import { catalogIndex, type CatalogIndex, type IndexedProduct } from "./catalog-index.server";
import { catalogChanged } from "./catalog.derived.server";
import {
  PAGE_SIZE,
  dealerTier,
  findProductById,
  findProductBySku,
  incomingFor,
  listCategories,
  listHolidays as queryHolidays,
  listProductLines,
  listWarehouses,
  lockCatalogVersion,
  productColumns,
  productListQuery,
  recentMovements,
  stockOf,
  stockProductsQuery,
  tierPricesFor,
  type IncomingRow,
  type LevelRow,
} from "./catalog.queries.server";
import { TIERS, type StockSort } from "./catalog.schema";
import {
  type AvailabilityCheckInput,
  type HolidayInput,
  type ProductInput,
  type ProductListFilter,
  type StockFilter,
  type WarehouseCreateInput,
  type WarehouseUpdateInput,
} from "./catalog.schema.server";
import { parseOptionsSchema, quantityFits } from "./options.server";

const isDuplicate = (err: unknown) => (err as { code?: string }).code === "ER_DUP_ENTRY";

export function businessToday(): IsoDate {
  return todayIn(env().BUSINESS_TZ);
}

/** What price the actor sees: a dealer its tier price (list price when the tier has none); staff the list price. */
async function viewerTier(actor: Actor): Promise<{ tier: string | null; region: string | null }> {
  if (!isDealerActor(actor) || actor.dealerId === null) return { tier: null, region: null };
  const d = await dealerTier(db, actor.dealerId);
  return { tier: d?.tier ?? null, region: d?.region ?? null };
}

/**
 * What every stock view reads besides the products: active warehouses, categories,
 * product lines, holidays from today on and the viewer's tier. Kept as a snapshot,
 * recomputed when any of it may have changed (decision 076): one statement instead of five.
 * All of it is reference data, so the reference versions (the audit log's) decide.
 */
async function stockReference(actor: Actor, today: IsoDate, given?: ReferenceVersions) {
  const versions = given ?? (await readReferenceVersions(db));
  const dealerId = isDealerActor(actor) ? actor.dealerId : null;
  return snapshot(
    `catalog:reference:${today}:${dealerId ?? "staff"}`,
    async () => {
      const [warehouses, categories, lines, holidays, viewer] = await Promise.all([
        listWarehouses(db),
        listCategories(db),
        listProductLines(db),
        loadHolidays(db, today),
        viewerTier(actor),
      ]);
      return { warehouses, categories, lines, holidays: holidays as ReadonlySet<string>, viewer };
    },
    versions,
  );
}

/** Warehouses the filter considers: one, a region's, or all (null). */
function warehouseScope(all: { id: number; region: string }[], f: { warehouse?: number; region?: string }): number[] | null {
  if (f.warehouse) return all.some((w) => w.id === f.warehouse) ? [f.warehouse] : [];
  if (f.region) return all.filter((w) => w.region === f.region).map((w) => w.id);
  return null;
}

function sortProducts<Q extends { orderBy: (...a: never[]) => unknown }>(q: Q, sort: StockSort, locale: string): Q {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const x = q as any;
  switch (sort) {
    case "name":
      return x.orderBy(locale === "en" ? "p.name_en" : "p.name_zh").orderBy("p.id");
    case "price_asc":
      return x.orderBy("p.list_price_minor").orderBy("p.sku");
    case "price_desc":
      return x.orderBy("p.list_price_minor", "desc").orderBy("p.sku");
    case "lead_time":
      return x.orderBy("p.lead_time_days").orderBy("p.sku");
    default:
      return x.orderBy("p.sku");
  }
}

/** A product as a stock row shows it (the index holds exactly these columns). */
type StockRowProduct = IndexedProduct;

/** Levels, next incoming and promise dates for one page of products (never the whole catalog). */
/**
 * Levels, next incoming and promise date of a page of products, priced with
 * `tierPrice` (the viewer's tier price of a product, or undefined for the list price).
 */
function decorate(
  products: StockRowProduct[],
  { levels, incoming }: { levels: LevelRow[]; incoming: IncomingRow[] },
  tier: string | null,
  today: IsoDate,
  holidays: ReadonlySet<string>,
  tierPrice: (productId: number) => number | undefined,
) {
  // Available per warehouse (warehouse id → units) and in all, per product: the only
  // figures the stock views show (on hand and reserved stay on the product page).
  const stockMap = new Map<number, { byWarehouse: Record<number, number>; available: number }>();
  for (const l of levels) {
    let m = stockMap.get(l.product_id);
    if (!m) stockMap.set(l.product_id, (m = { byWarehouse: {}, available: 0 }));
    const available = availableOf({ onHand: l.on_hand, reserved: l.reserved });
    m.byWarehouse[l.warehouse_id] = available;
    m.available += available;
  }
  const nextMap = new Map<number, { quantity: number; eta: IsoDate }>();
  for (const i of incoming) {
    const cur = nextMap.get(i.product_id);
    if (!cur) nextMap.set(i.product_id, { quantity: i.quantity, eta: i.eta });
    else if (cur.eta === i.eta) cur.quantity += i.quantity;
  }
  return products.map((p) => {
    const stock = stockMap.get(p.id);
    const available = stock?.available ?? 0;
    const next = nextMap.get(p.id) ?? null;
    const price = tier ? tierPrice(p.id) : undefined;
    // Every field named (no `...p`): on this Node (V8 11.3) an object spread followed by
    // more properties costs about 1.5 µs per added property, 8 of them per row here.
    return {
      id: p.id,
      sku: p.sku,
      name_en: p.name_en,
      name_zh: p.name_zh,
      category_code: p.category_code,
      product_line_code: p.product_line_code,
      unit: p.unit,
      list_price_minor: p.list_price_minor,
      currency: p.currency,
      status: p.status,
      made_to_order: p.made_to_order === 1,
      lead_time_days: p.lead_time_days,
      image_path: p.image_path,
      price_minor: price !== undefined ? price : p.list_price_minor,
      price_kind: price !== undefined ? ("tier" as const) : ("list" as const),
      availableIn: stock?.byWarehouse ?? {},
      available,
      nextIncoming: next,
      promiseDate: earliestPromiseDate({
        today,
        madeToOrder: p.made_to_order === 1,
        leadTimeDays: p.lead_time_days,
        holidays,
        available,
        nextEta: next?.eta ?? null,
      }),
    };
  });
}

export type StockRow = ReturnType<typeof decorate>[number];

async function holidaysFrom(today: IsoDate) {
  return loadHolidays(db, today);
}

/**
 * The reference versions this process last saw in a stock page's statement. The
 * next page assumes them (see listStock); a stale value costs one rebuild, never a
 * stale page.
 */
const lastSeenVersions = new WeakMap<object, ReferenceVersions>();

/**
 * The stock page. The catalog's filters, sort and count are answered from the
 * in-memory catalog index (decision 077); "available now" walks the SQL filter
 * (it needs stock levels, which change all the time) and takes the rows from the
 * index. Then levels and incoming for just the page's products.
 *
 * In the steady state the page costs one statement: the page is built from the
 * snapshots (reference data, catalog index) of the versions the last page saw, and
 * the statement that reads its levels reads the versions again. If they moved on,
 * the page is built again at the versions that statement saw, which were read
 * during this request: as fresh as reading them first (decision 076 addendum).
 */
export async function listStock(actor: Actor, filter: StockFilter & { page: number }) {
  requirePermission(actor, "catalog:read");
  const today = businessToday();
  const database = getDb();
  let versions = lastSeenVersions.get(database);
  const readNow = versions === undefined;
  if (versions === undefined) versions = await readReferenceVersions(db);
  for (let rebuilt = readNow; ; rebuilt = true) {
    const page = await stockPage(actor, filter, today, versions);
    const stock = await stockOf(
      db,
      page.products.map((p) => p.id),
      page.scope,
      true,
    );
    lastSeenVersions.set(database, stock.versions);
    if (rebuilt || sameVersions(stock.versions, versions))
      return { rows: decorate(page.products, stock, page.result.tier, today, page.holidays, page.tierPrice), ...page.result };
    versions = stock.versions;
  }
}

/** The stock page at these reference versions, all but its levels. */
async function stockPage(actor: Actor, filter: StockFilter & { page: number }, today: IsoDate, versions: ReferenceVersions) {
  const [{ warehouses: allWarehouses, categories, lines, holidays, viewer }, current] = await Promise.all([
    stockReference(actor, today, versions),
    catalogIndex(versions.catalog),
  ]);
  let index = current;
  const scope = warehouseScope(allWarehouses, filter);
  const offset = (filter.page - 1) * PAGE_SIZE;
  let products: StockRowProduct[];
  let total: number;
  let totalIsLowerBound = false;
  // "Available now" and a text search count at most ten pages ahead ("more than N"):
  // one scan in page order that stops there serves both the page and the count.
  const cap = offset + PAGE_SIZE * 10 + 1;
  if (filter.availableOnly) {
    const ids = await sortProducts(stockProductsQuery(db, filter, scope).select("p.id as pid"), filter.sort, actor.locale)
      .limit(cap)
      .execute();
    totalIsLowerBound = ids.length >= cap;
    total = totalIsLowerBound ? cap - 1 : ids.length;
    ({ index, products } = await indexedRows(
      index,
      ids.slice(offset, offset + PAGE_SIZE).map((r) => r.pid),
    ));
  } else {
    const found = index.find({ ...filter, locale: actor.locale }, cap);
    totalIsLowerBound = !found.exact;
    total = totalIsLowerBound ? cap - 1 : found.total;
    products = found.positions.slice(offset, offset + PAGE_SIZE).map((i) => index.products[i]!);
  }
  const tier = viewer.tier;
  const warehouses = scope ? allWarehouses.filter((w) => scope.includes(w.id)) : allWarehouses;
  const tierPrice = (id: number) => (tier ? index.tierPrice(tier, id) : undefined);
  return {
    products,
    scope,
    holidays,
    tierPrice,
    result: {
      total,
      totalIsLowerBound,
      page: filter.page,
      pageSize: PAGE_SIZE,
      warehouses,
      allWarehouses,
      categories,
      lines,
      today,
      tier,
      dealerRegion: viewer.region,
    },
  };
}

/**
 * The index holding every one of `ids`: a product committed after the index was
 * read (so SQL found it and the index not) means the catalog moved on; read the
 * index at the new version. Rows come back in the order of `ids`.
 */
async function indexedRows(index: CatalogIndex, ids: number[]): Promise<{ index: CatalogIndex; products: StockRowProduct[] }> {
  if (ids.some((id) => !index.byId(id))) index = await catalogIndex((await readReferenceVersions(db)).catalog);
  return { index, products: ids.flatMap((id) => index.byId(id) ?? []) };
}

/**
 * The stock page as CSV, for the current filter: header first, then rows read
 * in pages of 500 (memory bounded by one page).
 */
export async function exportStock(actor: Actor, filter: StockFilter) {
  requirePermission(actor, "catalog:read");
  const [allWarehouses, viewer] = await Promise.all([listWarehouses(db), viewerTier(actor)]);
  const scope = warehouseScope(allWarehouses, filter);
  const warehouses = scope ? allWarehouses.filter((w) => scope.includes(w.id)) : allWarehouses;
  const header = [
    "sku",
    "name_zh",
    "name_en",
    "category",
    "product_line",
    "unit",
    "status",
    "made_to_order",
    "lead_time_days",
    viewer.tier ? `price_${viewer.tier}` : "list_price",
    "currency",
    "available_total",
    ...warehouses.map((w) => `available_${w.code}`),
    "next_incoming_qty",
    "next_incoming_eta",
    "promise_date",
  ];
  const today = businessToday();
  async function* batches() {
    const holidays = await holidaysFrom(today);
    const size = 500;
    let afterSku: string | null = null;
    for (let offset = 0; ; offset += size) {
      // Keyset by SKU for the default sort; paged reads for the others.
      const keyset = filter.sort === "sku";
      let q = sortProducts(stockProductsQuery(db, filter, scope).select(productColumns), filter.sort, actor.locale)
        .orderBy("p.id")
        .limit(size);
      if (keyset && afterSku !== null) q = q.where("p.sku", ">", afterSku);
      if (!keyset) q = q.offset(offset);
      const products = await q.execute();
      if (!products.length) return;
      afterSku = products[products.length - 1]!.sku;
      const prices = viewer.tier
        ? await tierPricesFor(
            db,
            products.map((p) => p.id),
            viewer.tier,
          )
        : [];
      const priceOf = new Map(prices.map((p) => [p.product_id, p.price_minor]));
      const rows = decorate(
        products,
        await stockOf(
          db,
          products.map((p) => p.id),
          scope,
        ),
        viewer.tier,
        today,
        holidays,
        (id) => priceOf.get(id),
      );
      yield rows.map((r) => [
        r.sku,
        r.name_zh,
        r.name_en,
        r.category_code,
        r.product_line_code,
        r.unit,
        r.status,
        r.made_to_order ? 1 : 0,
        r.lead_time_days ?? "",
        minorToDecimal(r.price_minor, r.currency),
        r.currency,
        r.available,
        ...warehouses.map((w) => r.availableIn[w.id] ?? 0),
        r.nextIncoming?.quantity ?? "",
        r.nextIncoming?.eta ?? "",
        r.promiseDate ?? "",
      ]);
      if (products.length < size) return;
    }
  }
  return { header, batches: batches() };
}

/** Warehouse stock of one product, every active warehouse, with planned incoming. */
async function warehouseStock(
  productId: number,
  warehouses: readonly { id: number; code: string; name_en: string; name_zh: string; region: string }[],
): Promise<WarehouseStock[]> {
  const { levels, incoming } = await stockOf(db, [productId], null);
  return warehouses.map((w) => {
    const l = levels.find((x) => x.warehouse_id === w.id);
    return {
      warehouseId: w.id,
      code: w.code,
      nameEn: w.name_en,
      nameZh: w.name_zh,
      region: w.region,
      onHand: l?.on_hand ?? 0,
      reserved: l?.reserved ?? 0,
      incoming: incoming.filter((i) => i.warehouse_id === w.id).map((i) => ({ quantity: i.quantity, eta: i.eta })),
    };
  });
}

/** "Can I get N units by date D near region R?" */
export async function checkAvailability(
  actor: Actor,
  input: AvailabilityCheckInput,
): Promise<{
  product: { sku: string; name_en: string; name_zh: string; unit: string; made_to_order: boolean; lead_time_days: number | null; status: string };
  plan: AvailabilityPlan;
  region: string | null;
  quantityFits: boolean;
  quantityMultiple: number;
  minQuantity: number;
}> {
  requirePermission(actor, "catalog:read");
  const today = businessToday();
  const [product, { viewer, warehouses: active, holidays }] = await Promise.all([findProductBySku(db, input.sku), stockReference(actor, today)]);
  if (!product) throw new ValidationError("validation.formErrors", { sku: ["stock.unknownSku"] });
  const region = input.region ?? viewer.region;
  const warehouses = await warehouseStock(product.id, active);
  const plan = planAvailability({
    quantity: input.quantity,
    neededBy: input.neededBy,
    region,
    today,
    madeToOrder: product.made_to_order === 1,
    leadTimeDays: product.lead_time_days,
    holidays,
    warehouses,
  });
  const schema = parseOptionsSchema(product.options_schema);
  return {
    product: {
      sku: product.sku,
      name_en: product.name_en,
      name_zh: product.name_zh,
      unit: product.unit,
      made_to_order: product.made_to_order === 1,
      lead_time_days: product.lead_time_days,
      status: product.status,
    },
    plan,
    region,
    quantityFits: quantityFits(schema, input.quantity),
    quantityMultiple: schema?.quantityMultiple ?? 1,
    minQuantity: schema?.minQuantity ?? 1,
  };
}

/** The product page: everything about one product, priced for the viewer. */
export async function getProductPage(actor: Actor, sku: string) {
  requirePermission(actor, "catalog:read");
  const today = businessToday();
  const [product, { viewer, warehouses: active, holidays }] = await Promise.all([findProductBySku(db, sku.trim().toUpperCase()), stockReference(actor, today)]);
  if (!product) throw new NotFoundError();
  const canAdjust = can(actor, "stock:adjust");
  const [warehouses, prices, movements, incoming] = await Promise.all([
    warehouseStock(product.id, active),
    // A dealer's query asks for its own tier only: other tiers never leave the database.
    viewer.tier ? tierPricesFor(db, [product.id], viewer.tier) : isDealerActor(actor) ? Promise.resolve([]) : tierPricesFor(db, [product.id]),
    canAdjust ? recentMovements(db, product.id) : Promise.resolve([]),
    incomingFor(db, [product.id], null),
  ]);
  const ordered = orderByProximity(warehouses, viewer.region);
  const available = warehouses.reduce((s, w) => s + availableOf(w), 0);
  const nextEta = incoming[0]?.eta ?? null;
  const pricing = isDealerActor(actor)
    ? {
        kind: "dealer" as const,
        tier: viewer.tier,
        price: prices[0]?.price_minor ?? product.list_price_minor,
        isTierPrice: prices.length > 0,
      }
    : { kind: "staff" as const, tiers: TIERS.map((t) => ({ tier: t, price: prices.find((p) => p.tier === t)?.price_minor ?? null })) };
  const whName = new Map(warehouses.map((w) => [w.warehouseId, w.code]));
  return {
    product: {
      id: product.id,
      sku: product.sku,
      name_en: product.name_en,
      name_zh: product.name_zh,
      description_en: product.description_en,
      description_zh: product.description_zh,
      category: { code: product.category_code, en: product.category_en, zh: product.category_zh },
      line: { code: product.product_line_code, en: product.line_en, zh: product.line_zh },
      unit: product.unit,
      list_price_minor: product.list_price_minor,
      currency: product.currency,
      status: product.status,
      made_to_order: product.made_to_order === 1,
      lead_time_days: product.lead_time_days,
      image_path: product.image_path,
      options: parseOptionsSchema(product.options_schema),
    },
    pricing,
    warehouses: ordered.map((w) => ({ ...w, available: availableOf(w) })),
    incoming: incoming.map((i) => ({ ...i, warehouse_code: whName.get(i.warehouse_id) ?? "" })),
    available,
    promiseDate: earliestPromiseDate({ today, madeToOrder: product.made_to_order === 1, leadTimeDays: product.lead_time_days, holidays, available, nextEta }),
    today,
    movements,
    dealerRegion: viewer.region,
    canAdjust,
    canEdit: can(actor, "product:manage"),
  };
}

// ---------- product administration (admin) ----------

export async function listProducts(actor: Actor, filter: ProductListFilter & { page: number }) {
  requirePermission(actor, "product:manage");
  const base = productListQuery(db, filter);
  const [rows, total, categories, lines] = await Promise.all([
    base
      .select([...productColumns, "p.updated_at"])
      .orderBy("p.sku")
      .limit(PAGE_SIZE)
      .offset((filter.page - 1) * PAGE_SIZE)
      .execute(),
    base.select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst(),
    listCategories(db),
    listProductLines(db),
  ]);
  return {
    rows: rows.map((r) => ({ ...r, made_to_order: r.made_to_order === 1 })),
    total: Number(total?.n ?? 0),
    page: filter.page,
    pageSize: PAGE_SIZE,
    categories,
    lines,
  };
}

/** Products in the import format, in keyset batches by SKU. */
export async function* productCsvBatches(filter: ProductListFilter) {
  let after: string | null = null;
  const size = 500;
  for (;;) {
    let q = productListQuery(db, filter).selectAll("p").orderBy("p.sku").limit(size);
    if (after !== null) q = q.where("p.sku", ">", after);
    const rows = await q.execute();
    if (!rows.length) return;
    const prices = await tierPricesFor(
      db,
      rows.map((r) => r.id),
    );
    const priceOf = (id: number, tier: string) => {
      const p = prices.find((x) => x.product_id === id && x.tier === tier);
      return p ? p.price_minor : null;
    };
    yield rows.map((r) => [
      r.sku,
      r.name_zh,
      r.name_en,
      r.description_zh ?? "",
      r.description_en ?? "",
      r.category_code,
      r.product_line_code,
      r.unit,
      minorToDecimal(r.list_price_minor, r.currency),
      ...TIERS.map((t) => {
        const p = priceOf(r.id, t);
        return p === null ? "" : minorToDecimal(p, r.currency);
      }),
      r.currency,
      r.status,
      r.made_to_order ? 1 : 0,
      r.lead_time_days ?? "",
      r.options_schema ?? "",
      r.image_path ?? "",
    ]);
    after = rows[rows.length - 1]!.sku;
    if (rows.length < size) return;
  }
}

export function exportProducts(actor: Actor, filter: ProductListFilter) {
  requirePermission(actor, "stock:import");
  return productCsvBatches(filter);
}

export async function productFormOptions(actor: Actor) {
  requirePermission(actor, "product:manage");
  const [categories, lines] = await Promise.all([listCategories(db), listProductLines(db)]);
  return { categories, lines, images: PRODUCT_IMAGES };
}

/** The images shipped in public/images/products (one per category). */
const PRODUCT_IMAGES = [
  "/images/products/split-ac.svg",
  "/images/products/floor-ac.svg",
  "/images/products/central-ac.svg",
  "/images/products/fridge.svg",
  "/images/products/freezer.svg",
  "/images/products/washer.svg",
  "/images/products/dryer.svg",
  "/images/products/electric-heater.svg",
  "/images/products/gas-heater.svg",
  "/images/products/display.svg",
  "/images/products/signage.svg",
  "/images/products/smart-lock.svg",
  "/images/products/smart-hub.svg",
] as const;

export async function getProductForEdit(actor: Actor, id: number) {
  requirePermission(actor, "product:manage");
  const product = await findProductById(db, id);
  if (!product) throw new NotFoundError();
  const prices = await tierPricesFor(db, [id]);
  return {
    product: { ...product, made_to_order: product.made_to_order === 1 },
    tierPrices: Object.fromEntries(prices.map((p) => [p.tier, p.price_minor])) as Record<string, number>,
  };
}

async function assertCodes(input: ProductInput) {
  const [cat, line] = await Promise.all([
    db.selectFrom("categories").select("code").where("code", "=", input.category).executeTakeFirst(),
    db.selectFrom("product_lines").select("code").where("code", "=", input.line).executeTakeFirst(),
  ]);
  const fe: FieldErrors = {};
  if (!cat) fe.category = ["validation.choice"];
  if (!line) fe.line = ["validation.choice"];
  if (Object.keys(fe).length) throw new ValidationError("validation.formErrors", fe);
}

function productRow(input: ProductInput) {
  return {
    sku: input.sku,
    name_en: input.nameEn,
    name_zh: input.nameZh,
    description_en: input.descriptionEn,
    description_zh: input.descriptionZh,
    category_code: input.category,
    product_line_code: input.line,
    unit: input.unit,
    list_price_minor: input.listPrice ?? 0,
    status: input.status,
    made_to_order: input.madeToOrder ? 1 : 0,
    lead_time_days: input.leadTimeDays,
    options_schema: input.optionsSchema,
    image_path: input.imagePath,
  };
}

function tierInput(input: ProductInput): Record<string, number | null> {
  return { platinum: input.pricePlatinum, gold: input.priceGold, silver: input.priceSilver };
}

async function writeTierPrices(tx: Parameters<Parameters<typeof transaction>[1]>[0], productId: number, prices: Record<string, number | null>) {
  await tx.deleteFrom("product_tier_prices").where("product_id", "=", productId).execute();
  const rows = Object.entries(prices)
    .filter((e): e is [string, number] => e[1] !== null)
    .map(([tier, price]) => ({ product_id: productId, tier, price_minor: price }));
  if (rows.length) await tx.insertInto("product_tier_prices").values(rows).execute();
}

export async function createProduct(actor: Actor, input: ProductInput) {
  requirePermission(actor, "product:manage");
  await assertCodes(input);
  try {
    return await transaction("product.create", async (tx) => {
      await lockCatalogVersion(tx);
      const res = await tx
        .insertInto("products")
        .values({ ...productRow(input), currency: env().DEFAULT_CURRENCY })
        .executeTakeFirstOrThrow();
      const id = Number(res.insertId);
      await writeTierPrices(tx, id, tierInput(input));
      await catalogChanged(tx);
      await audit(tx, actor, { action: "product.created", entityType: "product", entityId: id, summary: { sku: input.sku, ...tierInput(input) } });
      if (input.status === "active") {
        await emitEvent(tx, actor, {
          type: "product.launched",
          entityType: "product",
          entityId: id,
          payload: { sku: input.sku, nameEn: input.nameEn, nameZh: input.nameZh },
        });
      }
      return { id, sku: input.sku };
    });
  } catch (err) {
    if (isDuplicate(err)) throw new ValidationError("validation.formErrors", { sku: ["products.skuTaken"] });
    throw err;
  }
}

export async function updateProduct(actor: Actor, id: number, input: ProductInput) {
  requirePermission(actor, "product:manage");
  await assertCodes(input);
  try {
    return await transaction("product.update", async (tx) => {
      await lockCatalogVersion(tx);
      const before = await tx.selectFrom("products").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
      if (!before) throw new NotFoundError();
      // Optimistic concurrency: the form carries the version it was loaded with.
      if (input.updatedAt && before.updated_at.toISOString() !== input.updatedAt) throw new ConflictError("products.changedMeanwhile");
      const beforePrices = await tx.selectFrom("product_tier_prices").select(["tier", "price_minor"]).where("product_id", "=", id).execute();
      const after = productRow(input);
      await tx
        .updateTable("products")
        .set({ ...after, updated_at: now() })
        .where("id", "=", id)
        .execute();
      await syncAlertEligible(tx, [id]);
      const prices = tierInput(input);
      await writeTierPrices(tx, id, prices);
      await catalogChanged(tx);
      const changes = diff(
        {
          ...(before as unknown as Record<string, unknown>),
          ...Object.fromEntries(TIERS.map((t) => [`price_${t}`, beforePrices.find((p) => p.tier === t)?.price_minor ?? null])),
        },
        { ...after, ...Object.fromEntries(TIERS.map((t) => [`price_${t}`, prices[t]])) },
      );
      if (Object.keys(changes).length) await audit(tx, actor, { action: "product.updated", entityType: "product", entityId: id, summary: changes });
      if (before.status === "active" && input.status === "discontinued") {
        await emitEvent(tx, actor, { type: "product.discontinued", entityType: "product", entityId: id, payload: { sku: input.sku } });
      }
      return { id, sku: input.sku };
    });
  } catch (err) {
    if (isDuplicate(err)) throw new ValidationError("validation.formErrors", { sku: ["products.skuTaken"] });
    throw err;
  }
}

// ---------- holidays (admin) ----------

export async function listHolidays(actor: Actor, year: number) {
  requirePermission(actor, "catalog:read");
  return queryHolidays(db, `${year}-01-01`, `${year}-12-31`);
}

export async function addHoliday(actor: Actor, input: HolidayInput) {
  requirePermission(actor, "product:manage");
  try {
    await transaction("holiday.add", async (tx) => {
      await tx.insertInto("holidays").values({ day: input.day, name: input.name }).execute();
      await audit(tx, actor, { action: "holiday.added", entityType: "holiday", entityId: input.day, summary: { name: input.name } });
    });
  } catch (err) {
    if (isDuplicate(err)) throw new ValidationError("validation.formErrors", { day: ["holidays.exists"] });
    throw err;
  }
}

export async function removeHoliday(actor: Actor, day: string) {
  requirePermission(actor, "product:manage");
  await transaction("holiday.remove", async (tx) => {
    const res = await tx.deleteFrom("holidays").where("day", "=", day).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new NotFoundError();
    await audit(tx, actor, { action: "holiday.removed", entityType: "holiday", entityId: day });
  });
}

// ---------------------------------------------------------------- warehouses

/** Every warehouse, for the administrator. */
export async function listWarehousesForAdmin(actor: Actor) {
  requirePermission(actor, "product:manage");
  return db.selectFrom("warehouses").select(["id", "code", "name_en", "name_zh", "region", "status", "created_at"]).orderBy("code").execute();
}

/**
 * What one warehouse holds (products stocked, on hand, reserved), shown while editing it:
 * a warehouse of 20,000 levels takes tens of milliseconds, so the list does not sum them all.
 */
export async function warehouseHoldings(actor: Actor, warehouseId: number) {
  requirePermission(actor, "product:manage");
  const t = await db
    .selectFrom("stock_levels")
    .select([sql<number>`COUNT(*)`.as("levels"), sql<string>`COALESCE(SUM(on_hand), 0)`.as("on_hand"), sql<string>`COALESCE(SUM(reserved), 0)`.as("reserved")])
    .where("warehouse_id", "=", warehouseId)
    .executeTakeFirst();
  return { levels: Number(t?.levels ?? 0), onHand: Number(t?.on_hand ?? 0), reserved: Number(t?.reserved ?? 0) };
}

export async function createWarehouse(actor: Actor, input: WarehouseCreateInput): Promise<{ id: number }> {
  requirePermission(actor, "product:manage");
  try {
    return await transaction("warehouse.create", async (tx) => {
      const res = await tx
        .insertInto("warehouses")
        .values({ code: input.code, name_en: input.name_en, name_zh: input.name_zh, region: input.region, status: "active" })
        .executeTakeFirstOrThrow();
      const id = Number(res.insertId);
      await audit(tx, actor, { action: "warehouse.created", entityType: "warehouse", entityId: id, summary: { ...input } });
      return { id };
    });
  } catch (err) {
    if (isDuplicate(err)) throw new ValidationError("validation.formErrors", { code: ["warehouses.codeTaken"] });
    throw err;
  }
}

/**
 * Renames a warehouse, moves it to another region, or closes / reopens it. A closed
 * warehouse takes no receipts, reservations or shipments; it cannot close while
 * units in it are reserved for orders (ship or release them first).
 */
export async function updateWarehouse(actor: Actor, input: WarehouseUpdateInput): Promise<void> {
  requirePermission(actor, "product:manage");
  await transaction("warehouse.update", async (tx) => {
    const before = await tx
      .selectFrom("warehouses")
      .select(["id", "name_en", "name_zh", "region", "status"])
      .where("id", "=", input.id)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new NotFoundError();
    if (input.status === "inactive" && before.status !== "inactive") {
      // Reservations are taken with the level row locked; lock this warehouse's levels to close it race-free.
      const held = await tx
        .selectFrom("stock_levels")
        .select(sql<string>`COALESCE(SUM(reserved), 0)`.as("r"))
        .where("warehouse_id", "=", input.id)
        .forUpdate()
        .executeTakeFirst();
      const reserved = Number(held?.r ?? 0);
      if (reserved > 0) throw new ConflictError("warehouses.hasReservations", { units: reserved }).onField("status");
    }
    const after = { name_en: input.name_en, name_zh: input.name_zh, region: input.region, status: input.status };
    const changes = diff(before, after);
    if (!Object.keys(changes).length) return;
    await tx.updateTable("warehouses").set(after).where("id", "=", input.id).execute();
    await audit(tx, actor, { action: "warehouse.updated", entityType: "warehouse", entityId: input.id, summary: changes });
  });
}

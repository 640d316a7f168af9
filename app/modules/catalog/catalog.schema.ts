/**
 * Input shapes of the catalog and stock pages (browser-safe). Error messages of
 * custom refinements are i18n keys.
 */
import { TIERS } from "~/modules/organisations/organisations.schema";

export const PRODUCT_STATUSES = ["active", "discontinued"] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];
export { TIERS };

export const STOCK_SORTS = ["sku", "name", "price_asc", "price_desc", "lead_time"] as const;
export type StockSort = (typeof STOCK_SORTS)[number];

/** SKUs are upper-case letters, digits, dot, dash and underscore. */
export const SKU_RE = /^[A-Z0-9][A-Z0-9._-]{1,63}$/;

export const IMAGE_PATH_RE = /^\/images\/[A-Za-z0-9/_.-]{1,200}\.(svg|png|jpe?g|webp)$/;

export const WAREHOUSE_STATUSES = ["active", "inactive"] as const;

export const IMPORT_KINDS = ["products", "stock"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const IMPORT_MODES = ["all_or_nothing", "valid_rows"] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/** The product file format: what the products import reads, and what the exports write (round trip). */
export const PRODUCT_CSV_HEADER = [
  "sku",
  "name_zh",
  "name_en",
  "description_zh",
  "description_en",
  "category",
  "product_line",
  "unit",
  "list_price",
  "price_platinum",
  "price_gold",
  "price_silver",
  "currency",
  "status",
  "made_to_order",
  "lead_time_days",
  "options_schema",
  "image_path",
] as const;

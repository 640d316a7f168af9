/** Browser-safe lists and shapes of the sell-out area (the zod schemas are in sellout.schema.server.ts). */
export { IMPORT_MODES, type ImportMode } from "~/modules/catalog/catalog.schema";

export type SelloutStatus = "not_reported" | "open" | "closed";

/**
 * The columns of a sell-out file, in template order, with the Chinese heading the zh-CN template uses.
 * A file may name a column by its code or by either heading (and the aliases in import.server.ts).
 */
export const SELLOUT_COLUMNS = [
  { code: "sku", zh: "物料编码", en: "SKU" },
  { code: "units_sold", zh: "销量", en: "Units sold" },
  { code: "revenue", zh: "销售额", en: "Revenue" },
  { code: "units_on_hand", zh: "期末库存", en: "Units on hand" },
  { code: "key_account", zh: "大客户信用代码", en: "Key account credit code" },
  { code: "region", zh: "区域", en: "Region" },
] as const;
export type SelloutColumn = (typeof SELLOUT_COLUMNS)[number]["code"];

export const MAX_UNITS = 10_000_000;
/** ¥/$ 999,999,999.99 per line (nine typed digits, as every amount field, decision 101): far above any one SKU's sales in a period. */
export const MAX_REVENUE_MINOR = 99_999_999_999;
export const MAX_REGION = 32;

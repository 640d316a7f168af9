/** The zod schemas of catalog.schema.ts (server-only: loaders and actions parse with them; zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { optionalText } from "~/utils/fields.server";
import { REGIONS } from "~/modules/organisations/organisations.schema";
import { MAX_PRICE_MINOR, parseWhole } from "~/utils/numbers";
import { moneyField, optionalMoneyField, wholeNumberField } from "~/utils/numbers.server";
import { isoDate, optionalDate } from "~/utils/time.server";
import { checkOptionsSchemaJson } from "./options.server";
import { PRODUCT_STATUSES, STOCK_SORTS, SKU_RE, IMAGE_PATH_RE, WAREHOUSE_STATUSES, IMPORT_KINDS, IMPORT_MODES } from "./catalog.schema";

const skuField = z.string().trim().toUpperCase().regex(SKU_RE, { message: "products.skuFormat" });

const flag = z
  .union([z.literal("1"), z.literal("on"), z.literal("true"), z.literal("0"), z.literal("false")])
  .optional()
  .transform((v) => v === "1" || v === "on" || v === "true");

export const StockQuery = z.object({
  q: z.string().trim().max(100).optional(),
  category: z.string().trim().max(32).optional(),
  line: z.string().trim().max(32).optional(),
  region: z.enum(REGIONS).optional(),
  warehouse: z.coerce.number().int().positive().optional(),
  availableOnly: flag,
  mto: z.enum(["only", "exclude"]).optional(),
  status: z.enum([...PRODUCT_STATUSES, "all"]).default("active"),
  sort: z.enum(STOCK_SORTS).default("sku"),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
  // The availability check ("can I get N by D near R?") rides on the same page.
  check: z.literal("1").optional(),
  checkSku: z.string().trim().toUpperCase().max(64).optional(),
  checkQty: z.string().trim().max(12).optional(),
  checkDate: z.string().trim().max(10).optional(),
  checkRegion: z.enum(REGIONS).optional(),
});
export type StockQueryInput = z.output<typeof StockQuery>;
export type StockFilter = Omit<StockQueryInput, "page" | "format" | "check" | "checkSku" | "checkQty" | "checkDate" | "checkRegion">;

/** The availability check, validated separately so a bad value shows next to its field. */
export const AvailabilityCheck = z.object({
  sku: skuField,
  quantity: wholeNumberField({ min: 1, max: 999_999_999, messages: { format: "stock.wholePositive", min: "stock.wholePositive" } }),
  neededBy: optionalDate,
  region: z.enum(REGIONS).optional(),
});
export type AvailabilityCheckInput = z.output<typeof AvailabilityCheck>;

export const ProductPageQuery = z.object({
  check: z.literal("1").optional(),
  checkQty: z.string().trim().max(12).optional(),
  checkDate: z.string().trim().max(10).optional(),
  checkRegion: z.enum(REGIONS).optional(),
});

export const ProductListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  category: z.string().trim().max(32).optional(),
  line: z.string().trim().max(32).optional(),
  status: z.enum(PRODUCT_STATUSES).optional(),
  mto: z.enum(["only", "exclude"]).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});
export type ProductListFilter = Omit<z.output<typeof ProductListQuery>, "page" | "format">;

/** A price typed by a person ("1,299.00") → minor units, above zero and at most MAX_PRICE_MINOR; empty allowed where optional. */
const price = moneyField({ max: MAX_PRICE_MINOR });
const optionalPrice = optionalMoneyField({ max: MAX_PRICE_MINOR });

/** The options schema typed as JSON: empty, or valid against options.ts (normalised for storage). */
const optionsJsonField = z
  .string()
  .trim()
  .max(20000)
  .superRefine((v, ctx) => {
    if (v === "") return;
    const r = checkOptionsSchemaJson(v);
    if (!r.ok) ctx.addIssue({ code: "custom", message: r.reason === "json" ? "products.optionsJson" : "products.optionsInvalid" });
  })
  .transform((v) => {
    if (v === "") return null;
    const r = checkOptionsSchemaJson(v);
    return r.ok ? r.json : null;
  });

export const ProductSchema = z
  .object({
    sku: skuField,
    nameZh: z.string().trim().min(1).max(200),
    nameEn: z.string().trim().min(1).max(200),
    descriptionZh: optionalText(5000),
    descriptionEn: optionalText(5000),
    category: z.string().trim().min(1).max(32),
    line: z.string().trim().min(1).max(32),
    unit: z.string().trim().min(1).max(16),
    listPrice: price,
    pricePlatinum: optionalPrice,
    priceGold: optionalPrice,
    priceSilver: optionalPrice,
    status: z.enum(PRODUCT_STATUSES),
    madeToOrder: flag,
    leadTimeDays: z
      .string()
      .trim()
      .optional()
      .superRefine((v, ctx) => {
        const r = v ? parseWhole(v, { min: 0, max: 365 }) : null;
        if (r && !r.ok) ctx.addIssue({ code: "custom", message: r.issue === "fullWidth" ? "validation.halfWidthDigits" : "products.leadTimeRange" });
      })
      .transform((v) => {
        const r = v ? parseWhole(v, { min: 0, max: 365 }) : null;
        return r?.ok ? r.value : null;
      }),
    optionsSchema: optionsJsonField.optional().transform((v) => v ?? null),
    imagePath: z
      .string()
      .trim()
      .max(255)
      .optional()
      .superRefine((v, ctx) => {
        if (v && !IMAGE_PATH_RE.test(v)) ctx.addIssue({ code: "custom", message: "products.imagePath" });
      })
      .transform((v) => v || null),
    updatedAt: z.string().max(40).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.madeToOrder && p.leadTimeDays === null) ctx.addIssue({ code: "custom", path: ["leadTimeDays"], message: "products.leadTimeRequired" });
  });
export type ProductInput = z.output<typeof ProductSchema>;

export const HolidaySchema = z.object({
  day: isoDate,
  name: z.string().trim().min(1).max(120),
});
export type HolidayInput = z.output<typeof HolidaySchema>;

export const HolidayListQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });
const warehouseFields = {
  name_en: z.string().trim().min(1).max(120),
  name_zh: z.string().trim().min(1).max(120),
  region: z.enum(REGIONS),
};
/** A new warehouse: its code is how imports and shipments name it, so it never changes afterwards. */
export const WarehouseCreateSchema = z.object({
  code: z
    .string()
    .trim()
    .toUpperCase()
    .min(1)
    .refine((v) => /^[A-Z0-9][A-Z0-9-]{1,29}$/.test(v), "warehouses.codeFormat"),
  ...warehouseFields,
});
export type WarehouseCreateInput = z.output<typeof WarehouseCreateSchema>;
export const WarehouseUpdateSchema = z.object({ id: z.coerce.number().int().positive(), ...warehouseFields, status: z.enum(WAREHOUSE_STATUSES) });
export type WarehouseUpdateInput = z.output<typeof WarehouseUpdateSchema>;
export const WarehouseListQuery = z.object({ edit: z.coerce.number().int().positive().optional() });

export const ImportFormSchema = z.object({
  kind: z.enum(IMPORT_KINDS),
  mode: z.enum(IMPORT_MODES).default("all_or_nothing"),
});

export const ImportPageQuery = z.object({
  kind: z.enum(IMPORT_KINDS).optional(),
  format: z.enum(["csv", "html"]).optional(),
});

export const HolidayRemoveSchema = z.object({ day: isoDate });

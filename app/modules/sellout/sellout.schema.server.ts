/** The zod schemas of the sell-out area (server-only: zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { moneyField, wholeNumberField } from "~/utils/numbers.server";
import { FREQUENCIES } from "./period";
import { IMPORT_MODES, MAX_REGION, MAX_REVENUE_MINOR, MAX_UNITS } from "./sellout.schema";

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => v || "");
const units = () => wholeNumberField({ min: 0, max: MAX_UNITS });
const optionalUnits = z
  .preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), units().optional())
  .transform((v) => (v === undefined ? null : v));

/** One line of a period: units and revenue per SKU (and segment), units on hand per SKU. */
export const LineSchema = z.object({
  sku: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .transform((s) => s.toUpperCase()),
  keyAccount: optionalText(32),
  region: optionalText(MAX_REGION),
  unitsSold: units(),
  revenue: moneyField({ allowZero: true, max: MAX_REVENUE_MINOR }),
  unitsOnHand: optionalUnits,
});
export type LineInput = z.output<typeof LineSchema>;

export const RemoveLineSchema = z.object({ lineId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export const CategoryTotalSchema = z.object({
  category: z.string().trim().min(1).max(32),
  revenue: moneyField({ allowZero: true, max: MAX_REVENUE_MINOR }),
});
export type CategoryTotalInput = z.output<typeof CategoryTotalSchema>;

/** A correction after close: the figures as they should have been, and why. */
export const CorrectionSchema = LineSchema.extend({ reason: z.string().trim().min(1).max(500) });
export type CorrectionInput = z.output<typeof CorrectionSchema>;

export const FrequencySchema = z.object({ frequency: z.enum(FREQUENCIES) });

export const UploadFormSchema = z.object({
  period: z.string().trim().min(1).max(10),
  mode: z.enum(IMPORT_MODES).default("all_or_nothing"),
});

export const DealerListQuery = z.object({
  dealerId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
  missing: z.enum(["1"]).optional().catch(undefined),
  format: z.enum(["csv"]).optional().catch(undefined),
});
export type DealerListFilter = z.output<typeof DealerListQuery>;

export const UploadPageQuery = z.object({
  format: z.enum(["csv", "xlsx"]).optional().catch(undefined),
  job: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
});

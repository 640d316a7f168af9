/** The zod schemas of stock.schema.ts (server-only: loaders and actions parse with them; zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { isoDate } from "~/utils/time.server";
import { wholeNumberField } from "~/utils/numbers.server";

const reason = z.string().trim().min(1).max(255);
const wholeQty = wholeNumberField({ min: 1, max: 999_999_999, messages: { format: "stock.wholePositive", min: "stock.wholePositive" } });

export const ReceiptSchema = z.object({
  warehouseId: z.coerce.number().int().positive(),
  quantity: wholeQty,
  reason,
});
export type ReceiptInput = z.output<typeof ReceiptSchema>;

export const AdjustSchema = z.object({
  warehouseId: z.coerce.number().int().positive(),
  delta: wholeNumberField({ signed: true, min: -999_999_999, max: 999_999_999, messages: { format: "stock.wholeSigned" } }).refine((n) => n !== 0, {
    message: "stock.deltaZero",
  }),
  reason,
});
export type AdjustInput = z.output<typeof AdjustSchema>;

export const IncomingSchema = z.object({
  warehouseId: z.coerce.number().int().positive(),
  quantity: wholeQty,
  eta: isoDate,
  source: z.enum(["purchase", "production", "transfer"]),
  reference: z
    .string()
    .trim()
    .max(64)
    .optional()
    .transform((v) => v || null),
});
export type IncomingInput = z.output<typeof IncomingSchema>;

export const IncomingActionSchema = z.object({ incomingId: z.coerce.number().int().positive() });

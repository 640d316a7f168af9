/** The zod schemas of orders.schema.ts (server-only: loaders and actions parse with them; zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { parseWhole } from "~/utils/numbers";
import { optionalText } from "~/utils/fields.server";
import { wholeNumberField } from "~/utils/numbers.server";
import { isoDate, optionalDate } from "~/utils/time.server";
import { ORDER_STATUSES } from "./state";
import { MAX_LINES, SORTS } from "./orders.schema";

const id = wholeNumberField({ min: 1, max: Number.MAX_SAFE_INTEGER, messages: { format: "validation.invalid" } });
const optId = z
  .union([z.literal(""), id])
  .optional()
  .transform((v) => (v === "" || v === undefined ? null : v));

/** A whole, positive quantity typed by a person ("12"); "0", "-1", "1.5", "1e3" are refused. */
const quantityField = wholeNumberField({ min: 1, max: 999_999_999, messages: { format: "orders.quantityWhole", min: "orders.quantityPositive" } });

const LineFormSchema = z.object({
  lineId: optId,
  productId: id,
  quantity: quantityField,
  specNotes: optionalText(1000),
  options: z.record(z.string(), z.string().max(1000)).default({}),
});
export type LineForm = z.output<typeof LineFormSchema>;

export const DraftFormSchema = z.object({
  addressId: optId,
  requestedDate: optionalDate,
  poReference: z.string().trim().max(64).default(""),
  notes: optionalText(2000),
  lines: z.array(LineFormSchema).max(MAX_LINES, { message: "orders.tooManyLines" }).default([]),
  version: z.coerce.number().int().min(1).optional(),
  submitKey: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{8,64}$/)
    .optional(),
});
export type DraftForm = z.output<typeof DraftFormSchema>;

export const ReasonSchema = z.object({
  version: z.coerce.number().int().min(1),
  note: z.string().trim().min(1).max(1000),
});
export const OptionalNoteSchema = z.object({
  version: z.coerce.number().int().min(1),
  note: optionalText(1000),
});
export const VersionSchema = z.object({ version: z.coerce.number().int().min(1) });

export const ShipmentFormSchema = z.object({
  version: z.coerce.number().int().min(1),
  warehouseId: id,
  carrier: z.string().trim().min(1).max(64),
  trackingNumber: z.string().trim().min(1).max(64),
  shippedOn: isoDate,
  // qty.<lineId> = "3"; empty means not in this shipment.
  lines: z
    .record(
      z.string().regex(/^\d{1,15}$/),
      z
        .string()
        .trim()
        .superRefine((v, ctx) => {
          const r = v === "" ? null : parseWhole(v, { min: 0, max: 999_999_999 });
          if (r && !r.ok)
            ctx.addIssue({
              code: "custom",
              message: r.issue === "fullWidth" ? "validation.halfWidthDigits" : r.issue === "max" ? "validation.numberMax" : "orders.quantityWhole",
              params: { max: "999,999,999" },
            });
        }),
    )
    .default({}),
});
export type ShipmentForm = z.output<typeof ShipmentFormSchema>;

export const ConfirmDeliverySchema = z.object({
  version: z.coerce.number().int().min(1),
  shipmentId: id,
});

export const PromiseChangeSchema = z.object({
  version: z.coerce.number().int().min(1),
  lineId: optId,
  newDate: isoDate,
  reason: z.string().trim().min(1).max(255),
});

export const OrderListQuery = z.object({
  status: z.enum(ORDER_STATUSES).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  q: z.string().trim().max(64).optional(),
  sku: z.string().trim().max(64).optional(),
  dealId: id.optional(),
  dealerId: id.optional(),
  sort: z.enum(SORTS).default("newest"),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});
export type OrderListFilter = z.output<typeof OrderListQuery>;

export const ReviewQuery = z.object({
  status: z.enum(["submitted", "credit_hold"]).default("submitted"),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});

/** The credit-hold queue's query string (/finance/credit-holds): a dealer, the page, CSV. */
export const CreditHoldQuery = z.object({
  dealerId: id.optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});
export type CreditHoldFilter = z.output<typeof CreditHoldQuery>;

/** Finance's decision on one held order: release it to review (a note is optional) or cancel it (a reason is required). */
export const CreditHoldDecisionSchema = z
  .object({
    decision: z.enum(["release", "cancel"]),
    orderId: id,
    version: z.coerce.number().int().min(1),
    note: optionalText(1000),
  })
  .superRefine((v, ctx) => {
    if (v.decision === "cancel" && !v.note) ctx.addIssue({ code: "custom", path: ["note"], message: "creditHolds.reasonRequired" });
  });
export type CreditHoldDecision = z.output<typeof CreditHoldDecisionSchema>;

export const BuilderQuery = z.object({
  q: z.string().trim().max(64).optional(),
});

export const AddressSchema = z.object({
  label: z.string().trim().min(1).max(64),
  recipient: z.string().trim().min(1).max(120),
  phone: z
    .string()
    .trim()
    .min(5)
    .max(64)
    .regex(/^[0-9+()\- ]+$/, { message: "orders.addressPhone" }),
  province: z.string().trim().max(64).default(""),
  city: z.string().trim().max(64).default(""),
  line1: z.string().trim().min(1).max(255),
  postcode: z
    .string()
    .trim()
    .max(16)
    .regex(/^[0-9A-Za-z -]*$/, { message: "validation.invalid" })
    .default(""),
  isDefault: z
    .union([z.literal("on"), z.literal("true"), z.literal("1"), z.literal("")])
    .optional()
    .transform((v) => v === "on" || v === "true" || v === "1"),
});
export type AddressInput = z.output<typeof AddressSchema>;

export const AddressIdSchema = z.object({ id: z.coerce.number().int().positive().optional() });

export const OrderIdSchema = z.object({ orderId: z.coerce.number().int().positive() });

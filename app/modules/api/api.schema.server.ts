/**
 * The dealer API's input shapes (zod, server-only). JSON in: integers are JSON numbers, money is integer
 * minor units, dates are ISO (YYYY-MM-DD), instants ISO 8601 with a zone. Unknown fields are dropped.
 */
import { z } from "zod";
import { REGIONS } from "~/modules/organisations/organisations.schema";
import { ORDER_STATUSES } from "~/modules/orders/state";
import { STATEMENT_STATUSES, DISPUTE_REASONS } from "~/modules/statements/statements.schema";
import { MAX_LINES } from "~/modules/orders/orders.schema";
import { isIsoDate } from "~/utils/time";

/** JSON dates are taken as they are (no trimming, unlike a typed form field). */
const isoDate = z.string().refine(isIsoDate, { message: "validation.date" });

const instant = z
  .string()
  .max(40)
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), { message: "api.instant" })
  .transform((s) => new Date(s));

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const limit = z.coerce.number().int().min(1).max(200).default(50);
const cursor = z.string().max(200).optional();
const sku = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .transform((s) => s.toUpperCase());

export const IdParam = id;

export const ProductListQuery = z.object({ q: z.string().trim().max(64).optional(), cursor, limit });
export const SkuParam = sku;

export const AvailabilityQuery = z.object({
  sku,
  quantity: z.coerce.number().int().min(1).max(999_999_999),
  neededBy: isoDate.optional(),
  region: z.enum(REGIONS).optional(),
});

export const OrderListQuery = z.object({
  status: z.enum(ORDER_STATUSES).optional(),
  updatedSince: instant.optional(),
  cursor,
  limit,
});

const OrderLine = z.object({
  sku,
  quantity: z.number().int().min(1).max(999_999_999),
  options: z.record(z.string().max(64), z.union([z.string().max(1000), z.number()])).default({}),
  specNotes: z.string().trim().max(1000).nullish(),
});

export const CreateOrderBody = z.object({
  /** true: create and submit in one step (an Idempotency-Key header is required); false: a draft. */
  submit: z.boolean().default(false),
  addressId: id.nullish(),
  requestedDate: isoDate.nullish(),
  poReference: z.string().trim().max(64).default(""),
  notes: z.string().trim().max(2000).nullish(),
  lines: z.array(OrderLine).min(1, { message: "orders.noLines" }).max(MAX_LINES, { message: "orders.tooManyLines" }),
});
export type CreateOrderInput = z.output<typeof CreateOrderBody>;

export const SubmitOrderBody = z.object({ version: z.number().int().min(1).optional() });
export const CancelOrderBody = z.object({ version: z.number().int().min(1), note: z.string().trim().max(1000).nullish() });
export const ConfirmDeliveryBody = z.object({ version: z.number().int().min(1) });

export const StatementListQuery = z.object({ status: z.enum(STATEMENT_STATUSES).optional(), cursor, limit });
export const ConfirmStatementBody = z.object({ version: z.number().int().min(1) });
export const DisputeLineBody = z.object({
  reasonCode: z.enum(DISPUTE_REASONS),
  amountMinor: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  comment: z.string().trim().max(2000).nullish(),
});

export const LedgerQuery = z.object({ cursor, limit });

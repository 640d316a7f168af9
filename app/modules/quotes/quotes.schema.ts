/** zod schemas of negotiated quotes (special bids). Browser-safe. */
import { z } from "zod";
import { isoDate } from "~/utils/time";
import { MAX_PRICE_MINOR, moneyField, wholeNumberField } from "~/utils/numbers";

const MAX_QUOTE_LINES = 30;

/** Rows of a plain form (`productId_0`, `quantity_0`, `unitPrice_0`, …); rows without a product are ignored. */
function collectRows(raw: unknown) {
  if (!raw || typeof raw !== "object") return raw;
  const o = raw as Record<string, unknown>;
  const lines: { productId: unknown; quantity: unknown; unitPrice: unknown; row: number }[] = [];
  for (let i = 0; i < MAX_QUOTE_LINES; i++) {
    const productId = o[`productId_${i}`];
    if (productId === undefined || productId === "") continue;
    lines.push({ productId, quantity: o[`quantity_${i}`] ?? "", unitPrice: o[`unitPrice_${i}`] ?? "", row: i });
  }
  return { ...o, lines };
}

const QuoteLineInput = z.object({
  row: z.number().int(),
  productId: z.coerce.number().int().positive(),
  quantity: wholeNumberField({ min: 1, max: 1_000_000 }),
  unitPrice: moneyField({ max: MAX_PRICE_MINOR, rangeMessage: "quotes.priceRange" }),
});

export const QuoteDraftSchema = z.preprocess(
  collectRows,
  z.object({
    lines: z.array(QuoteLineInput).max(MAX_QUOTE_LINES),
    validUntil: isoDate,
    terms: z
      .string()
      .trim()
      .max(4000)
      .optional()
      .transform((v) => v || null),
  }),
);
export type QuoteDraftInput = z.output<typeof QuoteDraftSchema>;

export const QuoteCommentSchema = z.object({ comment: z.string().trim().min(1).max(2000) });
export const QuoteNoteSchema = z.object({
  note: z
    .string()
    .trim()
    .max(2000)
    .optional()
    .transform((v) => v || null),
});

/** zod reports line errors as `lines.N.field`; the form's inputs are `field_row`. */
export function remapLineErrors(fieldErrors: Record<string, string>, values: Record<string, unknown>): Record<string, string> {
  const rows: number[] = [];
  for (let i = 0; i < MAX_QUOTE_LINES; i++) if (values[`productId_${i}`] !== undefined && values[`productId_${i}`] !== "") rows.push(i);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fieldErrors)) {
    const m = /^lines\.(\d+)\.(\w+)$/.exec(k);
    out[m ? `${m[2]}_${rows[Number(m[1])] ?? 0}` : k] = v;
  }
  return out;
}

const filterId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Rows per page of the discount-approval queue. */
export const APPROVAL_PAGE_SIZE = 25;

/** The discount-approval queue's query string (/quotes/approvals): filters, page, CSV. */
export const ApprovalQueueQuery = z.object({
  dealerId: filterId.optional(),
  accountManagerId: filterId.optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});
export type ApprovalQueueFilter = z.output<typeof ApprovalQueueQuery>;

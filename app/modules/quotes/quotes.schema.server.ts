/** The zod schemas of quotes.schema.ts (server-only: loaders and actions parse with them; zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { optionalText } from "~/utils/fields.server";
import { isoDate } from "~/utils/time.server";
import { MAX_PRICE_MINOR } from "~/utils/numbers";
import { moneyField, wholeNumberField } from "~/utils/numbers.server";
import { MAX_QUOTE_LINES } from "./quotes.schema";

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
    terms: optionalText(4000),
  }),
);
export type QuoteDraftInput = z.output<typeof QuoteDraftSchema>;

export const QuoteCommentSchema = z.object({ comment: z.string().trim().min(1).max(2000) });
export const QuoteNoteSchema = z.object({
  note: optionalText(2000),
});

const filterId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** The discount-approval queue's query string (/quotes/approvals): filters, page, CSV. */
export const ApprovalQueueQuery = z.object({
  dealerId: filterId.optional(),
  accountManagerId: filterId.optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});
export type ApprovalQueueFilter = z.output<typeof ApprovalQueueQuery>;

export const RefuseSchema = z.object({ note: z.string().trim().min(1).max(2000) });

import { z } from "zod";
import { moneyField } from "~/utils/numbers";
import { PERIOD_RE } from "~/modules/ledger/period";

export const STATEMENT_STATUSES = ["issued", "confirmed", "disputed", "resolved"] as const;
export type StatementStatus = (typeof STATEMENT_STATUSES)[number];
export const DISPUTE_REASONS = ["price_differs", "quantity_differs", "not_received", "duplicate", "other"] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];
export const DISPUTE_STATUSES = ["open", "accepted", "rejected"] as const;

/**
 * What the dealer may still do on a statement (DESIGN.md: `issued → confirmed | disputed`,
 * `disputed → resolved`). Confirming is open until the balance is confirmed, whatever the status
 * (on a disputed or resolved statement it confirms the agreed rest); disputing a line only while
 * the statement is issued or disputed. The server and the page ask this one function.
 */
export function statementResponses(s: { status: string; confirmed_at: Date | string | null }) {
  const unconfirmed = s.confirmed_at === null;
  return { confirm: unconfirmed, dispute: unconfirmed && (s.status === "issued" || s.status === "disputed") };
}

const period = z.string().trim().regex(PERIOD_RE, { message: "statements.periodFormat" });
const optionalId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional();

export const StatementListQuery = z.object({
  period: period.optional(),
  status: z.enum([...STATEMENT_STATUSES, "overdue"]).optional(),
  dealerId: optionalId,
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});
export type StatementListFilter = z.output<typeof StatementListQuery>;

export const IssueSchema = z.object({ period });

export const ConfirmSchema = z.object({ version: z.coerce.number().int().min(1) });

export const DisputeSchema = z.object({
  lineId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  reasonCode: z.enum(DISPUTE_REASONS),
  amount: moneyField(),
  comment: z
    .string()
    .trim()
    .max(2000)
    .optional()
    .transform((v) => v || null),
});
export type DisputeInput = z.output<typeof DisputeSchema>;

export const ResolveSchema = z
  .object({
    decision: z.enum(["accept", "reject"]),
    note: z
      .string()
      .trim()
      .max(2000)
      .optional()
      .transform((v) => v || null),
    version: z.coerce.number().int().min(1),
  })
  .superRefine((v, ctx) => {
    if (v.decision === "reject" && !v.note) ctx.addIssue({ code: "custom", path: ["note"], message: "disputes.explanationRequired" });
  });
export type ResolveInput = z.output<typeof ResolveSchema>;

export const DisputeListQuery = z.object({
  status: z.enum(DISPUTE_STATUSES).optional(),
  dealerId: optionalId,
  reason: z.enum(DISPUTE_REASONS).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});
export type DisputeListFilter = z.output<typeof DisputeListQuery>;

export const PrintQuery = z.object({ lang: z.enum(["en", "zh-CN"]).optional(), format: z.enum(["csv", "html"]).optional() });

/** /statements/:id: one page of lines, all of them or only the disputed ones. */
export const STATEMENT_LINE_VIEWS = ["all", "disputed"] as const;
export const StatementPageQuery = PrintQuery.extend({
  lines: z.enum(STATEMENT_LINE_VIEWS).default("all"),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  /** The line whose dispute form is open. */
  dispute: optionalId,
  /** A line to mark (a link from an order's invoice): its line number. */
  line: z.coerce.number().int().min(1).max(10_000_000).optional().catch(undefined),
});

/** Lines per page of the statement page. */
export const STATEMENT_LINES_PAGE_SIZE = 100;

/** The statement page showing one of its lines, marked. */
export function statementLineHref(statementId: number, lineNo: number): string {
  const page = Math.ceil(lineNo / STATEMENT_LINES_PAGE_SIZE);
  return `/statements/${statementId}?${page > 1 ? `page=${page}&` : ""}line=${lineNo}#line-${lineNo}`;
}
export type StatementPageFilter = z.output<typeof StatementPageQuery>;

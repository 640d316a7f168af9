/** The zod schemas of statements.schema.ts (server-only: loaders and actions parse with them; zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { optionalText } from "~/utils/fields.server";
import { moneyField } from "~/utils/numbers.server";
import { PERIOD_RE } from "~/modules/ledger/period";
import { STATEMENT_STATUSES, DISPUTE_REASONS, DISPUTE_STATUSES, STATEMENT_LINE_VIEWS } from "./statements.schema";

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
  comment: optionalText(2000),
});
export type DisputeInput = z.output<typeof DisputeSchema>;

export const ResolveSchema = z
  .object({
    decision: z.enum(["accept", "reject"]),
    note: optionalText(2000),
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
export const StatementPageQuery = PrintQuery.extend({
  lines: z.enum(STATEMENT_LINE_VIEWS).default("all"),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  /** The line whose dispute form is open. */
  dispute: optionalId,
  /** A line to mark (a link from an order's invoice): its line number. */
  line: z.coerce.number().int().min(1).max(10_000_000).optional().catch(undefined),
});
export type StatementPageFilter = z.output<typeof StatementPageQuery>;

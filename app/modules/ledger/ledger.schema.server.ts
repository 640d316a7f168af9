/** The zod schemas of ledger.schema.ts (server-only: loaders and actions parse with them; zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { PERIOD_RE } from "./period";
import { optionalText } from "~/utils/fields.server";
import { moneyField } from "~/utils/numbers.server";
import { ENTRY_TYPES } from "./entry-types";
import { MANUAL_TYPES, FEE_KINDS } from "./ledger.schema";

const optionalId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional();
const isoDate = z.iso.date({ message: "validation.date" });

export const PostEntrySchema = z
  .object({
    dealerId: z.coerce.number({ message: "validation.required" }).int().positive().max(Number.MAX_SAFE_INTEGER),
    type: z.enum(MANUAL_TYPES),
    amount: moneyField(),
    direction: z.enum(["debit", "credit"]).optional(),
    description: z.string().trim().min(1).max(500),
    reference: optionalText(128),
    bankReference: optionalText(64),
    feeTypeCode: optionalText(32),
    orderNumber: optionalText(24),
    dueDate: z
      .union([z.literal(""), isoDate])
      .optional()
      .transform((v) => v || null),
    key: z.string().trim().min(8).max(64),
  })
  .superRefine((v, ctx) => {
    if (v.type === "fee" && !v.feeTypeCode) ctx.addIssue({ code: "custom", path: ["feeTypeCode"], message: "validation.required" });
    if (v.type === "adjustment" && !v.direction) ctx.addIssue({ code: "custom", path: ["direction"], message: "validation.required" });
    if (v.type === "rebate" && !v.reference) ctx.addIssue({ code: "custom", path: ["reference"], message: "ledger.programmeRequired" });
  });
export type PostEntryInput = z.output<typeof PostEntrySchema>;

export const ReverseSchema = z.object({ reason: z.string().trim().min(3).max(300) });

export const LedgerListQuery = z.object({
  dealerId: optionalId,
  type: z.enum(ENTRY_TYPES).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});
export type LedgerListFilter = z.output<typeof LedgerListQuery>;

export const FeeTypeSchema = z.object({
  code: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z][a-z0-9_]{1,31}$/, { message: "feeTypes.codeFormat" }),
  nameEn: z.string().trim().min(1).max(120),
  nameZh: z.string().trim().min(1).max(120),
  kind: z.enum(FEE_KINDS),
});
export type FeeTypeInput = z.output<typeof FeeTypeSchema>;
export const FeeTypeStatusSchema = z.object({ code: z.string().trim().min(1).max(32), status: z.enum(["active", "disabled"]) });

export const CreditLimitSchema = z.object({
  creditLimit: moneyField({ allowZero: true }),
  reason: z.string().trim().min(3).max(300),
});

export const FeesQuery = z.object({
  dealerId: optionalId,
  from: z.string().trim().regex(PERIOD_RE, { message: "statements.periodFormat" }).optional(),
  to: z.string().trim().regex(PERIOD_RE, { message: "statements.periodFormat" }).optional(),
  kind: z.enum(FEE_KINDS).optional(),
  feeType: z.string().trim().max(32).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});
export type FeesFilter = z.output<typeof FeesQuery>;

export const AgingQuery = z.object({
  asOf: isoDate.optional(),
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});
export type AgingFilter = z.output<typeof AgingQuery>;

export const ImportQuery = z.object({ import: optionalId });

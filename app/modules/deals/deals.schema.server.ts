/** The zod schemas of deals.schema.ts (server-only: loaders and actions parse with them; zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { REGIONS } from "~/modules/organisations/organisations.schema";
import { moneyField, wholeNumberField } from "~/utils/numbers.server";
import { isoDate, optionalDate } from "~/utils/time.server";
import { optionalId, optionalText, requiredText } from "~/utils/fields.server";
import { checkCreditCode } from "./credit-code";
import { DEAL_STAGES } from "./state";
import { INDUSTRIES, ACCOUNT_SIZES, ACTIVITY_KINDS, KEY_ACCOUNT_SORTS, DEAL_SORTS } from "./deals.schema";

/** Optional credit code: empty → null; otherwise format and GB 32100-2015 check digit. */
const creditCodeField = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (!v || !v.trim()) return null;
    const r = checkCreditCode(v);
    if (!r.ok) {
      ctx.addIssue({ code: "custom", message: r.reason === "format" ? "keyAccounts.creditCodeFormat" : "keyAccounts.creditCodeCheckDigit" });
      return z.NEVER;
    }
    return r.code;
  });

export const KeyAccountSchema = z.object({
  name: requiredText(200),
  creditCode: creditCodeField,
  industry: z.enum(INDUSTRIES),
  region: z.enum(REGIONS),
  size: z.enum(ACCOUNT_SIZES),
  notes: optionalText(2000),
  ownerId: optionalId,
});
export type KeyAccountInput = z.output<typeof KeyAccountSchema>;

export const ContactSchema = z.object({
  name: requiredText(120),
  title: z.string().trim().max(120).default(""),
  phone: z
    .string()
    .trim()
    .max(64)
    .regex(/^[0-9+()\-\s]*$/, { message: "keyAccounts.phoneFormat" })
    .default(""),
  email: z.union([z.literal(""), z.string().trim().toLowerCase().pipe(z.email().max(254))]).default(""),
});
export type ContactInput = z.output<typeof ContactSchema>;

const page = z.coerce.number().int().min(1).max(100000).default(1);
const format = z.enum(["csv", "html"]).optional();
export const KeyAccountListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  industry: z.enum(INDUSTRIES).optional(),
  region: z.enum(REGIONS).optional(),
  size: z.enum(ACCOUNT_SIZES).optional(),
  ownerId: z.coerce.number().int().positive().optional(),
  sort: z.enum(KEY_ACCOUNT_SORTS).default("name"),
  page,
  format,
});
export type KeyAccountFilter = z.output<typeof KeyAccountListQuery>;

/** Product lines with quantities from a plain form: `productLines` (checkboxes) and `quantity_<code>` inputs. */
function collectLines(raw: unknown) {
  if (!raw || typeof raw !== "object") return raw;
  const o = raw as Record<string, unknown>;
  const picked = (o.productLines === undefined ? [] : Array.isArray(o.productLines) ? o.productLines : [o.productLines]).filter((c) => c !== "");
  // An empty estimate is zero (not known yet).
  const lines = picked.map((code) => {
    const q = o[`quantity_${String(code)}`];
    return { code, quantity: q === undefined || (typeof q === "string" && q.trim() === "") ? "0" : q };
  });
  return { ...o, productLines: lines };
}

const LineSchema = z.object({
  code: z.string().trim().min(1).max(32),
  quantity: wholeNumberField({ min: 0, max: 10_000_000 }),
});

export const RegisterDealSchema = z.preprocess(
  collectLines,
  z
    .object({
      keyAccountId: optionalId,
      accountName: optionalText(200),
      creditCode: creditCodeField,
      industry: z
        .union([z.literal(""), z.enum(INDUSTRIES)])
        .optional()
        .transform((v) => v || null),
      region: z
        .union([z.literal(""), z.enum(REGIONS)])
        .optional()
        .transform((v) => v || null),
      title: requiredText(200),
      productLines: z
        .array(LineSchema)
        .max(50)
        .refine((a) => a.length > 0, { message: "deals.productLinesRequired" }),
      estimatedValue: moneyField(),
      expectedCloseDate: isoDate,
      competitors: z.string().trim().max(500).default(""),
      notes: optionalText(4000),
    })
    .superRefine((v, ctx) => {
      if (!v.keyAccountId && !v.accountName) ctx.addIssue({ code: "custom", path: ["accountName"], message: "deals.accountRequired" });
    }),
);
export type RegisterDealInput = z.output<typeof RegisterDealSchema>;
export const DealListQuery = z.object({
  stage: z.enum(DEAL_STAGES).optional(),
  dealerId: z.coerce.number().int().positive().optional(),
  accountManagerId: z.coerce.number().int().positive().optional(),
  keyAccountId: z.coerce.number().int().positive().optional(),
  q: z.string().trim().max(100).optional(),
  closeFrom: isoDate.optional(),
  closeTo: isoDate.optional(),
  minValue: moneyField({ allowZero: true }).optional(),
  maxValue: moneyField({ allowZero: true }).optional(),
  /** Open deals (approved, negotiating, quoted) whose protection ends within this many days (the dashboard's figure). */
  expiring: z.coerce.number().int().min(1).max(365).optional(),
  /** Deals whose live quote waits for the dealer (to_answer) or is still open at all (open): the dashboards' quote figures. */
  quotes: z.enum(["to_answer", "open"]).optional(),
  sort: z.enum(DEAL_SORTS).default("-created"),
  view: z.enum(["list", "pipeline"]).default("list"),
  page,
  format,
});
export type DealFilter = z.output<typeof DealListQuery>;

export const ActivitySchema = z.object({
  kind: z.enum(ACTIVITY_KINDS),
  body: requiredText(4000),
  occurredAt: z
    .union([
      z.literal(""),
      z
        .string()
        .trim()
        .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/, { message: "validation.date" }),
    ])
    .optional()
    .transform((v) => (v ? v.slice(0, 16) : null)),
});
export type ActivityInput = z.output<typeof ActivitySchema>;

export const TaskSchema = z.object({
  title: requiredText(200),
  ownerUserId: optionalId,
  dueDate: optionalDate,
});
export type TaskInput = z.output<typeof TaskSchema>;

export const TaskDoneSchema = z.object({ taskId: z.coerce.number().int().positive() });
export const ReasonSchema = z.object({ reason: requiredText(2000) });
export const OptionalNoteSchema = z.object({ note: optionalText(500) });

export const UpdateDealSchema = z.object({
  title: requiredText(200),
  estimatedValue: moneyField(),
  expectedCloseDate: isoDate,
  competitors: z.string().trim().max(500).default(""),
  notes: optionalText(4000),
});
export type UpdateDealInput = z.output<typeof UpdateDealSchema>;

export const OfferLeadSchema = z.object({
  dealerId: z.coerce.number().int().positive(),
  productLineCode: requiredText(32),
  estimatedValue: moneyField({ allowZero: true }),
  note: optionalText(2000),
});
export type OfferLeadInput = z.output<typeof OfferLeadSchema>;

export const AcceptLeadSchema = z.object({
  expectedCloseDate: optionalDate,
  title: optionalText(200),
});
export const DeclineLeadSchema = z.object({ reason: requiredText(2000) });

export const ContactIdSchema = z.object({ contactId: z.coerce.number().int().positive() });

export const FlagSchema = z.object({ flagId: z.coerce.number().int().positive() });

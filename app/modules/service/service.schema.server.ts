/** The zod schemas of the service area (server-only: zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { optionalId, optionalText, requiredText } from "~/utils/fields.server";
import { wholeNumberField } from "~/utils/numbers.server";
import { SERVICE_FLAGS } from "./service.schema";
import { FIGURE_GROUPS } from "./figures";
import { daysBetween } from "~/utils/time";
import { LINK_KINDS, SERVICE_ABOUT, SERVICE_OUTCOMES, SERVICE_ACTIONS, SERVICE_PRIORITIES, SERVICE_STATUSES, SERVICE_TYPES } from "./state";

export const OpenCaseSchema = z
  .object({
    about: z.enum(SERVICE_ABOUT),
    orderLineId: optionalId,
    shipmentId: optionalId,
    sku: optionalText(64),
    serialNo: optionalText(64),
    caseType: z.enum(SERVICE_TYPES),
    priority: z.enum(SERVICE_PRIORITIES),
    subject: requiredText(200),
    description: requiredText(5000),
    keyAccountId: optionalId,
    endCustomer: optionalText(200),
  })
  .superRefine((v, ctx) => {
    if (v.about === "order_line" && !v.orderLineId) ctx.addIssue({ code: "custom", path: ["orderLineId"], message: "validation.required" });
    if (v.about === "shipment" && !v.shipmentId) ctx.addIssue({ code: "custom", path: ["shipmentId"], message: "validation.required" });
    if (v.about === "product" && !v.sku) ctx.addIssue({ code: "custom", path: ["sku"], message: "validation.required" });
  });
export type OpenCaseInput = z.output<typeof OpenCaseSchema>;

export const ReplySchema = z.object({
  body: requiredText(5000),
  visibility: z.enum(["public", "internal"]).default("public"),
});
export type ReplyInput = z.output<typeof ReplySchema>;

export const AssignSchema = z.object({ assigneeId: optionalId });
export const TransitionSchema = z.object({
  action: z.enum(SERVICE_ACTIONS),
  outcome: z.enum(SERVICE_OUTCOMES).optional(),
  note: optionalText(2000),
});
export type TransitionInput = z.output<typeof TransitionSchema>;
/**
 * Quantities per order line: `qty_<order line id>` inputs, one per line offered (empty: not taken). A bad
 * quantity is an error on its own input (`qty_<id>`), so the form shows it beside the line.
 */
const LineQuantitiesSchema = z
  .preprocess(
    (raw) =>
      Object.fromEntries(
        Object.entries((raw ?? {}) as Record<string, unknown>).filter(([k, v]) => /^qty_\d{1,15}$/.test(k) && typeof v === "string" && v.trim() !== ""),
      ),
    z.record(z.string(), wholeNumberField({ min: 0, max: 1_000_000 })),
  )
  .refine((r) => Object.keys(r).length <= 500, { message: "validation.invalid", path: ["lines"] })
  .transform((r) => ({ lines: Object.entries(r).map(([k, quantity]) => ({ orderLineId: Number(k.slice(4)), quantity })) }));
/** A return: the quantities to return per order line (0: not returned). */
export const AuthoriseRmaSchema = LineQuantitiesSchema;
export type AuthoriseRmaInput = z.output<typeof AuthoriseRmaSchema>;
/** A replacement at no charge: `qty_<order line id>` inputs, one per replaceable line (empty or 0: not replaced). */
export const ReplacementSchema = AuthoriseRmaSchema;
export type ReplacementInput = AuthoriseRmaInput;
export const ReceiveRmaSchema = z.object({
  rmaId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  warehouseId: z
    .union([z.literal(""), z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)])
    .refine((v) => v !== "", { message: "validation.required" })
    .transform((v) => Number(v)),
});

export const LinkSchema = z.object({ kind: z.enum(LINK_KINDS), ref: requiredText(40) });
export type LinkInput = z.output<typeof LinkSchema>;

export const ServiceListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  status: z.enum([...SERVICE_STATUSES, "open"]).optional(),
  priority: z.enum(SERVICE_PRIORITIES).optional(),
  dealerId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  flag: z.enum(SERVICE_FLAGS).optional(),
  callback: z.enum(["open"]).optional(),
  assignee: z.union([z.literal("me"), z.literal("none"), z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)]).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});
export type ServiceFilter = z.output<typeof ServiceListQuery>;

const hours = wholeNumberField({ min: 1, max: 1000 });
export const PromiseSchema = z.object({
  urgent_response: hours,
  urgent_resolution: hours,
  high_response: hours,
  high_resolution: hours,
  normal_response: hours,
  normal_resolution: hours,
  low_response: hours,
  low_resolution: hours,
  dueSoonHours: wholeNumberField({ min: 1, max: 168 }),
  leadUserId: optionalId,
});
export type PromiseInput = z.output<typeof PromiseSchema>;

/** The survey page's answer: a score of 1–5 (the email's link preselects it) and an optional comment. */
export const SurveyAnswerSchema = z.object({
  score: z.preprocess(
    (v) => (typeof v === "string" ? v.trim() : ""),
    z
      .string()
      .refine((v) => /^[1-5]$/.test(v), { message: "survey.scoreRequired" })
      .transform(Number),
  ),
  comment: optionalText(2000),
});
export type SurveyAnswerInput = z.output<typeof SurveyAnswerSchema>;
/** The score a survey link carries (`?score=`): anything else preselects nothing. */
export const SurveyLinkQuery = z.object({ score: z.coerce.number().int().min(1).max(5).optional().catch(undefined) });

/** The desk's record of a callback: when it called (a local date and time, not in the future) and what came of it. */
export const CallbackSchema = z.object({
  calledAt: z
    .string()
    .trim()
    .refine((v) => v !== "", { message: "validation.required" })
    .refine((v) => v === "" || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v), { message: "validation.date" })
    .transform((v) => v.slice(0, 16)),
  outcome: requiredText(2000),
});
export type CallbackInput = z.output<typeof CallbackSchema>;
/** The service figures page (decision 135): a period of business dates (default the last 90 days) and a grouping. */
export const FiguresQuerySchema = z
  .object({
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
    by: z.enum(FIGURE_GROUPS).default("dealer"),
    format: z.enum(["csv", "html"]).optional(),
  })
  .refine((p) => !p.from || !p.to || p.from <= p.to, { message: "validation.dateRange", path: ["to"] })
  .refine((p) => !p.from || !p.to || daysBetween(p.from, p.to) <= 366, { message: "service.figures.periodTooLong", path: ["from"] });

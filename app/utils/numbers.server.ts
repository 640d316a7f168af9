/** The zod schemas of numbers.ts (server-only: loaders and actions parse with them; zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { type WholeIssue, parseWhole, type AmountOptions, parseTypedAmount, groups } from "./numbers";

type Messages = { format?: string; min?: string; max?: string; required?: string };

/** The message key of a refused whole number: the field's own, else one that names the limit crossed. */
function wholeIssueKey(issue: WholeIssue, opts: { min: number }, m: Messages): string {
  if (issue === "fullWidth") return "validation.halfWidthDigits";
  if (issue === "format") return m.format ?? "validation.integer";
  if (issue === "min") return m.min ?? (opts.min === 1 ? "validation.positive" : opts.min === 0 ? "validation.nonNegative" : "validation.numberMin");
  return m.max ?? "validation.numberMax";
}

/**
 * A zod field for a whole number typed by a person (a string; a number is taken as it is).
 * Messages are i18n keys; a default names the limit that was crossed. The check does not
 * abort the parse, so the form's other errors (and its own refinements) are reported too.
 */
export function wholeNumberField(opts: { min: number; max: number; signed?: boolean; messages?: Messages }) {
  const m = opts.messages ?? {};
  return z
    .union([z.string(), z.number()], { message: m.format ?? "validation.integer" })
    .superRefine((v, ctx) => {
      if (typeof v === "string" && v.trim() === "") return void ctx.addIssue({ code: "custom", message: m.required ?? "validation.required" });
      const r = parseWhole(v, opts);
      if (!r.ok) ctx.addIssue({ code: "custom", message: wholeIssueKey(r.issue, opts, m), params: { min: groups(opts.min), max: groups(opts.max) } });
    })
    .transform((v) => {
      const r = parseWhole(v, opts);
      return r.ok ? r.value : NaN;
    });
}

/** A zod field for an amount typed by a person (required), in minor units; like wholeNumberField, its check does not abort the parse. */
export function moneyField(opts: AmountOptions = {}) {
  return z
    .string()
    .trim()
    .min(1)
    .superRefine((v, ctx) => {
      const r = v === "" ? null : parseTypedAmount(v, opts);
      if (r && !r.ok) ctx.addIssue({ code: "custom", message: r.key, params: r.params });
    })
    .transform((v) => {
      const r = parseTypedAmount(v, opts);
      return r.ok ? r.minor : NaN;
    });
}

/** The same, optional: empty is null. */
export function optionalMoneyField(opts: AmountOptions = {}) {
  return z
    .string()
    .trim()
    .optional()
    .superRefine((v, ctx) => {
      const r = v ? parseTypedAmount(v, opts) : null;
      if (r && !r.ok) ctx.addIssue({ code: "custom", message: r.key, params: r.params });
    })
    .transform((v) => {
      if (!v) return null;
      const r = parseTypedAmount(v, opts);
      return r.ok ? r.minor : NaN;
    });
}

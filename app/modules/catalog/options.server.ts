/** The zod schemas of options.ts (server-only: loaders and actions parse with them; zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { type OptionErrors } from "./options";

const Label = z.object({ en: z.string().min(1).max(120), zh: z.string().min(1).max(120) });

const OptionDefSchema = z.discriminatedUnion("type", [
  z.object({
    key: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/),
    type: z.literal("choice"),
    label: Label,
    required: z.boolean().default(true),
    choices: z
      .array(z.object({ value: z.string().min(1).max(64), label: Label }))
      .min(1)
      .max(100),
  }),
  z.object({
    key: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/),
    type: z.literal("text"),
    label: Label,
    required: z.boolean().default(false),
    maxLength: z.number().int().min(1).max(500),
  }),
  z.object({
    key: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/),
    type: z.literal("number"),
    label: Label,
    required: z.boolean().default(true),
    min: z.number().int(),
    max: z.number().int(),
    step: z.number().int().positive().default(1),
    unit: z.string().max(16).optional(),
  }),
]);
export type OptionDef = z.infer<typeof OptionDefSchema>;

const OptionsSchemaSchema = z.object({
  options: z.array(OptionDefSchema).max(30),
  /** Order quantities must be a multiple of this (e.g. sold in tens). */
  quantityMultiple: z.number().int().positive().default(1),
  minQuantity: z.number().int().positive().default(1),
});
export type OptionsSchema = z.infer<typeof OptionsSchemaSchema>;

export function parseOptionsSchema(json: string | null | undefined): OptionsSchema | null {
  if (!json) return null;
  try {
    const r = OptionsSchemaSchema.safeParse(JSON.parse(json));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/**
 * Checks chosen option values against the schema. Unknown keys are errors
 * (never silently stored); values are returned normalised (trimmed).
 */
export function validateOptions(
  schema: OptionsSchema,
  input: Record<string, unknown>,
): { ok: true; values: Record<string, string | number> } | { ok: false; errors: OptionErrors } {
  const errors: OptionErrors = {};
  const values: Record<string, string | number> = {};
  const known = new Set(schema.options.map((o) => o.key));
  for (const k of Object.keys(input)) if (!known.has(k) && String(input[k] ?? "").trim() !== "") errors[k] = "catalog.optionUnknown";
  for (const def of schema.options) {
    const raw = input[def.key];
    const s = raw === undefined || raw === null ? "" : String(raw).trim();
    if (s === "") {
      if (def.required) errors[def.key] = "validation.required";
      continue;
    }
    if (def.type === "choice") {
      if (!def.choices.some((c) => c.value === s)) errors[def.key] = "catalog.optionChoice";
      else values[def.key] = s;
    } else if (def.type === "text") {
      if ([...s].length > def.maxLength) errors[def.key] = "catalog.optionTooLong";
      else values[def.key] = s;
    } else {
      if (!/^-?\d+$/.test(s)) {
        errors[def.key] = "catalog.optionRange";
        continue;
      }
      const n = Number(s);
      if (n < def.min || n > def.max || (n - def.min) % def.step !== 0) errors[def.key] = "catalog.optionRange";
      else values[def.key] = n;
    }
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, values };
}

/** Whether a quantity fits the product's multiple and minimum. */
export function quantityFits(schema: OptionsSchema | null, quantity: number): boolean {
  if (!Number.isInteger(quantity) || quantity <= 0) return false;
  if (!schema) return true;
  return quantity >= schema.minQuantity && quantity % schema.quantityMultiple === 0;
}

export type OptionsSchemaCheck =
  { ok: true; schema: OptionsSchema; json: string } | { ok: false; reason: "json" | "shape" | "duplicateKey" | "range" | "duplicateChoice"; path: string };

/**
 * Validates an options schema typed as JSON (admin form, product import):
 * the shape of OptionsSchemaSchema plus what a shape cannot say — unique keys,
 * unique choice values, min ≤ max. Returns the normalised JSON to store.
 */
export function checkOptionsSchemaJson(text: string): OptionsSchemaCheck {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: "json", path: "" };
  }
  const r = OptionsSchemaSchema.safeParse(raw);
  if (!r.success) return { ok: false, reason: "shape", path: r.error.issues[0]?.path.join(".") ?? "" };
  const keys = new Set<string>();
  for (const [i, o] of r.data.options.entries()) {
    if (keys.has(o.key)) return { ok: false, reason: "duplicateKey", path: `options.${i}.key` };
    keys.add(o.key);
    if (o.type === "number" && o.min > o.max) return { ok: false, reason: "range", path: `options.${i}.min` };
    if (o.type === "choice" && new Set(o.choices.map((c) => c.value)).size !== o.choices.length)
      return { ok: false, reason: "duplicateChoice", path: `options.${i}.choices` };
  }
  return { ok: true, schema: r.data, json: JSON.stringify(r.data) };
}

/** Zod fields for typed text and ids that every area's forms share (server-only: zod stays out of the browser bundle, decision 117). */
import { z } from "zod";

/** Text a person must type: trimmed, 1 to `max` characters. */
export const requiredText = (max: number) => z.string().trim().min(1).max(max);

/** Text a person may leave empty: trimmed, at most `max` characters; empty is null. */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => v || null);

/** An id chosen in a select that may be left empty: a positive whole number, or null. */
export const optionalId = z
  .union([z.literal(""), z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)])
  .optional()
  .transform((v) => (v === "" || v === undefined ? null : v));

/** The zod schemas of time.ts (server-only: loaders and actions parse with them; zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { isIsoDate } from "./time";

/** A typed calendar date 'YYYY-MM-DD' as a zod field (a custom refinement, so the message is the localized date hint). */
export const isoDate = z.string().trim().refine(isIsoDate, { message: "validation.date" });

/** A calendar date that may be left empty: empty is null. */
export const optionalDate = z
  .union([z.literal(""), isoDate])
  .optional()
  .transform((v) => v || null);

/** The zod schemas of period.ts (server-only: loaders and actions parse with them; zod stays out of the browser bundle, decision 117). */
import { z } from "zod";

/** The dashboard/report period: business dates, inclusive. */
export const PeriodQuery = z
  .object({
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
  })
  .refine((p) => !p.from || !p.to || p.from <= p.to, { message: "validation.date", path: ["to"] });

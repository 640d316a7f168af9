import { z } from "zod";

/** The dashboard/report period: business dates, inclusive. */
export const PeriodQuery = z
  .object({
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
  })
  .refine((p) => !p.from || !p.to || p.from <= p.to, { message: "validation.date", path: ["to"] });

export type Period = { from: string; to: string };

/** The zod schemas of sales-report.schema.ts (server-only: loaders and actions parse with them; zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { wholeNumberField } from "~/utils/numbers.server";
import { GROUPS } from "./sales-report.schema";

export const SalesReportQuery = z
  .object({
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
    groupBy: z.enum(GROUPS).default("month"),
    region: z
      .string()
      .trim()
      .regex(/^[a-z]{1,32}$/)
      .optional(),
    tier: z
      .string()
      .trim()
      .regex(/^[a-z]{1,16}$/)
      .optional(),
    dealerId: wholeNumberField({ min: 1, max: Number.MAX_SAFE_INTEGER, messages: { format: "validation.invalid" } }).optional(),
    productLine: z.string().trim().max(32).optional(),
    format: z.enum(["csv", "html"]).optional(),
  })
  .refine((p) => !p.from || !p.to || p.from <= p.to, { message: "validation.date", path: ["to"] });
export type SalesReportFilter = z.output<typeof SalesReportQuery>;

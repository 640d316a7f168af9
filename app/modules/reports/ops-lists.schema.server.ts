/** The zod schemas of ops-lists.schema.ts (server-only: loaders and actions parse with them; zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { isIsoDate } from "~/utils/time";
import { STOCK_ALERT_KINDS } from "./ops-lists.schema";

const isoDate = z.string().trim().refine(isIsoDate, { message: "validation.date" });
const page = z.coerce.number().int().min(1).max(100000).default(1);

export const StockAlertsQuery = z.object({
  kind: z.enum(STOCK_ALERT_KINDS).default("low"),
  page,
  format: z.enum(["csv", "html"]).optional(),
});

export const MadeToOrderDueQuery = z
  .object({ from: isoDate.optional(), to: isoDate.optional(), page, format: z.enum(["csv", "html"]).optional() })
  .refine((v) => !v.from || !v.to || v.from <= v.to, { message: "validation.dateRange", path: ["to"] });

/** Query schemas of the lists behind the ops dashboard's figures (safe for the browser). */
import { z } from "zod";
import { isIsoDate } from "~/utils/time";

const isoDate = z.string().trim().refine(isIsoDate, { message: "validation.date" });
const page = z.coerce.number().int().min(1).max(100000).default(1);

export const STOCK_ALERT_KINDS = ["low", "late"] as const;
export type StockAlertKind = (typeof STOCK_ALERT_KINDS)[number];

export const StockAlertsQuery = z.object({
  kind: z.enum(STOCK_ALERT_KINDS).default("low"),
  page,
  format: z.enum(["csv", "html"]).optional(),
});

export const MadeToOrderDueQuery = z
  .object({ from: isoDate.optional(), to: isoDate.optional(), page, format: z.enum(["csv", "html"]).optional() })
  .refine((v) => !v.from || !v.to || v.from <= v.to, { message: "validation.dateRange", path: ["to"] });

/** Query schemas of the lists behind the ops dashboard's figures (safe for the browser). */

export const STOCK_ALERT_KINDS = ["low", "late"] as const;
export type StockAlertKind = (typeof STOCK_ALERT_KINDS)[number];

/** Input shapes of stock operations (browser-safe). */

/** The stock file format: what the stock import reads and the export writes. */
export const STOCK_CSV_HEADER = ["sku", "warehouse", "on_hand", "reserved", "available"] as const;

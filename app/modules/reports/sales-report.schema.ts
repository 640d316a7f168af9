/** The reports page's query: groupings and filters (safe for the browser). */

export const GROUPS = ["month", "dealer", "region", "tier", "productLine"] as const;
export type Group = (typeof GROUPS)[number];

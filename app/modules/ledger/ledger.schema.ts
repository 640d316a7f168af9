/** What finance may post by hand (invoices come from shipments). */
export const MANUAL_TYPES = ["payment", "credit_note", "rebate", "fee", "adjustment"] as const;
export type ManualType = (typeof MANUAL_TYPES)[number];
export const FEE_KINDS = ["fee", "rebate"] as const;

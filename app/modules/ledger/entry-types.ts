// Browser-safe constants shared by post.server.ts and the schemas.
export const ENTRY_TYPES = ["invoice", "payment", "credit_note", "rebate", "fee", "adjustment"] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];
/** Largest amount one entry may carry: 10 billion in major units. Anything above is a typing error. */
export const MAX_ENTRY_MINOR = 1_000_000_000_000;

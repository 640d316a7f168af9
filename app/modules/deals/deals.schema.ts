/** zod schemas of the deals area (key accounts, deals, leads). Browser-safe. */

export const INDUSTRIES = [
  "manufacturing",
  "transport",
  "it",
  "healthcare",
  "hospitality",
  "education",
  "government",
  "energy",
  "retail",
  "finance",
  "real_estate",
  "other",
] as const;
export const ACCOUNT_SIZES = ["small", "medium", "large", "enterprise"] as const;
export const ACTIVITY_KINDS = ["visit", "call", "meeting", "note"] as const;

export const KEY_ACCOUNT_SORTS = ["name", "-created", "openDeals"] as const;

export const DEAL_SORTS = ["-created", "created", "closeDate", "-closeDate", "-value", "value", "stage", "protection"] as const;

/** Promotions' constants (browser-safe): mechanisms, discount kinds, rebate bases, statuses and states. */
export const MECHANISMS = ["price_off", "rebate"] as const;
export type Mechanism = (typeof MECHANISMS)[number];
export const DISCOUNT_KINDS = ["percent", "amount"] as const;
export type DiscountKind = (typeof DISCOUNT_KINDS)[number];
export const REBATE_BASES = ["purchases", "sellout"] as const;
export type RebateBasis = (typeof REBATE_BASES)[number];
/** What is stored: a draft is not yet offered; a cancelled promotion no longer is. */
export const PROMOTION_STATUSES = ["draft", "active", "cancelled"] as const;
export type PromotionStatus = (typeof PROMOTION_STATUSES)[number];
/** What a reader sees: the stored status with the dates (an active promotion is scheduled, running or ended). */
export const PROMOTION_STATES = ["draft", "scheduled", "running", "ended", "cancelled"] as const;
export type PromotionState = (typeof PROMOTION_STATES)[number];
/** Largest rate or percentage off, in basis points (100%). */
export const MAX_BP = 10_000;

export const ANNOUNCEMENT_KINDS = ["announcement", "promotion", "product_news"] as const;
export type AnnouncementKind = (typeof ANNOUNCEMENT_KINDS)[number];
/** Derived from status and the validity window. */
export const ANNOUNCEMENT_STATES = ["scheduled", "active", "ended", "withdrawn"] as const;
export type AnnouncementState = (typeof ANNOUNCEMENT_STATES)[number];

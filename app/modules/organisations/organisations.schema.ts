export const REGIONS = ["north", "east", "south", "central", "west", "northeast"] as const;
export const TIERS = ["platinum", "gold", "silver"] as const;
export type Region = (typeof REGIONS)[number];
export type Tier = (typeof TIERS)[number];

/** Inputs of the second-factor pages (browser-safe). */

export const RECOVERY_CODE_COUNT = 10;

/** Inputs of the second-factor pages (browser-safe). */
import { z } from "zod";

export const RECOVERY_CODE_COUNT = 10;

/** A 6-digit authenticator code or a recovery code (xxxx-xxxx-xxxx-xxxx); spaces are ignored. */
export const SecondFactorCodeSchema = z.object({
  code: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .transform((v) => v.replace(/\s+/g, "")),
});

export const DisableTwoFactorSchema = z.object({ password: z.string().min(1).max(200) });

/** The zod schemas of two-factor.schema.ts (server-only: loaders and actions parse with them; zod stays out of the browser bundle, decision 117). */
import { z } from "zod";

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

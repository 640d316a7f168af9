/** Sign-in and language-switch forms (server-only: zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { LOCALES } from "~/i18n";

export const LoginSchema = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(200),
  redirectTo: z.string().max(2000).optional(),
  // "Keep me signed in" (a checkbox: present or absent).
  keepSignedIn: z
    .literal("on")
    .optional()
    .transform((v) => v === "on"),
});

export const LocaleSchema = z.object({ locale: z.enum(LOCALES), redirectTo: z.string().max(2000).optional() });

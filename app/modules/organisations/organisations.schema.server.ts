/** The zod schemas of organisations.schema.ts (server-only: loaders and actions parse with them; zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { LOCALES } from "~/i18n";
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from "~/modules/audit/audit-actions";
import { ROLES } from "~/modules/auth/permissions";
import { moneyField } from "~/utils/numbers.server";
import { REGIONS, TIERS } from "./organisations.schema";

const trimmed = (max: number) => z.string().trim().min(1).max(max);

export const DealerSchema = z.object({
  code: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9-]{2,32}$/, { message: "dealers.codeFormat" }),
  name: trimmed(200),
  region: z.enum(REGIONS),
  tier: z.enum(TIERS),
  creditLimit: moneyField({ allowZero: true }),
  accountManagerId: z
    .union([z.literal(""), z.coerce.number().int().positive()])
    .optional()
    .transform((v) => (v === "" || v === undefined ? null : v)),
  contactEmail: z
    .union([z.literal(""), z.email().max(254)])
    .optional()
    .transform((v) => v || null),
  contactPhone: z
    .string()
    .trim()
    .max(64)
    .optional()
    .transform((v) => v || null),
});
export type DealerInput = z.output<typeof DealerSchema>;

export const DealerStatusSchema = z.object({ status: z.enum(["active", "disabled"]) });

const passwordField = z
  .string()
  .min(10)
  .max(200)
  .regex(/[A-Za-z]/, { message: "settings.passwordWeak" })
  .regex(/\d/, { message: "settings.passwordWeak" });

export const CreateUserSchema = z.object({
  name: trimmed(120),
  email: z.string().trim().toLowerCase().pipe(z.email().max(254)),
  role: z.enum(ROLES),
  organisationId: z.coerce.number().int().positive().optional(),
  locale: z.enum(LOCALES).default("zh-CN"),
  password: passwordField,
});
export type CreateUserInput = z.output<typeof CreateUserSchema>;

export const UpdateUserSchema = z.object({
  name: trimmed(120),
  role: z.enum(ROLES),
});
export type UpdateUserInput = z.output<typeof UpdateUserSchema>;

export const UserStatusSchema = z.object({ status: z.enum(["active", "disabled"]) });

export const UserListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  role: z.enum(ROLES).optional(),
  status: z.enum(["active", "disabled"]).optional(),
  organisationId: z.coerce.number().int().positive().optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});

export const DealerListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  region: z.enum(REGIONS).optional(),
  tier: z.enum(TIERS).optional(),
  status: z.enum(["active", "disabled"]).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});

/** The audit log's filter: an action and a record type are chosen from the lists (an unknown one is a 400). */
export const AuditListQuery = z.object({
  action: z.enum(AUDIT_ACTIONS).optional(),
  entityType: z.enum(AUDIT_ENTITY_TYPES).optional(),
  entityId: z.string().trim().max(64).optional(),
  actorId: z.coerce.number().int().positive().optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});

export const PreferencesSchema = z.object({
  locale: z.enum(LOCALES),
  digestFrequency: z.enum(["off", "daily", "weekly"]),
});

export const PasswordChangeSchema = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(1).max(200),
  confirmPassword: z.string().min(1).max(200),
});

/** The zod schemas of the API token forms (server-only, decision 117). */
import { isIP } from "node:net";
import { z } from "zod";
import { API_SCOPE_LIST } from "~/modules/auth/permissions";
import { optionalDate } from "~/utils/time.server";

/** One allow-list entry: an IPv4 or IPv6 address, or a CIDR block (10.0.0.0/8, 2001:db8::/32). */
export function parseIpEntry(entry: string): { address: string; prefix: number | null; family: 4 | 6 } | null {
  const [address = "", prefixText, extra] = entry.split("/");
  if (extra !== undefined) return null;
  const family = isIP(address);
  if (family !== 4 && family !== 6) return null;
  if (prefixText === undefined) return { address, prefix: null, family };
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > (family === 4 ? 32 : 128)) return null;
  return { address, prefix, family };
}

export const CreateTokenSchema = z.object({
  name: z.string().trim().min(1).max(80),
  scopes: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.enum(API_SCOPE_LIST)).refine((a) => a.length > 0, { message: "apiTokens.scopesRequired" }),
  ),
  expiresOn: optionalDate,
  ipAllow: z
    .string()
    .max(1000)
    .optional()
    .transform((v) =>
      (v ?? "")
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((list) => list.length <= 20, { message: "apiTokens.ipTooMany" })
    .refine((list) => list.every((e) => parseIpEntry(e) !== null), { message: "apiTokens.ipInvalid" }),
});
export type CreateTokenInput = z.output<typeof CreateTokenSchema>;

export const RevokeTokenSchema = z.object({ tokenId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

import { availableParallelism } from "node:os";
import { z } from "zod";
import { parseDatabaseUrl } from "../../db/url";

/**
 * Every environment variable the portal reads, validated once. A bad value
 * stops the process with one line naming the variable.
 */
const bool = (def: boolean) =>
  z
    .enum(["true", "false", "1", "0", "on", "off", "yes", "no"])
    .default(def ? "true" : "false")
    .transform((v) => ["true", "1", "on", "yes"].includes(v));

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z
      .string()
      .default("mysql://root@127.0.0.1:3306/dealer_desk")
      .refine((v) => {
        try {
          parseDatabaseUrl(v);
          return true;
        } catch {
          return false;
        }
      }, "must look like mysql://user:password@host:3306/database (or host1:3306,host2:3306 for a cluster)"),
    DB_POOL_SIZE: int(10, 1, 200),
    PORT: int(3000, 1, 65535),
    HOST: z.string().min(1).default("0.0.0.0"),
    // Web processes sharing the port (node:cluster): "auto" = one per CPU core; 1 = no cluster.
    WEB_CONCURRENCY: z
      .string()
      .default("auto")
      .refine((v) => v === "auto" || (/^\d{1,2}$/.test(v) && Number(v) >= 1 && Number(v) <= 64), 'must be "auto" or a whole number from 1 to 64')
      .transform((v) => (v === "auto" ? availableParallelism() : Number(v))),
    APP_ORIGIN: z
      .string()
      .optional()
      .refine((v) => v === undefined || /^https?:\/\/[^/]+$/.test(v), "must be an origin such as https://portal.example.com (no path)"),
    TRUST_PROXY: z.string().default("false"),
    SESSION_IDLE_HOURS: int(12, 1, 24 * 30),
    SESSION_ABSOLUTE_DAYS: int(7, 1, 365),
    // "Keep me signed in": the cookie's Max-Age and the session's absolute lifetime (at most 30 days).
    SESSION_REMEMBER_DAYS: int(30, 1, 30),
    LOGIN_MAX_FAILURES: int(5, 1, 100),
    LOGIN_LOCK_MINUTES: int(15, 1, 24 * 60),
    BODY_LIMIT_BYTES: int(1_048_576, 1024, 1_073_741_824),
    UPLOAD_LIMIT_BYTES: int(26_214_400, 1024, 1_073_741_824),
    // The dealer API (/api/v1): requests per token and minute, and the largest JSON body.
    API_RATE_LIMIT_PER_MINUTE: int(600, 1, 1_000_000),
    API_BODY_LIMIT_BYTES: int(262_144, 1024, 16_777_216),
    BUSINESS_TZ: z
      .string()
      .default("Asia/Shanghai")
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat("en", { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, "must be an IANA time zone such as Asia/Shanghai"),
    DEFAULT_CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default("CNY"),
    SEED_DEMO: bool(true),
    JOBS: z.enum(["on", "off"]).default("on"),
    SMTP_URL: z
      .string()
      .optional()
      .refine((v) => {
        if (v === undefined || v === "") return true;
        try {
          const u = new URL(v);
          return (u.protocol === "smtp:" || u.protocol === "smtps:") && u.hostname.length > 0;
        } catch {
          return false;
        }
      }, "must look like smtp://user:pass@host:587 or smtps://host:465"),
    MAIL_FROM: z.string().default("Dealer Desk <no-reply@dealerdesk.local>"),
    APP_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    DEAL_PROTECTION_DAYS: int(90, 1, 3650),
    QUOTE_DISCOUNT_LIMIT_PCT: int(15, 0, 100),
    STATEMENT_CONFIRM_DAYS: int(10, 1, 365),
    STALE_ORDER_HOURS: int(24, 1, 24 * 30),
    // Where service-case attachments are stored (issue #23); default: data/service-attachments in the project.
    SERVICE_ATTACHMENTS_DIR: z.string().min(1).default("data/service-attachments"),
    LOG_REQUESTS: bool(false),
    // Benchmark only (tests/bench): GET /__metrics with peak RSS and event-loop delay…
    BENCH_METRICS: bool(false),
    // …and every SQL statement appended as a JSON line to this file.
    DB_CAPTURE_SQL: z.string().optional(),
  })
  .transform((e) => ({ ...e, APP_ORIGIN: e.APP_ORIGIN ?? `http://localhost:${e.PORT}` }));

export type Env = z.infer<typeof EnvSchema>;

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    throw new EnvError(`Invalid environment variable ${name}: ${issue.message}`);
  }
  return result.data;
}

let cached: Env | undefined;
/** The validated environment; re-read in tests via resetEnv(). */
export function env(): Env {
  if (!cached) cached = parseEnv(process.env);
  return cached;
}
export function resetEnv() {
  cached = undefined;
}

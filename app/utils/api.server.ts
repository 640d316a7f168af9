/**
 * The dealer API's HTTP plumbing (issue #25, docs/decisions/122-dealer-api-http.md): Bearer-token
 * authentication (cookies never authenticate an API call), the token's scope, the per-token rate limit
 * with its RateLimit headers, JSON bodies within a size limit, and every error as an RFC 9457 problem
 * document (application/problem+json) with the same statuses as the pages. Nothing a client sends
 * answers 500: domain errors, zod failures, bad JSON and oversize bodies all map here.
 */
import type { z } from "zod";
import { translate, type Locale, type MessageKey } from "~/i18n";
import type { Actor } from "~/modules/auth/actor";
import type { ApiScope } from "~/modules/auth/permissions";
import { authenticateToken, countRequest, type RateLimitState, type TokenRefusal } from "~/modules/api/tokens.server";
import { env } from "./env.server";
import { DomainError, isTransientDbError } from "./errors";
import { zodFieldErrors } from "./http.server";
import { clientIp } from "./request.server";

const PROBLEM_TYPES = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  idempotency_key_reused: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;
type ProblemType = keyof typeof PROBLEM_TYPES;

type FieldProblem = { pointer: string; field: string; detail: string };

/** A refusal the API answers as a problem document. */
class ApiProblem extends Error {
  constructor(
    readonly type: ProblemType,
    readonly messageKey: MessageKey,
    readonly errors?: FieldProblem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(messageKey);
  }
}

function apiLocale(request: Request): Locale {
  return /^\s*zh/i.test(request.headers.get("accept-language") ?? "") ? "zh-CN" : "en";
}

const TITLE: Record<ProblemType, MessageKey> = {
  unauthorized: "api.problem.unauthorized",
  forbidden: "api.problem.forbidden",
  not_found: "api.problem.not_found",
  method_not_allowed: "api.problem.method_not_allowed",
  conflict: "api.problem.conflict",
  idempotency_key_reused: "api.problem.idempotency_key_reused",
  payload_too_large: "api.problem.payload_too_large",
  unsupported_media_type: "api.problem.unsupported_media_type",
  validation: "api.problem.validation",
  rate_limited: "api.problem.rate_limited",
  unavailable: "api.problem.unavailable",
  internal: "api.problem.internal",
};

function problemResponse(
  locale: Locale,
  type: ProblemType,
  detail: string,
  opts: { errors?: FieldProblem[]; headers?: Record<string, string>; instance?: string } = {},
): Response {
  const status = PROBLEM_TYPES[type];
  const body = {
    type: `/api/docs#problem-${type.replace(/_/g, "-")}`,
    title: translate(locale, TITLE[type]),
    status,
    detail,
    ...(opts.instance ? { instance: opts.instance } : {}),
    ...(opts.errors ? { errors: opts.errors } : {}),
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/problem+json; charset=utf-8", "Content-Language": locale, ...opts.headers },
  });
}

/** "lines.0.quantity" → "/lines/0/quantity" (a JSON Pointer into the request body or query). */
function pointerOf(field: string): string {
  if (field === "_form") return "";
  return `/${field
    .split(".")
    .map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1"))
    .join("/")}`;
}

function fieldProblems(fields: Record<string, string>): FieldProblem[] {
  return Object.entries(fields).map(([field, detail]) => ({ pointer: pointerOf(field), field, detail }));
}

/** Parses a value with zod; a failure is a 422 problem naming each field. */
export function parseApi<S extends z.ZodType>(locale: Locale, schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new ApiProblem("validation", "validation.formErrors", fieldProblems(zodFieldErrors(r.error, locale)));
}

/** The query string as an object (repeated names become arrays; empty values are left out). */
export function queryObject(url: URL): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const [k, v] of url.searchParams.entries()) {
    if (v === "") continue;
    obj[k] = k in obj ? [...(Array.isArray(obj[k]) ? (obj[k] as unknown[]) : [obj[k]]), v] : v;
  }
  return obj;
}

/** Reads a JSON body of at most API_BODY_LIMIT_BYTES (also when it came chunked, without a length). */
async function readJson(request: Request): Promise<unknown> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const limit = env().API_BODY_LIMIT_BYTES;
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw new ApiProblem("payload_too_large", "api.bodyTooLarge");
      }
      chunks.push(value);
    }
  }
  if (size === 0) return {};
  if (type !== "application/json" && !type.endsWith("+json")) throw new ApiProblem("unsupported_media_type", "api.jsonOnly");
  const text = new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiProblem("validation", "api.badJson", [{ pointer: "", field: "_body", detail: "" }]);
  }
}

const REFUSAL: Record<TokenRefusal, MessageKey> = {
  missing: "api.token.missing",
  invalid: "api.token.invalid",
  revoked: "api.token.revoked",
  expired: "api.token.expired",
  ip_not_allowed: "api.token.ipNotAllowed",
  dealer_disabled: "api.token.dealerDisabled",
};

function rateHeaders(r: RateLimitState): Record<string, string> {
  return {
    "RateLimit-Policy": `${r.limit};w=60`,
    "RateLimit-Limit": String(r.limit),
    "RateLimit-Remaining": String(r.remaining),
    "RateLimit-Reset": String(r.resetSeconds),
  };
}

const DOMAIN_TYPE: Record<number, ProblemType> = {
  400: "validation",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  422: "idempotency_key_reused",
  429: "rate_limited",
  503: "unavailable",
};

/** Any error as a problem response; an unexpected one is logged and answered 500 (a bug, never client input). */
function apiErrorResponse(locale: Locale, err: unknown, headers: Record<string, string> = {}, path?: string): Response {
  if (err instanceof ApiProblem) {
    const errors = err.errors?.map((e) => (e.detail ? e : { ...e, detail: translate(locale, err.messageKey) }));
    return problemResponse(locale, err.type, translate(locale, err.messageKey), { errors, headers: { ...headers, ...err.headers } });
  }
  if (err instanceof DomainError) {
    const type = DOMAIN_TYPE[err.status] ?? "conflict";
    const fields = Object.entries(err.fieldErrors ?? {}).filter(([, keys]) => keys[0]);
    const errors = fields.length ? fieldProblems(Object.fromEntries(fields.map(([f, keys]) => [f, translate(locale, keys[0]!, err.params)]))) : undefined;
    const onlyFields = err.messageKey === "validation.formErrors" && errors?.length === 1;
    const detail = onlyFields ? errors[0]!.detail : translate(locale, err.messageKey, err.params);
    return problemResponse(locale, type, detail, {
      errors: type === "validation" ? (errors ?? []) : errors,
      headers: { ...headers, ...(type === "unavailable" ? { "Retry-After": "2" } : {}) },
    });
  }
  if (isTransientDbError(err)) return problemResponse(locale, "unavailable", translate(locale, "error.503"), { headers: { ...headers, "Retry-After": "2" } });
  console.error(JSON.stringify({ level: "error", msg: "api error", path, error: err instanceof Error ? err.stack : String(err) }));
  return problemResponse(locale, "internal", translate(locale, "error.500"), { headers });
}

export type ApiContext = {
  actor: Actor;
  request: Request;
  url: URL;
  locale: Locale;
  params: Record<string, string | undefined>;
  /** The JSON body (an empty body reads as {}). */
  body: () => Promise<unknown>;
};

export type ApiResult = { status?: number; body: unknown; headers?: Record<string, string> };

/**
 * Runs one API call: token → rate limit → scope → the handler. The handler returns the JSON body (200)
 * or an ApiResult with another status.
 */
export async function runApi(
  request: Request,
  params: Record<string, string | undefined>,
  scope: ApiScope,
  handler: (ctx: ApiContext) => Promise<unknown>,
): Promise<Response> {
  const locale = apiLocale(request);
  const url = new URL(request.url);
  let headers: Record<string, string> = {};
  try {
    const auth = request.headers.get("authorization") ?? "";
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    const who = await authenticateToken(m ? m[1]! : null, clientIp(request));
    if (!who.ok) throw new ApiProblem("unauthorized", REFUSAL[who.reason], undefined, { "WWW-Authenticate": 'Bearer realm="dealer-desk-api"' });
    const rate = await countRequest(who.tokenId);
    headers = rateHeaders(rate);
    if (rate.exceeded) throw new ApiProblem("rate_limited", "api.rateLimited", undefined, { "Retry-After": String(rate.resetSeconds) });
    if (!who.actor.token?.scopes.includes(scope)) throw new ApiProblem("forbidden", "api.scopeMissing");
    const result = await handler({ actor: who.actor, request, url, locale, params, body: () => readJson(request) });
    const r: ApiResult = isApiResult(result) ? result : { body: result };
    return new Response(JSON.stringify(r.body), {
      status: r.status ?? 200,
      headers: { "Content-Type": "application/json; charset=utf-8", ...headers, ...r.headers },
    });
  } catch (err) {
    return apiErrorResponse(locale, err, headers, url.pathname);
  }
}

const RESULT = Symbol("api-result");
export function apiResult(r: ApiResult): ApiResult {
  return Object.assign(r, { [RESULT]: true });
}
function isApiResult(v: unknown): v is ApiResult {
  return typeof v === "object" && v !== null && RESULT in v;
}

export function methodNotAllowed(request: Request, allow: "GET" | "POST"): Response {
  const locale = apiLocale(request);
  return problemResponse(locale, "method_not_allowed", translate(locale, "api.methodNotAllowed"), { headers: { Allow: allow } });
}

export function apiNotFound(request: Request): Response {
  const locale = apiLocale(request);
  return problemResponse(locale, "not_found", translate(locale, "api.notFound"));
}

/** The Idempotency-Key header: absent → null; present but malformed → 422 naming the header. */
export function idempotencyKey(ctx: ApiContext): string | null {
  const raw = ctx.request.headers.get("idempotency-key");
  if (raw === null) return null;
  if (!/^[A-Za-z0-9._:-]{8,64}$/.test(raw))
    throw new ApiProblem("validation", "validation.formErrors", [
      { pointer: "", field: "header:Idempotency-Key", detail: translate(ctx.locale, "api.idempotencyKeyFormat") },
    ]);
  return raw;
}

/** A path parameter through zod; a malformed id is a 404 (no such record), like the pages. */
export function parseIdParam<S extends z.ZodType>(ctx: ApiContext, schema: S, name: string): z.output<S> {
  const r = schema.safeParse(ctx.params[name]);
  if (!r.success) throw new ApiProblem("not_found", "error.404");
  return r.data;
}

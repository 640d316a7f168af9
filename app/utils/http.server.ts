/**
 * Route plumbing: form/query parsing with localized field errors, the one
 * place where domain errors become HTTP statuses, CSV streaming.
 */
import { json, type TypedResponse } from "@remix-run/node";
import type { z } from "zod";
import { translate, translateKnown, type Locale, type MessageKey } from "~/i18n";
import { DomainError, UnavailableError, isTransientDbError, type FieldErrors } from "./errors";
import { localeOf } from "./request.server";

export type FormFailure = { ok: false; formError: string; fieldErrors: Record<string, string>; values: Record<string, unknown> };
export type ParseResult<T> = { ok: true; data: T; values: Record<string, unknown> } | FormFailure;

type Issue = z.core.$ZodIssue;

function issueMessage(issue: Issue, locale: Locale): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined || issue.input === "") return translate(locale, "validation.required");
      if (issue.expected === "int" || issue.expected === "number") return translate(locale, "validation.integer");
      return translate(locale, "validation.invalid");
    case "too_small":
      if (issue.origin === "string") {
        return Number(issue.minimum) <= 1 ? translate(locale, "validation.required") : translate(locale, "validation.tooShort", { min: Number(issue.minimum) });
      }
      if (issue.origin === "number")
        return Number(issue.minimum) <= 0 && !issue.inclusive ? translate(locale, "validation.positive") : translate(locale, "validation.nonNegative");
      return translate(locale, "validation.required");
    case "too_big":
      if (issue.origin === "string") return translate(locale, "validation.tooLong", { max: Number(issue.maximum) });
      return translate(locale, "validation.invalid");
    case "invalid_format":
      if (issue.format === "email") return translate(locale, "validation.email");
      return translate(locale, "validation.invalid");
    case "invalid_value":
      return translate(locale, "validation.choice");
    case "custom":
      // Custom refinements carry an i18n key as their message, and its parameters (a limit) as params.
      return (
        translateKnown(locale, issue.message ?? "", issue.params as Record<string, string | number> | undefined) ?? translate(locale, "validation.invalid")
      );
    default:
      return translate(locale, "validation.invalid");
  }
}

export function zodFieldErrors(error: z.ZodError, locale: Locale): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_form";
    if (!(key in out)) out[key] = issueMessage(issue as Issue, locale);
  }
  return out;
}

/** FormData to a plain object: repeated names and names ending in [] become arrays. */
export function formDataToObject(fd: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of fd.entries()) {
    if (typeof value !== "string") {
      out[rawKey] = value;
      continue;
    }
    const isArray = rawKey.endsWith("[]");
    const key = isArray ? rawKey.slice(0, -2) : rawKey;
    if (isArray) {
      ((out[key] as unknown[] | undefined) ?? ((out[key] = [] as unknown[]) as unknown[])).push(value);
    } else if (key in out) {
      const prev = out[key];
      out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
    } else out[key] = value;
  }
  return out;
}

function safeValues(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (/password/i.test(k) || (typeof v === "object" && v !== null && !Array.isArray(v))) continue;
    out[k] = v;
  }
  return out;
}

/** Reads the form and parses it with zod; unknown fields are dropped by the schema. */
export async function parseForm<S extends z.ZodType>(request: Request, schema: S, formData?: FormData): Promise<ParseResult<z.output<S>>> {
  const locale = localeOf(request);
  let fd: FormData;
  try {
    fd = formData ?? (await request.formData());
  } catch {
    return { ok: false, formError: translate(locale, "error.400"), fieldErrors: {}, values: {} };
  }
  return parseObject(request, schema, formDataToObject(fd));
}

// The values a request's form carried, so a domain error re-renders the form with them.
const submitted = new WeakMap<Request, Record<string, unknown>>();

export function parseObject<S extends z.ZodType>(request: Request, schema: S, values: Record<string, unknown>): ParseResult<z.output<S>> {
  const locale = localeOf(request);
  submitted.set(request, values);
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data, values: safeValues(values) };
  return { ok: false, formError: translate(locale, "validation.formErrors"), fieldErrors: zodFieldErrors(result.error, locale), values: safeValues(values) };
}

/**
 * Query-string parameters through zod; a bad value is a 400 page, never a 500. `invalid` names the
 * message to show when a given parameter is refused (else the page says the request was not understood).
 */
export function parseQuery<S extends z.ZodType>(request: Request, schema: S, opts: { invalid?: Partial<Record<string, MessageKey>> } = {}): z.output<S> {
  const url = new URL(request.url);
  const obj: Record<string, unknown> = {};
  for (const [k, v] of url.searchParams.entries()) {
    if (v === "") continue;
    if (k in obj) obj[k] = Array.isArray(obj[k]) ? [...(obj[k] as unknown[]), v] : [obj[k], v];
    else obj[k] = v;
  }
  const result = schema.safeParse(obj);
  if (!result.success) {
    const locale = localeOf(request);
    const fieldErrors = zodFieldErrors(result.error, locale);
    let message: string | undefined;
    for (const [field, key] of Object.entries(opts.invalid ?? {})) {
      if (!key || !(field in fieldErrors)) continue;
      fieldErrors[field] = translate(locale, key);
      message ??= fieldErrors[field];
    }
    throw json({ message: message ?? translate(locale, "error.400"), fieldErrors }, { status: 400 });
  }
  return result.data;
}

function translateFieldErrors(fe: FieldErrors | undefined, locale: Locale, params?: Record<string, string | number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fe ?? {})) if (v[0]) out[k] = translate(locale, v[0], params);
  return out;
}

/**
 * A domain error as a form shows it: its message and its field errors, localized. When the error's
 * own message is shown next to a field (`onField`), the banner says only that fields need
 * correcting, so the message is not said twice.
 */
export function domainFailure(request: Request, err: DomainError): { formError: string; fieldErrors: Record<string, string> } {
  const locale = localeOf(request);
  const fieldErrors = translateFieldErrors(err.fieldErrors, locale, err.params);
  const onField = err.messageKey !== "validation.formErrors" && Object.values(err.fieldErrors ?? {}).some((keys) => keys[0] === err.messageKey);
  return { formError: translate(locale, onField ? "validation.formErrors" : err.messageKey, err.params), fieldErrors };
}

/**
 * Maps an error to a Response: DomainError → its status; lost database → 503; else rethrow.
 * `extra` joins the failure (e.g. the `intent` of the form it answers, so a page with several
 * forms shows the error on the one that was sent).
 */
export function errorResponse(
  request: Request,
  err: unknown,
  values: Record<string, unknown> = submitted.get(request) ?? {},
  extra: Record<string, string> = {},
): Response {
  if (err instanceof Response) return err;
  const locale = localeOf(request);
  if (err instanceof DomainError) {
    return json<FormFailure>(
      { ok: false, ...domainFailure(request, err), values: safeValues(values), ...extra },
      {
        status: err.status,
        headers:
          err.status === 429 && err.params?.seconds ? { "Retry-After": String(err.params.seconds) } : err.status === 503 ? { "Retry-After": "2" } : undefined,
      },
    );
  }
  if (isTransientDbError(err)) {
    const u = new UnavailableError();
    return json<FormFailure>(
      { ok: false, formError: translate(locale, u.messageKey), fieldErrors: {}, values: safeValues(values), ...extra },
      { status: 503, headers: { "Retry-After": "2" } },
    );
  }
  throw err;
}

const CSV_DANGEROUS = /^[=+\-@\t\r]/;
function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s = v instanceof Date ? v.toISOString() : String(v);
  // Spreadsheet formula injection: a leading = + - @ is neutralised.
  if (CSV_DANGEROUS.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: unknown[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/**
 * Streams a CSV (UTF-8 with BOM so spreadsheet programs read Chinese) from an
 * async iterable of row batches; memory stays bounded by one batch.
 * The first batch is read before the response exists: the source's checks
 * (permission, scope: "not yours" is a 404) run then and throw as any loader
 * error does, instead of failing a stream whose 200 headers were already sent.
 */
export async function csvResponse(filename: string, header: string[], batches: AsyncIterable<unknown[][]>): Promise<TypedResponse<never>> {
  const encoder = new TextEncoder();
  const iterator = batches[Symbol.asyncIterator]();
  let first: IteratorResult<unknown[][]> | null = await iterator.next();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`\uFEFF${csvLine(header)}`));
    },
    async pull(controller) {
      try {
        const { value, done } = first ?? (await iterator.next());
        first = null;
        if (done) {
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(value.map(csvLine).join("")));
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
    },
  }) as TypedResponse<never>;
}

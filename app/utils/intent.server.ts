/**
 * Multi-intent actions: a page with several forms, each posting its `intent`. One way to read the
 * intent, to answer a missing or unknown one (one localized 400) and to map what a handler throws
 * (errorResponse: ValidationError → 400 with field errors and the typed values, 403, 404, 409, 429,
 * 503), every failure carrying its intent so the page shows it on the form that was sent.
 *
 *     export const action = withAction(async ({ request, params }) => {
 *       const actor = await requireActor(request, "deal:read");
 *       return intentAction(request, {
 *         approve: async (ctx) => { await approveDeal(actor, id); return ctx.done("deals.approved"); },
 *         update: (ctx) => ctx.submit(UpdateDealSchema, (data) => updateDeal(actor, id, data), "deals.updated"),
 *         reject: async (ctx) => {
 *           const form = await parseForm(request, ReasonSchema, ctx.form);
 *           if (!form.ok) return ctx.fail(form);
 *           …
 *         },
 *       });
 *     });
 */
import { json, type TypedResponse } from "@remix-run/node";
import { translate, type MessageKey } from "~/i18n";
import type { z } from "zod";
import { errorResponse, formDataToObject, parseForm, type FormFailure } from "./http.server";
import { localeOf } from "./request.server";

export type IntentFailure<I extends string> = FormFailure & { intent: I };
export type IntentDone<I extends string> = { ok: true; intent: I; message: string };

export type IntentContext<I extends string> = {
  intent: I;
  /** The posted form, read once. */
  form: FormData;
  /** What the form carried, as typed: a failure re-renders the form with it. */
  values: Record<string, unknown>;
  /**
   * A failed parse: 400 with its field errors and values, tied to this intent. Anything else the
   * page needs to place the failure (the record the form was for) comes along.
   */
  fail: <X extends Omit<FormFailure, "ok">>(failure: X) => TypedResponse<X & IntentFailure<I>>;
  /** Done: a localized notice tied to this intent. */
  done: (key: MessageKey, params?: Record<string, string | number>) => TypedResponse<IntentDone<I>>;
  /**
   * The usual form: read with `schema` (a failure comes back on this form), `run` with what it
   * read, then `key` (or the key for what was read) said as done.
   */
  submit: <S extends z.ZodType>(
    schema: S,
    run: (data: z.output<S>) => Promise<unknown>,
    key: MessageKey | ((data: z.output<S>) => MessageKey),
  ) => Promise<TypedResponse<IntentFailure<I>> | TypedResponse<IntentDone<I>>>;
};

/** The one answer to a form without a known intent (or without a readable body): 400, localized. */
export function badIntent(request: Request): never {
  throw json({ message: translate(localeOf(request), "error.400") }, { status: 400 });
}

/** The request's form, read once; a body that is no form is a bad request. */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    return badIntent(request);
  }
}

/**
 * Runs the handler named by the form's `intent`. A handler returns its answer (a redirect,
 * `ctx.done(…)`, `ctx.fail(form)` or any data); what it throws is mapped by errorResponse with
 * the intent and the typed values attached.
 */
export async function intentAction<T>(
  request: Request,
  handlers: { [K in keyof T]: (ctx: IntentContext<K & string>) => Promise<T[K]> },
  formData?: FormData,
): Promise<T[keyof T] | TypedResponse<IntentFailure<keyof T & string>>> {
  const form = formData ?? (await readForm(request));
  const raw = form.get("intent");
  if (typeof raw !== "string" || !Object.hasOwn(handlers, raw)) badIntent(request);
  const intent = raw as keyof T & string;
  const values = formDataToObject(form);
  const locale = localeOf(request);
  const fail: IntentContext<typeof intent>["fail"] = (failure) => json({ ...failure, ok: false as const, intent }, { status: 400 });
  const done: IntentContext<typeof intent>["done"] = (key, params) => json({ ok: true as const, intent, message: translate(locale, key, params) });
  const ctx: IntentContext<typeof intent> = {
    intent,
    form,
    values,
    fail,
    done,
    submit: async (schema, run, key) => {
      const parsed = await parseForm(request, schema, form);
      if (!parsed.ok) return fail(parsed);
      await run(parsed.data);
      return done(typeof key === "function" ? key(parsed.data) : key);
    },
  };
  try {
    return await handlers[intent](ctx);
  } catch (err) {
    if (err instanceof Response) throw err;
    return errorResponse(request, err, values, { intent }) as TypedResponse<IntentFailure<typeof intent>>;
  }
}

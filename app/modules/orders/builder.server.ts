/**
 * The one action behind both order-builder pages (/orders/new and
 * /orders/drafts/:id): save, add a product, remove a line, submit, delete.
 * A failed save comes back with the user's lines as typed and errors keyed
 * by line, so nothing they entered is lost.
 */
import { json, redirect } from "@remix-run/node";
import { translate } from "~/i18n";
import { requireActor } from "~/modules/auth/auth.server";
import { DomainError, type FieldErrors } from "~/utils/errors";
import { parseObject } from "~/utils/http.server";
import { deleteDraft, saveDraftFromForm, submitOrder } from "./orders.server";
import { describeLines, type DisplayLine, type RawLine } from "./orders.views.server";
import { builderFormToObject, DraftFormSchema, parseBuilderIntent } from "./orders.schema";

export type BuilderFailure = {
  ok: false;
  formError: string;
  fieldErrors: Record<string, string>;
  values: { addressId?: string; requestedDate?: string; poReference?: string; notes?: string };
  lines: DisplayLine[];
  /** Set when the draft changed elsewhere: the page offers a reload. */
  conflict?: boolean;
};

export async function builderAction(request: Request, orderId: number | null) {
  const actor = await requireActor(request, "order:create");
  const locale = actor.locale;
  const fd = await request.formData();
  const raw = builderFormToObject(fd);
  const intent = parseBuilderIntent(raw.intent);
  if (!intent) throw json({ message: translate(locale, "error.400") }, { status: 400 });
  const rawLines = raw.lines as RawLine[];
  if (intent.kind === "delete") {
    if (orderId === null) return redirect("/orders");
    const version = Number(raw.version);
    await deleteDraft(actor, orderId, Number.isSafeInteger(version) ? version : 0);
    return redirect("/orders?deleted=1");
  }
  if (intent.kind === "remove") rawLines.splice(intent.index, 1);
  const addProductId = intent.kind === "add" ? intent.productId : undefined;
  const values = {
    addressId: typeof raw.addressId === "string" ? raw.addressId : undefined,
    requestedDate: typeof raw.requestedDate === "string" ? raw.requestedDate : undefined,
    poReference: typeof raw.poReference === "string" ? raw.poReference : undefined,
    notes: typeof raw.notes === "string" ? raw.notes : undefined,
  };
  const fail = async (status: number, formError: string, fieldErrors: Record<string, string>, conflict = false) =>
    json<BuilderFailure>({ ok: false, formError, fieldErrors, values, lines: await describeLines(actor, orderId, rawLines, addProductId), conflict }, { status });

  const parsed = parseObject(request, DraftFormSchema, raw);
  if (!parsed.ok) return fail(400, parsed.formError, parsed.fieldErrors);
  const q = (typeof raw.q === "string" && raw.q.trim()) || new URL(request.url).searchParams.get("q");
  try {
    if (intent.kind === "submit") {
      if (!parsed.data.submitKey) return fail(400, translate(locale, "error.400"), {});
      const r = await submitOrder(actor, { orderId, submitKey: parsed.data.submitKey, form: parsed.data });
      return redirect(`/orders/${r.number}?submitted=${r.duplicate ? "again" : r.status}`);
    }
    const r = await saveDraftFromForm(actor, { orderId, form: parsed.data, addProductId });
    const sp = new URLSearchParams();
    if (q && intent.kind === "add") sp.set("q", q);
    sp.set("saved", intent.kind);
    return redirect(`/orders/drafts/${r.id}?${sp.toString()}`);
  } catch (err) {
    if (err instanceof DomainError && (err.status === 400 || err.status === 409)) {
      return fail(err.status, translate(locale, err.messageKey, err.params), translateErrors(locale, err.fieldErrors, err.params), err.status === 409);
    }
    throw err;
  }
}

function translateErrors(locale: Parameters<typeof translate>[0], fe: FieldErrors | undefined, params?: Record<string, string | number>) {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fe ?? {})) if (v[0]) out[k] = translate(locale, v[0], params);
  return out;
}

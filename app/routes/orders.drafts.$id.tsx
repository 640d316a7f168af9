import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Link } from "~/components/link";
import { OrderBuilder } from "~/components/orders/OrderBuilder";
import { PageHeader } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { translate } from "~/i18n";
import { builderFormToObject, parseBuilderIntent } from "~/modules/orders/orders.schema";
import { BuilderQuery, DraftFormSchema } from "~/modules/orders/orders.schema.server";
import { deleteDraft, saveDraftFromForm, submitOrder } from "~/modules/orders/orders.server";
import { builderData, describeLines, type DisplayLine, type RawLine } from "~/modules/orders/orders.views.server";
import { DomainError } from "~/utils/errors";
import { domainFailure, parseObject, parseQuery } from "~/utils/http.server";
import { badIntent, readForm } from "~/utils/intent.server";
import { withAction, withLoader } from "~/utils/route";
import { idParam } from "~/utils/params.server";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta<typeof loader>("orders.edit", ({ order }) => (order ? (order.number ?? `#${order.id}`) : null));

export const loader = /* @__PURE__ */ withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "order:create");
  const id = idParam(params.id);
  const query = parseQuery(request, BuilderQuery);
  return json({ ...(await builderData(actor, { orderId: id, q: query.q })), q: query.q ?? "" });
});

type BuilderFailure = {
  ok: false;
  formError: string;
  fieldErrors: Record<string, string>;
  values: { addressId?: string; requestedDate?: string; poReference?: string; notes?: string };
  lines: DisplayLine[];
  /** Set when the draft changed elsewhere: the page offers a reload. */
  conflict?: boolean;
};

/**
 * The one action behind both order-builder pages (/orders/new and /orders/drafts/:id): save, add a
 * product, remove a line, submit, delete. A failed save comes back with the user's lines as typed and
 * errors keyed by line, so nothing they entered is lost. /orders/new re-exports this route's action
 * (no :id there: a new order).
 */
async function builderAction(request: Request, orderId: number | null) {
  const actor = await requireActor(request, "order:create");
  const locale = actor.locale;
  const fd = await readForm(request);
  const raw = builderFormToObject(fd);
  const intent = parseBuilderIntent(raw.intent);
  if (!intent) return badIntent(request);
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
    json<BuilderFailure>(
      { ok: false, formError, fieldErrors, values, lines: await describeLines(actor, orderId, rawLines, addProductId), conflict },
      { status },
    );

  const parsed = parseObject(request, DraftFormSchema, raw);
  if (!parsed.ok) return fail(400, parsed.formError, parsed.fieldErrors);
  const q = (typeof raw.q === "string" && raw.q.trim()) || new URL(request.url).searchParams.get("q");
  try {
    if (intent.kind === "submit") {
      if (!parsed.data.submitKey) return await fail(400, translate(locale, "error.400"), {});
      const r = await submitOrder(actor, { orderId, submitKey: parsed.data.submitKey, form: parsed.data });
      return redirect(`/orders/${r.number}?submitted=${r.duplicate ? "again" : r.status}`);
    }
    const r = await saveDraftFromForm(actor, { orderId, form: parsed.data, addProductId });
    const sp = new URLSearchParams();
    if (q && intent.kind === "add") sp.set("q", q);
    sp.set("saved", intent.kind);
    if (intent.kind !== "add") return redirect(`/orders/drafts/${r.id}?${sp.toString()}`);
    // The new line is the last one: the page lands on its quantity, focused (decision 119). The
    // fragment names that input, so a browser without JavaScript scrolls there and focuses it too.
    const line = parsed.data.lines.length + 1;
    sp.set("added", String(line));
    return redirect(`/orders/drafts/${r.id}?${sp.toString()}#q-${line - 1}`);
  } catch (err) {
    // A refused save re-renders the builder with the lines as typed; other errors map as every action's do.
    if (err instanceof DomainError && (err.status === 400 || err.status === 409)) {
      const { formError, fieldErrors } = domainFailure(request, err);
      return fail(err.status, formError, fieldErrors, err.status === 409);
    }
    throw err;
  }
}

export const action = /* @__PURE__ */ withAction(async ({ request, params }: ActionFunctionArgs) =>
  builderAction(request, params.id === undefined ? null : idParam(params.id)),
);

export default function EditDraft() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [sp] = useSearchParams();
  const t = useT();
  const saved = sp.get("saved");
  const notice = saved === "add" ? t("orders.lineAdded") : saved === "remove" ? t("orders.lineRemoved") : saved ? t("orders.draftSaved") : undefined;
  const title = data.order?.number ? t("orders.editNumbered", { number: data.order.number }) : t("orders.draftN", { id: data.order?.id ?? "" });
  return (
    <div className="max-w-5xl">
      <PageHeader
        title={title}
        crumbs={[{ label: t("orders.title"), to: "/orders" }, { label: title }]}
        actions={
          data.order?.number ? (
            <Link to={`/orders/${data.order.number}`} className="btn-secondary">
              {t("orders.tracking")}
            </Link>
          ) : undefined
        }
      />
      <OrderBuilder
        {...data}
        notice={failure ? undefined : notice}
        addedLine={failure ? undefined : Number(sp.get("added")) || undefined}
        failure={failure && "lines" in failure ? failure : failure ? { ...failure, values: {}, lines: data.lines } : undefined}
      />
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

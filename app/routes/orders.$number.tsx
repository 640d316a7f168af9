import { ListTable, Th } from "~/components/list";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Link } from "~/components/link";
import { useState } from "react";
import { OrderStatusBadge } from "~/components/orders/OrderStatusBadge";
import { Field, FormError, Notice, SelectField, SubmitButton } from "~/components/ui/form";
import { Badge, PageHeader } from "~/components/ui/layout";
import type { MessageKey } from "~/i18n";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { shipmentFieldErrors, shipmentFormToObject } from "~/modules/orders/orders.schema";
import {
  ConfirmDeliverySchema,
  OptionalNoteSchema,
  PromiseChangeSchema,
  ReasonSchema,
  ShipmentFormSchema,
  VersionSchema,
  OrderIdSchema,
} from "~/modules/orders/orders.schema.server";
import {
  approveOrder,
  cancelOrder,
  changePromiseDate,
  confirmDelivery,
  recheckBackorders,
  recordShipment,
  rejectOrder,
  releaseCreditHold,
  sendBackOrder,
} from "~/modules/orders/orders.server";
import { getOrderPage } from "~/modules/orders/orders.views.server";
import { shipmentInputFromForm } from "~/modules/orders/orders.forms.server";
import { orderNumberParam } from "~/utils/params.server";
import { parseForm, parseObject } from "~/utils/http.server";
import { badIntent, intentAction, readForm, type IntentContext } from "~/utils/intent.server";
import { withAction, withLoader } from "~/utils/route";
import { safeRedirectPath } from "~/utils/request.server";
import { pageMeta } from "~/utils/meta";
import { LinePromotionBadge } from "~/components/promotions";

export const meta = pageMeta<typeof loader>("orders.order", ({ order }) => order.number);

export const loader = /* @__PURE__ */ withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "order:read");
  return json(await getOrderPage(actor, orderNumberParam(params.number)));
});

const INTENTS = ["cancel", "release_hold", "approve", "reject", "send_back", "ship", "confirm_delivery", "change_promise", "recheck_backorders"] as const;
type Intent = (typeof INTENTS)[number];

export const action = /* @__PURE__ */ withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "order:read");
  const number = orderNumberParam(params.number);
  const fd = await readForm(request);
  const head = OrderIdSchema.safeParse({ orderId: fd.get("orderId") });
  if (!head.success) badIntent(request);
  const { orderId } = head.data;
  const finish = (intent: Intent, target = number) => {
    const back = fd.get("returnTo");
    if (typeof back === "string" && back) {
      const to = safeRedirectPath(back, `/orders/${target}`);
      return redirect(`${to}${to.includes("?") ? "&" : "?"}done=${intent}&order=${encodeURIComponent(target)}`);
    }
    return redirect(`/orders/${target}?done=${intent}`);
  };
  const withNote =
    (change: (a: typeof actor, id: number, input: { version: number; note: string | null }) => Promise<unknown>) =>
    async (ctx: IntentContext<"cancel" | "release_hold">) => {
      const form = await parseForm(request, OptionalNoteSchema, fd);
      if (!form.ok) return ctx.fail(form);
      await change(actor, orderId, form.data);
      return finish(ctx.intent);
    };
  const withVersion =
    (change: (a: typeof actor, id: number, input: { version: number }) => Promise<unknown>) => async (ctx: IntentContext<"approve" | "recheck_backorders">) => {
      const form = await parseForm(request, VersionSchema, fd);
      if (!form.ok) return ctx.fail(form);
      await change(actor, orderId, form.data);
      return finish(ctx.intent);
    };
  const withReason = (change: typeof rejectOrder) => async (ctx: IntentContext<"reject" | "send_back">) => {
    const form = await parseForm(request, ReasonSchema, fd);
    if (!form.ok) return ctx.fail(form);
    const r = await change(actor, orderId, form.data);
    return finish(ctx.intent, r.number);
  };
  return intentAction(
    request,
    {
      cancel: withNote(cancelOrder),
      release_hold: withNote(releaseCreditHold),
      approve: withVersion(approveOrder),
      recheck_backorders: withVersion(recheckBackorders),
      reject: withReason(rejectOrder),
      send_back: withReason(sendBackOrder),
      ship: async (ctx) => {
        const form = parseObject(request, ShipmentFormSchema, shipmentFormToObject(fd));
        // Shown on the quantity that is wrong, with what was typed.
        if (!form.ok) return ctx.fail({ ...form, fieldErrors: shipmentFieldErrors(form.fieldErrors), values: ctx.values });
        await recordShipment(actor, orderId, shipmentInputFromForm(form.data));
        return finish(ctx.intent);
      },
      confirm_delivery: async (ctx) => {
        const form = await parseForm(request, ConfirmDeliverySchema, fd);
        if (!form.ok) return ctx.fail(form);
        await confirmDelivery(actor, orderId, form.data);
        return finish(ctx.intent);
      },
      change_promise: async (ctx) => {
        const form = await parseForm(request, PromiseChangeSchema, fd);
        if (!form.ok) return ctx.fail(form);
        await changePromiseDate(actor, orderId, form.data);
        return finish(ctx.intent);
      },
    },
    fd,
  );
});

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

export default function OrderPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [sp] = useSearchParams();
  const t = useT();
  const f = useFormat();
  const { order, actions } = data;
  const failure = result && result.ok === false ? result : undefined;
  const failFor = (i: Intent) => (failure && "intent" in failure && failure.intent === i ? failure : undefined);
  const submitted = sp.get("submitted");
  const done = sp.get("done");
  const notice =
    submitted === "again"
      ? t("orders.submittedAgain")
      : submitted === "submitted"
        ? t("orders.submittedOk", { number: order.number ?? "" })
        : done && (INTENTS as readonly string[]).includes(done)
          ? t(`orders.done.${done}` as MessageKey)
          : undefined;
  // A failure not tied to a specific form (409 "already changed", 403, 404) shows at the top.
  const topError = failure && !("fieldErrors" in failure && Object.keys(failure.fieldErrors).length) ? failure.formError : undefined;

  return (
    <div className="space-y-6">
      <PageHeader
        title={`${t("orders.order")} ${order.number ?? ""}`}
        crumbs={[{ label: t("orders.title"), to: "/orders" }, { label: order.number ?? "" }]}
        actions={
          <>
            <OrderStatusBadge status={order.status} />
            {order.number ? (
              <span className="no-print flex flex-wrap gap-2">
                <Link className="btn-secondary" to={`/orders/${order.number}/print`}>
                  {t("documents.printConfirmation")}
                </Link>
                <Link className="btn-secondary" to={`/orders/${order.number}/pdf`} reloadDocument>
                  {t("documents.downloadPdf")}
                </Link>
              </span>
            ) : null}
            {actions.edit ? (
              <Link to={`/orders/drafts/${order.id}`} className="btn-primary">
                {t("orders.editAndResubmit")}
              </Link>
            ) : null}
          </>
        }
      />
      <Notice message={notice} />
      <FormError message={topError} />
      {order.status === "credit_hold" ? <CreditHold data={data} /> : null}
      {order.review_note && (order.status === "draft" || order.status === "rejected") ? (
        <div role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <strong>{order.status === "draft" ? t("orders.sentBackNote") : t("orders.rejectedReason")}:</strong> {order.review_note}
        </div>
      ) : null}

      {data.serviceCase ? (
        <div role="status" data-testid="replacement-for" className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900">
          <strong>{t("orders.replacementFor")}:</strong>{" "}
          {data.serviceCase.href ? (
            <Link className="link" to={data.serviceCase.href}>
              {data.serviceCase.number}
            </Link>
          ) : (
            data.serviceCase.number
          )}
        </div>
      ) : null}
      <section className="card grid gap-4 text-sm sm:grid-cols-2 lg:grid-cols-4" aria-label={t("orders.summary")}>
        <Fact label={t("orders.dealer")}>
          {order.dealer_code} · {order.dealer_name}
        </Fact>
        <Fact label={t("orders.poReference")}>{order.po_reference || "—"}</Fact>
        <Fact label={t("orders.total")}>
          <span className="text-base font-semibold">{f.money(order.total_minor, order.currency)}</span>
        </Fact>
        <Fact label={t("orders.submittedAt")}>{f.dateTime(order.submitted_at)}</Fact>
        <Fact label={t("orders.requestedDate")}>
          <span data-testid="requested-date">{f.date(order.requested_date)}</span>
        </Fact>
        <Fact label={t("orders.promisedDate")}>
          <span
            data-testid="promised-date"
            className={order.promised_date && order.requested_date && order.promised_date > order.requested_date ? "font-semibold text-amber-700" : ""}
          >
            {order.promised_date ? f.date(order.promised_date) : ["approved", "partially_shipped"].includes(order.status) ? t("orders.promiseTbc") : "—"}
          </span>
          {order.promised_date && order.requested_date && order.promised_date > order.requested_date ? (
            <span className="block text-xs text-amber-700">{t("orders.laterThanRequested")}</span>
          ) : null}
        </Fact>
        <Fact label={t("orders.address")}>
          {order.address ? (
            <>
              {order.address.recipient} · {order.address.phone}
              <br />
              {order.address.province} {order.address.city} {order.address.line1} {order.address.postcode}
            </>
          ) : (
            "—"
          )}
        </Fact>
        <Fact label={t("orders.createdBy")}>
          {order.created_by_name ?? "—"} · {f.dateTime(order.created_at)}
        </Fact>
        {order.deal_id || order.quote_id ? (
          <Fact label={t("orders.origin")}>
            {order.deal_id ? (
              <Link className="link" to={`/deals/${order.deal_id}`}>
                {t("orders.deal")} #{order.deal_id}
              </Link>
            ) : null}
            {order.deal_id && order.quote_id ? " · " : null}
            {order.quote_id ? (
              <Link className="link" to={`/quotes/${order.quote_id}`}>
                {t("orders.quote")} #{order.quote_id}
              </Link>
            ) : null}
          </Fact>
        ) : null}
        {order.notes ? <Fact label={t("common.notes")}>{order.notes}</Fact> : null}
      </section>

      <Lines data={data} />

      <ReviewActions key={`review-${order.version}`} data={data} failFor={failFor} />

      {actions.ship ? <ShipmentForm key={`ship-${order.version}`} data={data} failure={failFor("ship")} /> : null}

      <Shipments data={data} failure={failFor("confirm_delivery")} />

      <Dates key={`dates-${order.version}`} data={data} failure={failFor("change_promise")} />

      {data.entries ? <Invoices data={data} /> : null}

      <Timeline data={data} />
    </div>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
      <div className="mt-1">{children}</div>
    </div>
  );
}

function Hidden({ data, intent }: { data: Data; intent: Intent }) {
  return (
    <>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="orderId" value={data.order.id} />
      <input type="hidden" name="version" value={data.order.version} />
    </>
  );
}

function CreditHold({ data }: { data: Data }) {
  const t = useT();
  const f = useFormat();
  const c = data.credit;
  const cur = data.order.currency;
  return (
    <section className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950" role="status" aria-labelledby="hold-heading">
      <h2 id="hold-heading" className="font-semibold">
        {t("orders.creditHoldTitle")}
      </h2>
      <p className="mt-1">{t("orders.creditHoldExplain")}</p>
      {c ? (
        <dl className="mt-3 grid gap-x-6 gap-y-1 sm:grid-cols-2" data-testid="credit-position">
          <dt>{t("orders.creditLimit")}</dt>
          <dd className="font-medium">{f.money(c.limitMinor, cur)}</dd>
          <dt>{t("orders.creditBalance")}</dt>
          <dd className="font-medium">{f.money(c.balanceMinor, cur)}</dd>
          <dt>{t("orders.creditOpenOrders")}</dt>
          <dd className="font-medium">{f.money(c.openOrdersMinor, cur)}</dd>
          <dt>{t("orders.creditThisOrder")}</dt>
          <dd className="font-medium">{f.money(data.order.total_minor, cur)}</dd>
          <dt>{t("orders.creditOver")}</dt>
          <dd className="font-semibold text-red-700">
            {f.money(Math.max(0, c.balanceMinor + c.openOrdersMinor + data.order.total_minor - c.limitMinor), cur)}
          </dd>
        </dl>
      ) : null}
      {data.actions.releaseHold ? (
        <p className="mt-3">
          <Link className="link" to="/finance/credit-holds">
            {t("creditHolds.backToQueue")}
          </Link>
        </p>
      ) : null}
    </section>
  );
}

function Lines({ data }: { data: Data }) {
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const cur = data.order.currency;
  const approvedLike = !["draft", "submitted", "credit_hold", "rejected", "cancelled"].includes(data.order.status);
  return (
    <section className="card p-0" aria-labelledby="lines-h">
      <h2 id="lines-h" className="px-4 pt-4 font-semibold">
        {t("orders.lines")}
      </h2>
      <ListTable
        bare
        foot={
          <>
            <tr>
              <td colSpan={4} className="text-right font-semibold">
                {t("orders.total")}
              </td>
              <td className="text-right font-semibold">{f.money(data.order.total_minor, cur)}</td>
              {approvedLike ? <td colSpan={6} /> : null}
            </tr>
          </>
        }
        head={
          <>
            <Th>#</Th>
            <Th>{t("orders.product")}</Th>
            <Th num>{t("orders.ordered")}</Th>
            <Th num>{t("orders.unitPrice")}</Th>
            <Th num>{t("orders.lineTotal")}</Th>
            {approvedLike ? (
              <>
                <Th num>{t("orders.reserved")}</Th>
                <Th>{t("orders.backordered")}</Th>
                <Th>{t("orders.inProduction")}</Th>
                <Th num>{t("orders.shipped")}</Th>
                <Th num>{t("orders.delivered")}</Th>
                <Th>{t("orders.promiseDate")}</Th>
              </>
            ) : null}
          </>
        }
      >
        {data.lines.map((l) => (
          <tr key={l.id} data-testid={`line-${l.line_no}`}>
            <td>{l.line_no}</td>
            <td className="wrap">
              <div>
                <span className="font-mono text-xs text-slate-500">{l.sku}</span> {locale === "en" ? l.name_en : l.name_zh}
              </div>
              {l.made_to_order ? (
                <div className="mt-1 text-xs text-slate-600">
                  <Badge tone="blue">{t("orders.madeToOrder")}</Badge>{" "}
                  {Object.entries(l.options)
                    .map(([k, v]) => {
                      const def = l.optionsSchema?.options.find((o) => o.key === k);
                      const label = def ? (locale === "en" ? def.label.en : def.label.zh) : k;
                      const choice = def && def.type === "choice" ? def.choices.find((c) => c.value === String(v)) : undefined;
                      return `${label}: ${choice ? (locale === "en" ? choice.label.en : choice.label.zh) : v}${def && def.type === "number" && def.unit ? ` ${def.unit}` : ""}`;
                    })
                    .join(" · ")}
                  {l.spec_notes ? <div className="mt-1 italic">{l.spec_notes}</div> : null}
                </div>
              ) : null}
              {l.quote_line_id ? <Badge tone="amber">{t("orders.quotePrice")}</Badge> : null}
              {l.promotion_id !== null && l.promotion_code ? (
                <div className="mt-1">
                  <LinePromotionBadge
                    promotion={{
                      id: l.promotion_id,
                      code: l.promotion_code,
                      mechanism: l.promotion_mechanism ?? "price_off",
                      discountMinor: Number(l.promotion_discount_minor),
                      rebateBp: l.promotion_rebate_bp,
                    }}
                    currency={cur}
                  />
                </div>
              ) : null}
            </td>
            <td className="text-right">
              {f.number(l.quantity)} {f.unit(l.unit)}
            </td>
            <td className="text-right">{f.money(l.unit_price_minor, cur)}</td>
            <td className="text-right">{f.money(l.line_total_minor, cur)}</td>
            {approvedLike ? (
              <>
                <td className="text-right" data-testid="reserved">
                  {f.number(l.reserved_qty)}
                  {l.reservations.length ? (
                    <div className="text-xs text-slate-500">{l.reservations.map((r) => `${r.warehouse_code} ${r.quantity}`).join(", ")}</div>
                  ) : null}
                </td>
                <td data-testid="backordered">
                  {l.backordered_qty > 0 ? (
                    <>
                      {f.number(l.backordered_qty)} · {l.backorder_eta ? t("orders.etaOn", { date: f.date(l.backorder_eta) }) : t("orders.etaUnknown")}
                    </>
                  ) : (
                    "—"
                  )}
                </td>
                <td data-testid="production">{l.production_qty > 0 ? f.number(l.production_qty) : "—"}</td>
                <td className="text-right" data-testid="shipped">
                  {f.number(l.shipped_qty)}
                </td>
                <td className="text-right" data-testid="delivered">
                  {f.number(l.delivered_qty)}
                </td>
                <td>{l.shipped_qty >= l.quantity ? t("orders.lineDone") : f.date(l.promise_date)}</td>
              </>
            ) : null}
          </tr>
        ))}
      </ListTable>
    </section>
  );
}

type FailFor = (i: Intent) => { formError: string; fieldErrors: Record<string, string>; values: Record<string, unknown> } | undefined;

function ReviewActions({ data, failFor }: { data: Data; failFor: FailFor }) {
  const t = useT();
  const a = data.actions;
  if (!(a.approve || a.reject || a.sendBack || a.cancel || a.releaseHold || a.recheckBackorders)) return null;
  return (
    <section className="card space-y-4" aria-labelledby="actions-h">
      <h2 id="actions-h" className="font-semibold">
        {t("common.actions")}
      </h2>
      <div className="flex flex-wrap gap-2">
        {a.approve ? (
          <Form method="post">
            <Hidden data={data} intent="approve" />
            <SubmitButton pendingText={t("common.saving")}>{t("orders.approve")}</SubmitButton>
          </Form>
        ) : null}
        {a.recheckBackorders ? (
          <Form method="post">
            <Hidden data={data} intent="recheck_backorders" />
            <SubmitButton className="btn-secondary">{t("orders.recheckBackorders")}</SubmitButton>
          </Form>
        ) : null}
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        {a.reject ? (
          <NoteForm data={data} intent="reject" label={t("orders.rejectReason")} button={t("orders.reject")} danger required failure={failFor("reject")} />
        ) : null}
        {a.sendBack ? (
          <NoteForm
            data={data}
            intent="send_back"
            label={t("orders.sendBackNoteLabel")}
            button={t("orders.sendBack")}
            required
            failure={failFor("send_back")}
          />
        ) : null}
        {a.releaseHold ? (
          <NoteForm data={data} intent="release_hold" label={t("orders.releaseNote")} button={t("orders.releaseHold")} failure={failFor("release_hold")} />
        ) : null}
        {a.cancel ? (
          <NoteForm
            data={data}
            intent="cancel"
            label={t("orders.cancelReason")}
            button={t("orders.cancelOrder")}
            danger
            required={a.cancelNeedsReason}
            failure={failFor("cancel")}
          />
        ) : null}
      </div>
    </section>
  );
}

function NoteForm({
  data,
  intent,
  label,
  button,
  danger,
  required,
  failure,
}: {
  data: Data;
  intent: Intent;
  label: string;
  button: string;
  danger?: boolean;
  required?: boolean;
  failure?: ReturnType<FailFor>;
}) {
  const t = useT();
  return (
    <Form method="post" className="space-y-2 rounded-md border border-slate-200 p-3" noValidate>
      <Hidden data={data} intent={intent} />
      <FormError message={failure?.formError} />
      <div>
        <label htmlFor={`note-${intent}`} className="label">
          {label} {required ? null : <span className="font-normal text-slate-500">({t("common.optional")})</span>}
        </label>
        <textarea id={`note-${intent}`} name="note" className="input" rows={2} maxLength={1000} aria-invalid={failure?.fieldErrors.note ? true : undefined} />
        {failure?.fieldErrors.note ? (
          <p className="mt-1 text-sm text-red-600" role="alert">
            {failure.fieldErrors.note}
          </p>
        ) : null}
      </div>
      <SubmitButton className={danger ? "btn-danger" : "btn-secondary"}>{button}</SubmitButton>
    </Form>
  );
}

function ShipmentForm({ data, failure }: { data: Data; failure?: ReturnType<FailFor> }) {
  const t = useT();
  const locale = useLocale();
  const e = failure?.fieldErrors ?? {};
  const v = (failure?.values ?? {}) as Record<string, string>;
  const firstWh = data.warehouses.find((w) => data.lines.some((l) => l.reservations.some((r) => r.warehouse_id === w.id)))?.id ?? data.warehouses[0]?.id;
  const [wh, setWh] = useState<number | undefined>(Number(v.warehouseId) || firstWh);
  const free = (productId: number) => (wh !== undefined ? (data.stockByWarehouse[wh]?.[productId] ?? 0) : 0);
  const open = data.lines.filter((l) => l.shipped_qty < l.quantity);
  return (
    <section className="card" aria-labelledby="ship-h">
      <h2 id="ship-h" className="mb-3 font-semibold">
        {t("orders.recordShipment")}
      </h2>
      <Form method="post" className="space-y-4" noValidate>
        <Hidden data={data} intent="ship" />
        <FormError message={failure?.formError} />
        <div className="grid gap-4 md:grid-cols-4">
          <SelectField
            name="warehouseId"
            label={t("orders.warehouse")}
            value={String(wh ?? "")}
            onChange={(ev) => setWh(Number(ev.target.value))}
            options={data.warehouses.map((w) => ({ value: String(w.id), label: `${w.code} · ${locale === "en" ? w.name_en : w.name_zh}` }))}
            error={e.warehouseId}
          />
          <Field name="carrier" label={t("orders.carrier")} maxLength={64} defaultValue={v.carrier ?? ""} error={e.carrier} />
          <Field name="trackingNumber" label={t("orders.trackingNumber")} maxLength={64} defaultValue={v.trackingNumber ?? ""} error={e.trackingNumber} />
          <Field name="shippedOn" type="date" label={t("orders.shippedOn")} max={data.today} defaultValue={v.shippedOn ?? data.today} error={e.shippedOn} />
        </div>
        <ListTable
          bare
          head={
            <>
              <Th>#</Th>
              <Th>SKU</Th>
              <Th num>{t("orders.outstanding")}</Th>
              <Th num>{t("orders.reservedHere")}</Th>
              <Th num>{t("orders.freeHere")}</Th>
              <Th>{t("orders.shipQuantity")}</Th>
            </>
          }
        >
          {open.map((l) => {
            const here = l.reservations.find((r) => r.warehouse_id === wh)?.quantity ?? 0;
            return (
              <tr key={l.id}>
                <td>{l.line_no}</td>
                <td className="font-mono text-xs">{l.sku}</td>
                <td className="text-right">{l.quantity - l.shipped_qty}</td>
                <td className="text-right">{here}</td>
                <td className="text-right">{free(l.product_id)}</td>
                <td>
                  <label className="sr-only" htmlFor={`ship-${l.id}`}>
                    {t("orders.shipQuantityFor", { sku: l.sku })}
                  </label>
                  <input
                    id={`ship-${l.id}`}
                    name={`qty.${l.id}`}
                    className="input w-28"
                    inputMode="numeric"
                    defaultValue={v[`qty.${l.id}`] ?? (here > 0 ? String(Math.min(here, l.quantity - l.shipped_qty)) : "")}
                    aria-invalid={e[`qty.${l.id}`] ? true : undefined}
                  />
                  {e[`qty.${l.id}`] ? (
                    <p className="mt-1 text-sm text-red-600" role="alert">
                      {e[`qty.${l.id}`]}
                    </p>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </ListTable>
        <SubmitButton pendingText={t("common.saving")}>{t("orders.recordShipment")}</SubmitButton>
      </Form>
    </section>
  );
}

function Shipments({ data, failure }: { data: Data; failure?: ReturnType<FailFor> }) {
  const t = useT();
  const f = useFormat();
  if (!data.shipments.length) return null;
  return (
    <section className="card p-0" aria-labelledby="shipments-h">
      <h2 id="shipments-h" className="px-4 pt-4 font-semibold">
        {t("orders.shipments")}
      </h2>
      <div className="px-4">
        <FormError message={failure?.formError} />
      </div>
      <ListTable
        bare
        head={
          <>
            <Th>{t("orders.shipment")}</Th>
            <Th>{t("orders.shippedOn")}</Th>
            <Th>{t("orders.warehouse")}</Th>
            <Th>{t("orders.carrier")}</Th>
            <Th>{t("orders.trackingNumber")}</Th>
            <Th>{t("orders.lines")}</Th>
            <Th num>{t("orders.value")}</Th>
            <Th>{t("orders.delivery")}</Th>
            <Th>{t("documents.deliveryNote")}</Th>
          </>
        }
      >
        {data.shipments.map((s) => (
          <tr key={s.id} data-testid="shipment">
            <td className="font-mono text-xs">{s.number}</td>
            <td>{f.date(s.shipped_on)}</td>
            <td>{s.warehouse_code}</td>
            <td>{s.carrier}</td>
            <td className="font-mono" data-testid="tracking">
              {s.tracking_number}
            </td>
            <td className="text-xs">{s.lines.map((l) => `#${l.line_no} ${l.sku} × ${l.quantity}`).join(", ")}</td>
            <td className="text-right">{f.money(s.value_minor, data.order.currency)}</td>
            <td>
              {s.delivered_at ? (
                <span>
                  {t("orders.deliveredAt", { date: f.dateTime(s.delivered_at) })}
                  {s.delivered_by_name ? ` · ${s.delivered_by_name}` : ""}
                </span>
              ) : data.actions.confirmDelivery ? (
                <Form method="post">
                  <Hidden data={data} intent="confirm_delivery" />
                  <input type="hidden" name="shipmentId" value={s.id} />
                  <SubmitButton className="btn-secondary">{t("orders.confirmDelivery")}</SubmitButton>
                </Form>
              ) : (
                t("orders.inTransit")
              )}
            </td>
            <td>
              <Link className="link whitespace-nowrap" to={`/orders/${data.order.number}/shipments/${s.id}/print`}>
                {t("documents.printDeliveryNote", { number: s.number })}
              </Link>
            </td>
          </tr>
        ))}
      </ListTable>
    </section>
  );
}

function dateReason(t: ReturnType<typeof useT>, reason: string) {
  if (reason.startsWith("@")) return t(`orders.dateReason.${reason.slice(1)}` as MessageKey);
  return reason;
}

function Dates({ data, failure }: { data: Data; failure?: ReturnType<FailFor> }) {
  const t = useT();
  const f = useFormat();
  const e = failure?.fieldErrors ?? {};
  if (!data.dateChanges.length && !data.actions.changePromise) return null;
  return (
    <section className="card space-y-3" aria-labelledby="dates-h">
      <h2 id="dates-h" className="font-semibold">
        {t("orders.dates")}
      </h2>
      <p className="text-sm">
        {t("orders.requestedDate")}: <strong>{f.date(data.order.requested_date)}</strong> · {t("orders.promisedDate")}:{" "}
        <strong>{data.order.promised_date ? f.date(data.order.promised_date) : t("orders.promiseTbc")}</strong>
      </p>
      {data.dateChanges.length ? (
        <ListTable
          bare
          head={
            <>
              <Th>{t("common.date")}</Th>
              <Th>{t("orders.scope")}</Th>
              <Th>{t("orders.oldDate")}</Th>
              <Th>{t("orders.newDate")}</Th>
              <Th>{t("orders.reason")}</Th>
              <Th>{t("orders.by")}</Th>
            </>
          }
        >
          {data.dateChanges.map((c) => (
            <tr key={c.id} data-testid="date-change">
              <td>{f.dateTime(c.created_at)}</td>
              <td>{c.line_no ? `#${c.line_no} ${c.sku}` : t("orders.wholeOrder")}</td>
              <td>{f.date(c.old_date)}</td>
              <td>{f.date(c.new_date)}</td>
              <td>{dateReason(t, c.reason)}</td>
              <td>{c.actor_name ?? t("orders.system")}</td>
            </tr>
          ))}
        </ListTable>
      ) : null}
      {data.actions.changePromise ? (
        <Form method="post" className="grid gap-3 rounded-md border border-slate-200 p-3 md:grid-cols-4" noValidate>
          <Hidden data={data} intent="change_promise" />
          <div className="md:col-span-4">
            <FormError message={failure?.formError} />
          </div>
          <SelectField
            name="lineId"
            label={t("orders.scope")}
            options={[
              { value: "", label: t("orders.wholeOrder") },
              ...data.lines.filter((l) => l.shipped_qty < l.quantity).map((l) => ({ value: String(l.id), label: `#${l.line_no} ${l.sku}` })),
            ]}
            error={e.lineId}
          />
          <Field name="newDate" type="date" label={t("orders.newDate")} min={data.today} error={e.newDate} />
          <Field name="reason" label={t("orders.reason")} maxLength={255} error={e.reason} />
          <div className="flex items-end">
            <SubmitButton className="btn-secondary">{t("orders.changePromise")}</SubmitButton>
          </div>
        </Form>
      ) : null}
    </section>
  );
}

function Invoices({ data }: { data: Data }) {
  const t = useT();
  const f = useFormat();
  const entries = data.entries ?? [];
  return (
    <section className="card p-0" aria-labelledby="inv-h">
      <h2 id="inv-h" className="px-4 pt-4 font-semibold">
        {t("orders.invoices")}
      </h2>
      {entries.length === 0 ? (
        <p className="px-4 py-3 text-sm text-slate-600">{t("orders.noInvoices")}</p>
      ) : (
        <ListTable
          bare
          head={
            <>
              <Th>{t("orders.entry")}</Th>
              <Th>{t("common.date")}</Th>
              <Th>{t("orders.dueDate")}</Th>
              <Th>{t("orders.reference")}</Th>
              <Th num>{t("orders.amount")}</Th>
            </>
          }
        >
          {entries.map((e) => (
            <tr key={e.id} data-testid="invoice-entry">
              <td>
                {e.href ? (
                  <Link className="link" to={e.href}>
                    #{e.id}
                  </Link>
                ) : (
                  `#${e.id}`
                )}{" "}
                {t(`orders.entryType.${e.entry_type}` as MessageKey)}
              </td>
              <td>{f.date(e.business_date)}</td>
              <td>{f.date(e.due_date)}</td>
              <td className="font-mono text-xs">{e.reference}</td>
              <td className="text-right">{f.money(e.amount_minor, e.currency)}</td>
            </tr>
          ))}
        </ListTable>
      )}
    </section>
  );
}

function Timeline({ data }: { data: Data }) {
  const t = useT();
  const f = useFormat();
  return (
    <section className="card" aria-labelledby="timeline-h">
      <h2 id="timeline-h" className="mb-3 font-semibold">
        {t("orders.timeline")}
      </h2>
      <ol className="relative space-y-4 border-l border-slate-200 pl-5" data-testid="timeline">
        {data.history.map((h) => {
          const note = h.note?.startsWith("@delivered:") ? t("orders.history.shipmentDelivered", { shipment: h.note.slice(11) }) : h.note;
          const sameStatus = h.from_status === h.to_status;
          return (
            <li key={h.id} className="relative">
              <span aria-hidden="true" className="absolute -left-[27px] top-1 h-3 w-3 rounded-full border-2 border-white bg-brand-500" />
              <div className="text-sm">
                <span className="font-medium">
                  {sameStatus
                    ? t("orders.history.update")
                    : h.from_status
                      ? t("orders.history.change", {
                          from: t(`orders.status.${h.from_status}` as MessageKey),
                          to: t(`orders.status.${h.to_status}` as MessageKey),
                        })
                      : t(`orders.status.${h.to_status}` as MessageKey)}
                </span>
                <span className="text-slate-500">
                  {" "}
                  · {f.dateTime(h.created_at)} · {h.actor_name ?? t("orders.system")}
                  {h.actor_role ? ` (${t(`role.${h.actor_role}` as MessageKey)})` : ""}
                </span>
              </div>
              {note ? <p className="mt-1 text-sm text-slate-700">{note}</p> : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import { ListTable, Th } from "~/components/list";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { Link } from "~/components/link";
import { AvailabilityForm, AvailabilityResult, type AvailabilityView } from "~/components/catalog/Availability";
import { Field, FormError, Notice, SelectField, SubmitButton } from "~/components/ui/form";
import { Badge, PageHeader } from "~/components/ui/layout";
import type { MessageKey } from "~/i18n";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { answerAvailability } from "~/modules/catalog/availability.server";
import { ProductPageQuery } from "~/modules/catalog/catalog.schema.server";
import { getProductPage } from "~/modules/catalog/catalog.server";
import type { OptionsSchema } from "~/modules/catalog/options.server";
import { AdjustSchema, IncomingActionSchema, IncomingSchema, ReceiptSchema } from "~/modules/stock/stock.schema.server";
import { adjustStock, cancelIncoming, planIncoming, postReceipt, receiveIncoming } from "~/modules/stock/stock.server";
import { NotFoundError } from "~/utils/errors";
import { parseQuery } from "~/utils/http.server";
import { intentAction, type IntentContext } from "~/utils/intent.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta<typeof loader>("stock.product", ({ product }) => product.sku);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "catalog:read");
  if (!params.sku || params.sku.length > 64) throw new NotFoundError();
  const query = parseQuery(request, ProductPageQuery);
  const page = await getProductPage(actor, params.sku);
  const answer = query.check
    ? await answerAvailability(request, actor, { sku: page.product.sku, quantity: query.checkQty, neededBy: query.checkDate, region: query.checkRegion })
    : null;
  return json({ ...page, query, answer: answer as AvailabilityView | null });
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "stock:adjust");
  const page = await getProductPage(actor, params.sku ?? "");
  const productId = page.product.id;
  const incoming = (change: typeof receiveIncoming, key: MessageKey) => (ctx: IntentContext<"receive" | "cancel">) =>
    ctx.submit(IncomingActionSchema, (data) => change(actor, productId, data.incomingId), key);
  return intentAction(request, {
    receipt: (ctx) => ctx.submit(ReceiptSchema, (data) => postReceipt(actor, productId, data), "stock.receiptPosted"),
    adjust: (ctx) => ctx.submit(AdjustSchema, (data) => adjustStock(actor, productId, data), "stock.adjusted"),
    incoming: (ctx) => ctx.submit(IncomingSchema, (data) => planIncoming(actor, productId, data), "stock.incomingPlanned"),
    receive: incoming(receiveIncoming, "stock.incomingReceived"),
    cancel: incoming(cancelIncoming, "stock.incomingCancelled"),
  });
});

function OptionsTable({ options }: { options: OptionsSchema }) {
  const t = useT();
  const locale = useLocale();
  const label = (l: { en: string; zh: string }) => (locale === "en" ? l.en : l.zh);
  return (
    <div className="space-y-2">
      <ListTable
        testId="options-table"
        bare
        head={
          <>
            <Th>{t("products.option")}</Th>
            <Th>{t("products.allowedValues")}</Th>
            <Th>{t("products.required")}</Th>
          </>
        }
      >
        {options.options.map((o) => (
          <tr key={o.key}>
            <td>{label(o.label)}</td>
            <td>
              {o.type === "choice"
                ? o.choices.map((c) => label(c.label)).join(" / ")
                : o.type === "text"
                  ? t("products.textUpTo", { max: o.maxLength })
                  : t("products.numberRange", { min: o.min, max: o.max, step: o.step, unit: o.unit ?? "" })}
            </td>
            <td>{o.required ? t("common.yes") : t("common.no")}</td>
          </tr>
        ))}
      </ListTable>
      <p className="text-sm text-slate-600">{t("products.quantityRule", { multiple: options.quantityMultiple, min: options.minQuantity })}</p>
    </div>
  );
}

export default function ProductPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const location = useLocation();
  const p = data.product;
  const name = locale === "en" ? p.name_en : p.name_zh;
  const other = locale === "en" ? p.name_zh : p.name_en;
  const description = locale === "en" ? p.description_en : p.description_zh;
  const failure = result && result.ok === false ? result : undefined;
  const failIntent = failure && "intent" in failure ? failure.intent : undefined;
  const errs = (intent: string) => (failIntent === intent ? (failure?.fieldErrors ?? {}) : {});
  const vals = (intent: string) => (failIntent === intent ? (failure?.values ?? {}) : {});
  /** A field of one of the stock forms: its name, id, what was typed and its error after a refused submit. */
  const bind = (intent: string, name: string, fallback = "") => ({
    name,
    id: `${intent}-${name}`,
    defaultValue: String(vals(intent)[name] ?? fallback),
    error: errs(intent)[name],
  });
  const whOptions = data.warehouses.map((w) => ({ value: String(w.warehouseId), label: `${w.code} · ${locale === "en" ? w.nameEn : w.nameZh}` }));
  const answer = data.answer;
  return (
    <div className="space-y-6">
      <PageHeader
        title={name}
        crumbs={[{ label: t("stock.title"), to: "/stock" }, { label: p.sku }]}
        actions={
          data.canEdit ? (
            <Link to={`/admin/products/${p.id}`} className="btn-secondary">
              {t("common.edit")}
            </Link>
          ) : undefined
        }
      />
      <FormError message={failure?.formError} />
      <Notice message={result && result.ok ? result.message : undefined} />
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="card flex items-center justify-center">
          {p.image_path ? (
            <img src={p.image_path} alt={name} className="h-48 w-48 object-contain" />
          ) : (
            <div className="h-48 w-48 rounded bg-slate-100" aria-hidden="true" />
          )}
        </div>
        <div className="card space-y-3 lg:col-span-2">
          <p className="text-sm text-slate-500" lang={locale === "en" ? "zh-CN" : "en"}>
            {other}
          </p>
          <div className="flex flex-wrap gap-2">
            <Badge tone={p.status === "active" ? "green" : "slate"}>{t(`products.status.${p.status}` as "products.status.active")}</Badge>
            {p.made_to_order ? <Badge tone="blue">{t("stock.mtoBadge", { days: p.lead_time_days ?? 0 })}</Badge> : null}
          </div>
          <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-slate-500">{t("stock.sku")}</dt>
              <dd className="font-mono">{p.sku}</dd>
            </div>
            <div>
              <dt className="text-slate-500">{t("stock.category")}</dt>
              <dd>{locale === "en" ? p.category.en : p.category.zh}</dd>
            </div>
            <div>
              <dt className="text-slate-500">{t("stock.productLine")}</dt>
              <dd>{locale === "en" ? p.line.en : p.line.zh}</dd>
            </div>
            <div>
              <dt className="text-slate-500">{t("products.unit")}</dt>
              <dd>{f.unit(p.unit)}</dd>
            </div>
            <div>
              <dt className="text-slate-500">{t("stock.listPrice")}</dt>
              <dd className="tabular-nums">{f.money(p.list_price_minor, p.currency)}</dd>
            </div>
            {data.pricing.kind === "dealer" ? (
              <div data-testid="your-price">
                <dt className="text-slate-500">
                  {data.pricing.tier ? t("products.yourTierPrice", { tier: t(`tier.${data.pricing.tier}` as "tier.gold") }) : t("stock.yourPrice")}
                </dt>
                <dd className="text-lg font-semibold tabular-nums">{f.money(data.pricing.price, p.currency)}</dd>
                {!data.pricing.isTierPrice ? <dd className="text-xs text-slate-500">{t("products.listPriceApplies")}</dd> : null}
              </div>
            ) : (
              data.pricing.tiers.map((tp) => (
                <div key={tp.tier} data-testid={`tier-price-${tp.tier}`}>
                  <dt className="text-slate-500">{t("products.tierPrice", { tier: t(`tier.${tp.tier}` as "tier.gold") })}</dt>
                  <dd className="tabular-nums">{tp.price === null ? "—" : f.money(tp.price, p.currency)}</dd>
                </div>
              ))
            )}
            <div>
              <dt className="text-slate-500">{t("stock.availableTotal")}</dt>
              <dd className="font-semibold tabular-nums">{f.number(data.available)}</dd>
            </div>
            <div>
              <dt className="text-slate-500">{t("stock.promiseDate")}</dt>
              <dd data-testid="promise-date">{data.promiseDate ? f.date(data.promiseDate) : t("stock.noPromise")}</dd>
            </div>
            {p.made_to_order ? (
              <div>
                <dt className="text-slate-500">{t("products.leadTime")}</dt>
                <dd>{t("products.workingDays", { days: p.lead_time_days ?? 0 })}</dd>
              </div>
            ) : null}
          </dl>
          {description ? <p className="whitespace-pre-line text-sm text-slate-700">{description}</p> : null}
        </div>
      </div>

      {p.options ? (
        <section className="card space-y-2">
          <h2 className="font-semibold">{t("products.customOptions")}</h2>
          <OptionsTable options={p.options} />
        </section>
      ) : null}

      <section id="availability" className="card space-y-3">
        <h2 className="font-semibold">{t("avail.title")}</h2>
        <AvailabilityForm
          hidden={{}}
          sku={p.sku}
          showSku={false}
          today={data.today}
          defaults={{ quantity: data.query.checkQty, neededBy: data.query.checkDate, region: data.query.checkRegion ?? data.dealerRegion ?? undefined }}
          errors={answer && !answer.ok ? answer.fieldErrors : undefined}
        />
        {answer && answer.ok ? <AvailabilityResult answer={answer} /> : null}
      </section>

      <section className="card space-y-3">
        <h2 className="font-semibold">{t("products.stockByWarehouse")}</h2>
        <ListTable
          testId="warehouse-stock"
          bare
          head={
            <>
              <Th>{t("stock.warehouse")}</Th>
              <Th>{t("common.region")}</Th>
              {data.canAdjust ? <Th num>{t("stock.onHand")}</Th> : null}
              {data.canAdjust ? <Th num>{t("stock.reserved")}</Th> : null}
              <Th num>{t("stock.available")}</Th>
              <Th>{t("stock.incoming")}</Th>
            </>
          }
        >
          {data.warehouses.map((w) => (
            <tr key={w.warehouseId}>
              <td>
                {locale === "en" ? w.nameEn : w.nameZh} <span className="text-xs text-slate-500">{w.code}</span>
              </td>
              <td>{t(`region.${w.region}` as "region.east")}</td>
              {data.canAdjust ? <td className="text-right tabular-nums">{f.number(w.onHand)}</td> : null}
              {data.canAdjust ? <td className="text-right tabular-nums">{f.number(w.reserved)}</td> : null}
              <td className="text-right font-semibold tabular-nums">{f.number(w.available)}</td>
              <td>{w.incoming.length ? w.incoming.map((i) => `${f.number(i.quantity)} · ${f.date(i.eta)}`).join("; ") : "—"}</td>
            </tr>
          ))}
        </ListTable>
      </section>

      {data.canAdjust ? (
        <>
          <section className="card space-y-3">
            <h2 className="font-semibold">{t("stock.incomingList")}</h2>
            {data.incoming.length === 0 ? (
              <p className="text-sm text-slate-600">{t("stock.noIncoming")}</p>
            ) : (
              <ListTable
                bare
                head={
                  <>
                    <Th>{t("stock.eta")}</Th>
                    <Th>{t("stock.warehouse")}</Th>
                    <Th num>{t("stock.quantity")}</Th>
                    <Th>{t("stock.sourceLabel")}</Th>
                    <Th>{t("stock.reference")}</Th>
                    <Th>
                      <span className="sr-only">{t("common.actions")}</span>
                    </Th>
                  </>
                }
              >
                {data.incoming.map((i) => (
                  <tr key={i.id}>
                    <td>{f.date(i.eta)}</td>
                    <td>{i.warehouse_code}</td>
                    <td className="text-right tabular-nums">{f.number(i.quantity)}</td>
                    <td>{t(`stock.source.${i.source}` as "stock.source.purchase")}</td>
                    <td>{i.reference ?? "—"}</td>
                    <td className="flex gap-2">
                      <Form method="post" action={`${location.pathname}`}>
                        <input type="hidden" name="incomingId" value={i.id} />
                        <SubmitButton className="btn-secondary" name="intent" value="receive">
                          {t("stock.markReceived")}
                        </SubmitButton>
                      </Form>
                      <Form method="post" action={`${location.pathname}`}>
                        <input type="hidden" name="incomingId" value={i.id} />
                        <SubmitButton className="btn-secondary" name="intent" value="cancel">
                          {t("common.cancel")}
                        </SubmitButton>
                      </Form>
                    </td>
                  </tr>
                ))}
              </ListTable>
            )}
          </section>
          <div className="grid gap-4 lg:grid-cols-3">
            <StockForm intent="receipt" title={t("stock.postReceipt")} whOptions={whOptions} bind={bind}>
              <Field {...bind("receipt", "quantity")} inputMode="numeric" label={t("stock.quantity")} required />
              <Field {...bind("receipt", "reason")} label={t("stock.reason")} required maxLength={255} />
            </StockForm>
            <StockForm intent="adjust" title={t("stock.adjust")} whOptions={whOptions} bind={bind}>
              <Field {...bind("adjust", "delta")} label={t("stock.delta")} help={t("stock.deltaHelp")} required />
              <Field {...bind("adjust", "reason")} label={t("stock.reason")} required maxLength={255} />
            </StockForm>
            <StockForm intent="incoming" title={t("stock.planIncoming")} whOptions={whOptions} bind={bind}>
              <Field {...bind("incoming", "quantity")} inputMode="numeric" label={t("stock.quantity")} required />
              <Field {...bind("incoming", "eta")} type="date" label={t("stock.eta")} required />
              <SelectField
                {...bind("incoming", "source", "purchase")}
                label={t("stock.sourceLabel")}
                options={(["purchase", "production", "transfer"] as const).map((s) => ({ value: s, label: t(`stock.source.${s}`) }))}
              />
              <Field {...bind("incoming", "reference")} label={t("stock.reference")} maxLength={64} />
            </StockForm>
          </div>
          <section className="card space-y-3">
            <h2 className="font-semibold">{t("stock.movements")}</h2>
            {data.movements.length === 0 ? (
              <p className="text-sm text-slate-600">{t("stock.noMovements")}</p>
            ) : (
              <ListTable
                testId="movements"
                bare
                head={
                  <>
                    <Th>{t("common.date")}</Th>
                    <Th>{t("stock.warehouse")}</Th>
                    <Th>{t("stock.kind")}</Th>
                    <Th num>{t("stock.onHand")}</Th>
                    <Th num>{t("stock.reserved")}</Th>
                    <Th>{t("stock.reason")}</Th>
                    <Th>{t("stock.by")}</Th>
                  </>
                }
              >
                {data.movements.map((m) => (
                  <tr key={m.id}>
                    <td className="whitespace-nowrap">{f.dateTime(m.created_at)}</td>
                    <td>{m.warehouse_code}</td>
                    <td>{t(`stock.kind.${m.kind}` as "stock.kind.receipt")}</td>
                    <td className="text-right tabular-nums">{m.on_hand_delta > 0 ? `+${m.on_hand_delta}` : m.on_hand_delta}</td>
                    <td className="text-right tabular-nums">{m.reserved_delta > 0 ? `+${m.reserved_delta}` : m.reserved_delta}</td>
                    <td>{m.reason ?? (m.ref_type ? `${m.ref_type} ${m.ref_id ?? ""}` : "—")}</td>
                    <td>{m.actor_name ?? t("stock.system")}</td>
                  </tr>
                ))}
              </ListTable>
            )}
          </section>
        </>
      ) : null}
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

type Bind = (intent: string, name: string, fallback?: string) => { name: string; id: string; defaultValue: string; error: string | undefined };

/** One of the per-warehouse stock forms (receipt, adjustment, planned receipt): title, warehouse, its fields, submit. */
function StockForm({
  intent,
  title,
  whOptions,
  bind,
  children,
}: {
  intent: string;
  title: string;
  whOptions: { value: string; label: string }[];
  bind: Bind;
  children: React.ReactNode;
}) {
  const t = useT();
  return (
    <Form method="post" className="card space-y-3" noValidate>
      <h2 className="font-semibold">{title}</h2>
      <SelectField {...bind(intent, "warehouseId")} id={`${intent}-warehouse`} label={t("stock.warehouse")} options={whOptions} />
      {children}
      <SubmitButton name="intent" value={intent} pendingText={t("common.saving")}>
        {title}
      </SubmitButton>
    </Form>
  );
}

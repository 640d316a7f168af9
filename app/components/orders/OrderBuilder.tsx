/**
 * The order builder: product search, lines (with custom options for
 * made-to-order products), delivery details and the submit button. Works
 * without JavaScript (every button submits the whole form); with it, totals
 * update as quantities change and the search runs as you type.
 */
import { Form, useFetcher, useLocation } from "@remix-run/react";
import { Link } from "~/components/link";
import { useEffect, useMemo, useRef, useState } from "react";
import { Field, FormError, SelectField, SubmitButton } from "~/components/ui/form";
import { Badge } from "~/components/ui/layout";
import { LinePromotionBadge } from "~/components/promotions";
import { useFormat, useLocale, useT } from "~/i18n/react";
import type { OptionDef, OptionsSchema } from "~/modules/catalog/options.server";

export type BuilderLine = {
  lineId: number | null;
  productId: number;
  sku: string;
  nameEn: string;
  nameZh: string;
  unit: string;
  madeToOrder: boolean;
  leadTimeDays: number | null;
  optionsSchema: OptionsSchema | null;
  unitPriceMinor: number;
  fixedPrice: boolean;
  quantity: string;
  options: Record<string, string>;
  specNotes: string;
  available: number;
  productStatus: string;
  promotion: { id: number; code: string; mechanism: string; discountMinor: number; rebateBp: number | null } | null;
};

export type SearchResult = {
  id: number;
  sku: string;
  nameEn: string;
  nameZh: string;
  unit: string;
  madeToOrder: boolean;
  leadTimeDays: number | null;
  priceMinor: number;
  available: number;
};

export type BuilderProps = {
  order: {
    id: number;
    number: string | null;
    version: number;
    address_id: number | null;
    requested_date: string | null;
    po_reference: string;
    notes: string | null;
    review_note: string | null;
    deal_id: number | null;
    quote_id: number | null;
  } | null;
  lines: BuilderLine[];
  addresses: { id: number; label: string; recipient: string; city: string; line1: string; is_default: number }[];
  results: SearchResult[];
  currency: string;
  credit: { availableMinor: number; limitMinor: number };
  submitKey: string;
  today: string;
  canManageAddresses: boolean;
  q: string;
  failure?: { formError: string; fieldErrors: Record<string, string>; values: Record<string, string | undefined>; lines: BuilderLine[]; conflict?: boolean };
  notice?: string;
  /**
   * The line just added (1-based; the page's URL ends in #q-<index>). Its quantity gets the focus,
   * selected: the clerk's next keystrokes are that line's quantity (decision 119).
   */
  addedLine?: number;
};

const FORM_ID = "order-form";

export function OrderBuilder(props: BuilderProps) {
  const { order, failure, currency } = props;
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const lines = failure?.lines ?? props.lines;
  const v = failure?.values ?? {};
  const e = failure?.fieldErrors ?? {};
  const name = (l: { nameEn: string; nameZh: string }) => (locale === "en" ? l.nameEn : l.nameZh);

  // Live totals (with JavaScript); the server recomputes everything on save.
  const linesKey = useMemo(() => lines.map((l) => `${l.productId}:${l.quantity}`).join("|"), [lines]);
  const [qty, setQty] = useState<string[]>(() => lines.map((l) => l.quantity));
  useEffect(() => setQty(lines.map((l) => l.quantity)), [linesKey]);
  const lineTotal = (i: number) => {
    const s = qty[i] ?? lines[i]?.quantity ?? "";
    return /^\d{1,9}$/.test(s) ? Number(s) * lines[i]!.unitPriceMinor : null;
  };
  const total = lines.reduce((sum, _l, i) => sum + (lineTotal(i) ?? 0), 0);
  const overCredit = total > props.credit.availableMinor;
  const defaultAddress = props.addresses.find((a) => a.is_default)?.id;
  const [search, setSearch] = useState(props.q);

  // With JavaScript: after each add (a new location), the new line's quantity, selected. Without it,
  // the URL's fragment names that input (the browser scrolls to it and focuses it), and it carries
  // `autofocus` as well.
  const { key: locationKey } = useLocation();
  const addedIndex = props.addedLine !== undefined && props.addedLine <= lines.length ? props.addedLine - 1 : null;
  useEffect(() => {
    if (addedIndex === null) return;
    const input = document.getElementById(`q-${addedIndex}`);
    if (input instanceof HTMLInputElement) {
      input.focus();
      input.select();
    }
  }, [addedIndex, locationKey]);

  return (
    <div className="space-y-6">
      {/*
        The form's default button (Enter in a quantity or another field): saves the draft. It comes
        first in the document, before the search results' add buttons (which belong to the same
        form), so Enter never adds whatever product the search happens to list first.
      */}
      <button type="submit" form={FORM_ID} name="intent" value="save" hidden tabIndex={-1} aria-hidden="true" />
      {order?.review_note ? (
        <div role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <strong>{t("orders.sentBackNote")}:</strong> {order.review_note}
        </div>
      ) : null}
      {order?.quote_id ? (
        <p className="text-sm text-slate-600">
          {t("orders.fromQuote")}{" "}
          <Link className="link" to={`/quotes/${order.quote_id}`}>
            #{order.quote_id}
          </Link>
          {order.deal_id ? (
            <>
              {" · "}
              <Link className="link" to={`/deals/${order.deal_id}`}>
                {t("orders.deal")} #{order.deal_id}
              </Link>
            </>
          ) : null}
        </p>
      ) : null}
      <FormError message={failure?.formError} />
      {failure?.conflict ? (
        <p className="text-sm">
          <Link className="link" to={order ? `/orders/drafts/${order.id}` : "/orders/new"} reloadDocument>
            {t("orders.reloadLatest")}
          </Link>
        </p>
      ) : null}
      {props.notice ? (
        <div role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {props.notice}
        </div>
      ) : null}

      <ProductSearch q={props.q} results={props.results} currency={currency} onQuery={setSearch} />

      <Form method="post" id={FORM_ID} className="space-y-6" noValidate>
        <input type="hidden" name="submitKey" value={props.submitKey} />
        {/* Keeps the search results on screen after adding a line. */}
        <input type="hidden" name="q" value={search} />
        {order ? <input type="hidden" name="version" value={order.version} /> : null}

        <section className="card p-0" aria-labelledby="lines-heading">
          <h2 id="lines-heading" className="border-b border-slate-200 px-4 py-3 font-semibold">
            {t("orders.lines")} <span className="text-sm font-normal text-slate-500">({lines.length})</span>
          </h2>
          {lines.length === 0 ? (
            <p className="px-4 py-6 text-sm text-slate-600">{t("orders.noLinesYet")}</p>
          ) : (
            <ol className="divide-y divide-slate-100">
              {lines.map((l, i) => (
                <li key={`${i}-${l.productId}-${l.lineId ?? "n"}`} className="grid gap-3 px-4 py-3 md:grid-cols-12" data-testid="order-line">
                  <input type="hidden" name={`lines.${i}.productId`} value={l.productId} />
                  {l.lineId ? <input type="hidden" name={`lines.${i}.lineId`} value={l.lineId} /> : null}
                  <div className="md:col-span-5">
                    <div className="font-medium">
                      <span className="font-mono text-xs text-slate-500">{l.sku}</span> {name(l)}
                    </div>
                    <div className="mt-1 flex flex-wrap gap-1 text-xs">
                      {l.madeToOrder ? (
                        <Badge tone="blue">{t("orders.madeToOrder")}</Badge>
                      ) : (
                        <Badge tone={l.available > 0 ? "green" : "amber"}>{t("orders.availableN", { n: l.available })}</Badge>
                      )}
                      {l.madeToOrder && l.leadTimeDays !== null ? <Badge>{t("orders.leadTimeDays", { n: l.leadTimeDays })}</Badge> : null}
                      {l.fixedPrice ? <Badge tone="amber">{t("orders.quotePrice")}</Badge> : null}
                      {l.promotion ? <LinePromotionBadge promotion={l.promotion} currency={currency} /> : null}
                      {l.optionsSchema && (l.optionsSchema.quantityMultiple > 1 || l.optionsSchema.minQuantity > 1) ? (
                        <Badge>{t("orders.packRule", { multiple: l.optionsSchema.quantityMultiple, min: l.optionsSchema.minQuantity })}</Badge>
                      ) : null}
                    </div>
                    {e[`lines.${i}.productId`] ? (
                      <p className="mt-1 text-sm text-red-600" role="alert">
                        {e[`lines.${i}.productId`]}
                      </p>
                    ) : null}
                  </div>
                  <div className="md:col-span-2">
                    <label className="label" htmlFor={`q-${i}`}>
                      {t("orders.quantity")} ({f.unit(l.unit)})
                    </label>
                    <input
                      id={`q-${i}`}
                      name={`lines.${i}.quantity`}
                      className="input scroll-mt-28"
                      inputMode="numeric"
                      autoFocus={addedIndex === i}
                      value={qty[i] ?? l.quantity}
                      readOnly={l.fixedPrice}
                      onChange={(ev) => {
                        const next = [...qty];
                        next[i] = ev.target.value;
                        setQty(next);
                      }}
                      aria-invalid={e[`lines.${i}.quantity`] ? true : undefined}
                      aria-describedby={e[`lines.${i}.quantity`] ? `q-${i}-error` : undefined}
                    />
                    {e[`lines.${i}.quantity`] ? (
                      <p id={`q-${i}-error`} className="mt-1 text-sm text-red-600" role="alert">
                        {e[`lines.${i}.quantity`]}
                      </p>
                    ) : null}
                  </div>
                  <div className="text-sm md:col-span-2">
                    <div className="label">{t("orders.unitPrice")}</div>
                    <div>{f.money(l.unitPriceMinor, currency)}</div>
                  </div>
                  <div className="text-sm md:col-span-2">
                    <div className="label">{t("orders.lineTotal")}</div>
                    <div data-testid="line-total">{lineTotal(i) === null ? "—" : f.money(lineTotal(i)!, currency)}</div>
                  </div>
                  <div className="md:col-span-1 md:text-right">
                    <button type="submit" name="intent" value={`remove:${i}`} className="btn-secondary" aria-label={t("orders.removeLine", { sku: l.sku })}>
                      {t("orders.remove")}
                    </button>
                  </div>
                  {l.madeToOrder ? (
                    <div className="grid gap-3 rounded-md bg-slate-50 p-3 md:col-span-12 md:grid-cols-3">
                      {(l.optionsSchema?.options ?? []).map((def) => (
                        <OptionInput
                          key={def.key}
                          def={def}
                          name={`lines.${i}.opt.${def.key}`}
                          value={l.options[def.key] ?? ""}
                          error={e[`lines.${i}.opt.${def.key}`]}
                        />
                      ))}
                      {Object.entries(e)
                        .filter(([k]) => k.startsWith(`lines.${i}.opt.`) && !(l.optionsSchema?.options ?? []).some((d) => `lines.${i}.opt.${d.key}` === k))
                        .map(([k, msg]) => (
                          <p key={k} className="text-sm text-red-600" role="alert">
                            {k.split(".").pop()}: {msg}
                          </p>
                        ))}
                      <div className="md:col-span-3">
                        <label className="label" htmlFor={`spec-${i}`}>
                          {t("orders.specNotes")} <span className="font-normal text-slate-500">({t("common.optional")})</span>
                        </label>
                        <textarea id={`spec-${i}`} name={`lines.${i}.specNotes`} className="input" rows={2} maxLength={1000} defaultValue={l.specNotes} />
                      </div>
                    </div>
                  ) : null}
                </li>
              ))}
            </ol>
          )}
          <div className="flex flex-wrap items-center justify-between gap-2 border-t border-slate-200 px-4 py-3">
            <span className="text-sm text-slate-600">{t("orders.totalLabel")}</span>
            <span className="text-lg font-semibold" data-testid="order-total">
              {f.money(total, currency)}
            </span>
          </div>
          {overCredit && lines.length > 0 ? (
            <p className="border-t border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900" role="status">
              {t("orders.overCreditWarning", { available: f.money(props.credit.availableMinor, currency) })}
            </p>
          ) : null}
        </section>

        <section className="card grid gap-4 md:grid-cols-2" aria-labelledby="delivery-heading">
          <h2 id="delivery-heading" className="font-semibold md:col-span-2">
            {t("orders.delivery")}
          </h2>
          <div>
            <SelectField
              name="addressId"
              label={t("orders.address")}
              includeEmpty={t("orders.chooseAddress")}
              defaultValue={v.addressId ?? String(order?.address_id ?? defaultAddress ?? "")}
              options={props.addresses.map((a) => ({ value: String(a.id), label: `${a.label} · ${a.recipient} · ${a.city} ${a.line1}` }))}
              error={e.addressId}
            />
            {props.addresses.length === 0 ? (
              <p className="mt-1 text-xs text-slate-600">{props.canManageAddresses ? t("orders.noAddressesAdmin") : t("orders.noAddresses")}</p>
            ) : null}
            {props.canManageAddresses ? (
              <Link to="/orders/addresses" className="link mt-1 inline-block text-xs">
                {t("orders.manageAddresses")}
              </Link>
            ) : null}
          </div>
          <Field
            name="requestedDate"
            type="date"
            label={t("orders.requestedDate")}
            min={props.today}
            defaultValue={v.requestedDate ?? order?.requested_date ?? ""}
            error={e.requestedDate}
          />
          <Field
            name="poReference"
            label={t("orders.poReference")}
            maxLength={64}
            defaultValue={v.poReference ?? order?.po_reference ?? ""}
            error={e.poReference}
          />
          <div>
            <label htmlFor="f-notes" className="label">
              {t("common.notes")} <span className="font-normal text-slate-500">({t("common.optional")})</span>
            </label>
            <textarea id="f-notes" name="notes" className="input" rows={2} maxLength={2000} defaultValue={v.notes ?? order?.notes ?? ""} />
          </div>
        </section>

        <div className="flex flex-wrap items-center gap-2">
          <SubmitButton name="intent" value="submit" pendingText={t("common.submitting")}>
            {t("orders.submitOrder")}
          </SubmitButton>
          <SubmitButton name="intent" value="save" className="btn-secondary" pendingText={t("common.saving")}>
            {t("orders.saveDraft")}
          </SubmitButton>
          {order && order.number === null ? (
            <button type="submit" name="intent" value="delete" className="btn-danger ml-auto" formNoValidate>
              {t("orders.deleteDraft")}
            </button>
          ) : null}
        </div>
        <p className="text-xs text-slate-500">{t("orders.pricesFromServer")}</p>
      </Form>
    </div>
  );
}

function OptionInput({ def, name, value, error }: { def: OptionDef; name: string; value: string; error?: string }) {
  const t = useT();
  const locale = useLocale();
  const label = locale === "en" ? def.label.en : def.label.zh;
  const id = `f-${name.replace(/\./g, "-")}`;
  const full = `${label}${def.required ? " *" : ""}${def.type === "number" && def.unit ? ` (${def.unit})` : ""}`;
  if (def.type === "choice") {
    return (
      <SelectField
        id={id}
        name={name}
        label={full}
        includeEmpty={t("orders.choose")}
        defaultValue={value}
        options={def.choices.map((c) => ({ value: c.value, label: locale === "en" ? c.label.en : c.label.zh }))}
        error={error}
      />
    );
  }
  if (def.type === "number") {
    return (
      <Field
        id={id}
        name={name}
        label={full}
        inputMode="numeric"
        defaultValue={value}
        error={error}
        help={t("orders.optionRangeHelp", { min: def.min, max: def.max, step: def.step })}
      />
    );
  }
  return <Field id={id} name={name} label={full} maxLength={def.maxLength} defaultValue={value} error={error} />;
}

function ProductSearch({ q, results: initial, currency, onQuery }: { q: string; results: SearchResult[]; currency: string; onQuery: (q: string) => void }) {
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  // With JavaScript the search runs in a fetcher: it never interrupts adding a line.
  const fetcher = useFetcher<{ results: SearchResult[]; q: string }>();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const results = fetcher.data?.results ?? initial;
  const shownQ = fetcher.data?.q ?? q;
  const searching = fetcher.state === "loading";
  return (
    <section className="card" aria-labelledby="search-heading">
      <h2 id="search-heading" className="mb-2 font-semibold">
        {t("orders.addProducts")}
      </h2>
      <fetcher.Form method="get" role="search" className="flex gap-2" onSubmit={(ev) => onQuery(String(new FormData(ev.currentTarget).get("q") ?? ""))}>
        <label htmlFor="product-q" className="sr-only">
          {t("orders.searchProducts")}
        </label>
        <input
          id="product-q"
          name="q"
          className="input"
          defaultValue={q}
          placeholder={t("orders.searchPlaceholder")}
          autoComplete="off"
          onChange={(ev) => {
            const form = ev.currentTarget.form;
            const value = ev.currentTarget.value;
            clearTimeout(timer.current);
            timer.current = setTimeout(() => {
              onQuery(value);
              fetcher.submit(form);
            }, 300);
          }}
        />
        <button type="submit" className="btn-secondary">
          {t("common.search")}
        </button>
      </fetcher.Form>
      {searching ? <p className="mt-2 text-xs text-slate-500">{t("common.loading")}</p> : null}
      {shownQ && results.length === 0 ? <p className="mt-3 text-sm text-slate-600">{t("orders.searchEmpty")}</p> : null}
      {results.length ? (
        <ul className="mt-3 divide-y divide-slate-100" data-testid="search-results">
          {results.map((p) => (
            <li key={p.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
              <span>
                <span className="font-mono text-xs text-slate-500">{p.sku}</span> {locale === "en" ? p.nameEn : p.nameZh}{" "}
                {p.madeToOrder ? (
                  <Badge tone="blue">{t("orders.madeToOrder")}</Badge>
                ) : (
                  <Badge tone={p.available > 0 ? "green" : "amber"}>{t("orders.availableN", { n: p.available })}</Badge>
                )}
              </span>
              <span className="flex items-center gap-3">
                <span>
                  {f.money(p.priceMinor, currency)} / {f.unit(p.unit)}
                </span>
                <button
                  type="submit"
                  form={FORM_ID}
                  name="intent"
                  value={`add:${p.id}`}
                  className="btn-secondary"
                  aria-label={t("orders.addSku", { sku: p.sku })}
                >
                  {t("orders.add")}
                </button>
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

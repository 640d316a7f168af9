import { Form } from "@remix-run/react";
import { Badge } from "~/components/ui/layout";
import { useFormat, useLocale, useT } from "~/i18n/react";
import type { AvailabilityPlan } from "~/modules/catalog/availability";
import { REGIONS } from "~/modules/organisations/organisations.schema";
import { ScrollX } from "~/components/ui/scroll-x";
import { Th } from "~/components/list";

export type AvailabilityView =
  | {
      ok: true;
      values: Record<string, unknown>;
      product: { sku: string; name_en: string; name_zh: string; unit: string; made_to_order: boolean; lead_time_days: number | null; status: string };
      plan: AvailabilityPlan;
      region: string | null;
      quantityFits: boolean;
      quantityMultiple: number;
      minQuantity: number;
    }
  | { ok: false; fieldErrors: Record<string, string>; values: Record<string, unknown> };

/** "Can I get N units by date D near region R?" — a GET form, so it works without JavaScript and can be shared. */
export function AvailabilityForm({
  hidden,
  sku,
  showSku,
  defaults,
  errors,
  today,
}: {
  hidden: Record<string, string>;
  sku?: string;
  showSku: boolean;
  defaults: { sku?: string; quantity?: string; neededBy?: string; region?: string };
  errors?: Record<string, string>;
  today: string;
}) {
  const t = useT();
  const e = errors ?? {};
  const field = (name: string, label: string, input: JSX.Element, error?: string) => (
    <div>
      <label htmlFor={`chk-${name}`} className="label">
        {label}
      </label>
      {input}
      {error ? (
        <p id={`chk-${name}-error`} className="mt-1 text-sm text-red-600" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
  return (
    <Form method="get" className="grid gap-3 sm:grid-cols-5" aria-label={t("avail.title")} data-testid="availability-form">
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <input type="hidden" name="check" value="1" />
      {showSku ? (
        field(
          "sku",
          t("stock.sku"),
          <input
            id="chk-sku"
            name="checkSku"
            className="input"
            defaultValue={defaults.sku ?? ""}
            aria-invalid={e.sku ? true : undefined}
            aria-describedby={e.sku ? "chk-sku-error" : undefined}
            required
            maxLength={64}
          />,
          e.sku,
        )
      ) : (
        <input type="hidden" name="checkSku" value={sku ?? ""} />
      )}
      {field(
        "quantity",
        t("avail.quantity"),
        <input
          id="chk-quantity"
          name="checkQty"
          inputMode="numeric"
          className="input"
          defaultValue={defaults.quantity ?? ""}
          aria-invalid={e.quantity ? true : undefined}
          aria-describedby={e.quantity ? "chk-quantity-error" : undefined}
          required
        />,
        e.quantity,
      )}
      {field(
        "neededBy",
        t("avail.neededBy"),
        <input
          id="chk-neededBy"
          name="checkDate"
          type="date"
          min={today}
          className="input"
          defaultValue={defaults.neededBy ?? ""}
          aria-invalid={e.neededBy ? true : undefined}
          aria-describedby={e.neededBy ? "chk-neededBy-error" : undefined}
        />,
        e.neededBy,
      )}
      {field(
        "region",
        t("avail.nearRegion"),
        <select id="chk-region" name="checkRegion" className="input" defaultValue={defaults.region ?? ""}>
          <option value="">{t("avail.anyRegion")}</option>
          {REGIONS.map((r) => (
            <option key={r} value={r}>
              {t(`region.${r}`)}
            </option>
          ))}
        </select>,
        e.region,
      )}
      <div className={`flex items-end ${showSku ? "" : "sm:col-span-2"}`}>
        <button type="submit" className="btn-primary">
          {t("avail.check")}
        </button>
      </div>
    </Form>
  );
}

export function AvailabilityResult({ answer }: { answer: Extract<AvailabilityView, { ok: true }> }) {
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const { plan, product } = answer;
  const unit = f.unit(product.unit);
  const name = locale === "en" ? product.name_en : product.name_zh;
  let headline: string;
  let tone: "green" | "amber" | "red";
  if (plan.neededBy) {
    if (plan.meetsNeededBy) {
      headline = t("avail.yesByDate", { quantity: f.number(plan.quantity), unit, date: f.date(plan.neededBy) });
      tone = "green";
    } else {
      headline = t("avail.partialByDate", { count: f.number(plan.byNeededDate), quantity: f.number(plan.quantity), unit, date: f.date(plan.neededBy) });
      tone = plan.byNeededDate > 0 ? "amber" : "red";
    }
  } else if (plan.fullDate) {
    headline =
      plan.shipNow >= plan.quantity
        ? t("avail.allNow", { quantity: f.number(plan.quantity), unit })
        : t("avail.allByDate", { quantity: f.number(plan.quantity), unit, date: f.date(plan.fullDate) });
    tone = plan.shipNow >= plan.quantity ? "green" : "amber";
  } else {
    headline = t("avail.cannotPromiseAll", { quantity: f.number(plan.quantity), unit });
    tone = "red";
  }
  const toneClass =
    tone === "green"
      ? "border-emerald-200 bg-emerald-50 text-emerald-900"
      : tone === "amber"
        ? "border-amber-200 bg-amber-50 text-amber-900"
        : "border-red-200 bg-red-50 text-red-800";
  return (
    <section className="space-y-3" aria-live="polite" data-testid="availability-result">
      <div className={`rounded-md border px-3 py-2 ${toneClass}`}>
        <p className="text-sm text-slate-600">
          {product.sku} · {name}
          {answer.region ? ` · ${t("avail.near", { region: t(`region.${answer.region}` as "region.east") })}` : ""}
        </p>
        <p className="font-semibold" data-testid="availability-headline">
          {headline}
        </p>
      </div>
      {!answer.quantityFits ? (
        <p className="text-sm text-amber-800">{t("avail.quantityMultiple", { multiple: answer.quantityMultiple, min: answer.minQuantity })}</p>
      ) : null}
      {product.status === "discontinued" ? <p className="text-sm text-amber-800">{t("products.discontinuedNote")}</p> : null}
      <ul className="grid gap-2 text-sm sm:grid-cols-3">
        <li className="card">
          <div className="text-slate-500">{t("avail.shipNow")}</div>
          <div className="text-xl font-semibold" data-testid="ship-now">
            {f.number(plan.shipNow)} {unit}
          </div>
        </li>
        <li className="card">
          <div className="text-slate-500">{t("avail.byEta")}</div>
          {plan.byEta.length === 0 ? (
            <div className="text-xl font-semibold">0</div>
          ) : (
            <ul className="mt-1 space-y-0.5">
              {plan.byEta.map((b, i) => (
                <li key={i}>
                  <span className="font-semibold">{f.number(b.quantity)}</span> {unit} · {f.date(b.date)} · {b.warehouseCode}
                </li>
              ))}
            </ul>
          )}
        </li>
        <li className="card">
          <div className="text-slate-500">{t("avail.rest")}</div>
          <div className="text-xl font-semibold">
            {f.number(plan.rest.quantity)} {unit}
          </div>
          {plan.rest.quantity > 0 ? (
            <div className="text-xs" data-testid="rest-promise">
              {plan.rest.date ? t("avail.restPromise", { date: f.date(plan.rest.date) }) : t("avail.noPromise")}
            </div>
          ) : null}
        </li>
      </ul>
      <ScrollX>
        <table className="table" data-testid="availability-warehouses">
          <caption className="sr-only">{t("avail.perWarehouse")}</caption>
          <thead>
            <tr>
              <Th>{t("stock.warehouse")}</Th>
              <Th>{t("common.region")}</Th>
              <Th num>{t("stock.available")}</Th>
              <Th>{t("stock.incoming")}</Th>
              <Th num>{t("avail.shipNow")}</Th>
              <Th>{t("avail.byEta")}</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {plan.warehouses.map((w) => (
              <tr key={w.warehouseId}>
                <td>
                  {locale === "en" ? w.nameEn : w.nameZh} <span className="text-xs text-slate-500">{w.code}</span>
                </td>
                <td>
                  {t(`region.${w.region}` as "region.east")} {answer.region && w.distance === 0 ? <Badge tone="blue">{t("avail.nearest")}</Badge> : null}
                </td>
                <td className="text-right tabular-nums">{f.number(w.available)}</td>
                <td>{w.incoming.length ? w.incoming.map((i) => `${f.number(i.quantity)} · ${f.date(i.eta)}`).join("; ") : "—"}</td>
                <td className="text-right tabular-nums">{f.number(w.shipNow)}</td>
                <td>{w.byEta.length ? w.byEta.map((b) => `${f.number(b.quantity)} · ${f.date(b.date)}`).join("; ") : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollX>
    </section>
  );
}

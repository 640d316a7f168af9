/** Promotions' presentational pieces: the terms in words, the state badge, the administrator's form. */
import { Form } from "@remix-run/react";
import { CheckboxGroup, Field, FormError, SelectField, SubmitButton, TextAreaField } from "~/components/ui/form";
import { Link } from "~/components/link";
import { Badge, badgeClass } from "~/components/ui/layout";
import type { MessageKey } from "~/i18n";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { REGIONS, TIERS } from "~/modules/organisations/organisations.schema";
import { DISCOUNT_KINDS, MECHANISMS, PROMOTION_STATUSES, REBATE_BASES, type PromotionState } from "~/modules/promotions/promotions.schema";

const TONE = { draft: "slate", scheduled: "blue", running: "green", ended: "slate", cancelled: "red" } as const;

export function PromotionStateBadge({ state }: { state: PromotionState }) {
  const t = useT();
  return <Badge tone={TONE[state]}>{t(`promotions.state.${state}`)}</Badge>;
}

type Terms = {
  mechanism: string;
  discount_kind: string | null;
  discount_bp: number | null;
  discount_minor: number | null;
  rebate_bp: number | null;
  rebate_basis: string | null;
  currency: string;
};

/** "10% off", "¥15.00 off per unit", "3% rebate on purchases". */
export function useTermsText(): (p: Terms) => string {
  const t = useT();
  const f = useFormat();
  const pct = (bp: number) => f.percent(bp / 10_000);
  return (p) => {
    if (p.mechanism === "rebate")
      return t("promotions.terms.rebate", {
        percent: pct(p.rebate_bp ?? 0),
        basis: t(`promotions.basis.${p.rebate_basis ?? "purchases"}` as MessageKey),
      });
    if (p.discount_kind === "amount") return t("promotions.terms.amountOff", { amount: f.money(p.discount_minor ?? 0, p.currency) });
    return t("promotions.terms.percentOff", { percent: pct(p.discount_bp ?? 0) });
  };
}

export type PromotionFormValues = Partial<Record<string, string | string[]>>;

const asList = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []);
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * The administrator's promotion form: works without JavaScript (every mechanism's fields are shown; the
 * server reads those of the chosen mechanism). `values`: as typed (after a refusal) or as stored.
 */
export function PromotionForm({
  values,
  errors,
  formError,
  submitLabel,
}: {
  values: PromotionFormValues;
  errors?: Record<string, string>;
  formError?: string;
  submitLabel: string;
}) {
  const t = useT();
  const e = errors ?? {};
  const v = (k: string) => one(values[k]);
  return (
    <Form method="post" className="card space-y-4" noValidate>
      <FormError message={formError} />
      {v("version") ? <input type="hidden" name="version" value={v("version")} /> : null}
      <div className="grid gap-4 sm:grid-cols-3">
        <Field
          name="code"
          label={t("promotions.field.code")}
          defaultValue={v("code")}
          error={e.code}
          help={t("promotions.field.codeHelp")}
          maxLength={32}
          required
        />
        <Field name="nameZh" label={t("promotions.field.nameZh")} defaultValue={v("nameZh")} error={e.nameZh} maxLength={200} required />
        <Field name="nameEn" label={t("promotions.field.nameEn")} defaultValue={v("nameEn")} error={e.nameEn} maxLength={200} required />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextAreaField
          name="descriptionZh"
          label={t("promotions.field.descriptionZh")}
          defaultValue={v("descriptionZh")}
          error={e.descriptionZh}
          maxLength={2000}
        />
        <TextAreaField
          name="descriptionEn"
          label={t("promotions.field.descriptionEn")}
          defaultValue={v("descriptionEn")}
          error={e.descriptionEn}
          maxLength={2000}
        />
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <SelectField
          name="mechanism"
          label={t("promotions.mechanism")}
          defaultValue={v("mechanism") ?? "price_off"}
          options={MECHANISMS.map((m) => ({ value: m, label: t(`promotions.mechanism.${m}`) }))}
          error={e.mechanism}
        />
        <Field name="startsOn" type="date" label={t("promotions.field.startsOn")} defaultValue={v("startsOn")} error={e.startsOn} required />
        <Field name="endsOn" type="date" label={t("promotions.field.endsOn")} defaultValue={v("endsOn")} error={e.endsOn} required />
      </div>
      <fieldset className="grid gap-4 rounded border border-slate-200 p-3 sm:grid-cols-3">
        <legend className="px-1 text-sm font-medium">{t("promotions.mechanism.price_off")}</legend>
        <SelectField
          name="discountKind"
          label={t("promotions.field.discountKind")}
          defaultValue={v("discountKind") ?? "percent"}
          options={DISCOUNT_KINDS.map((k) => ({ value: k, label: t(`promotions.discountKind.${k}`) }))}
          error={e.discountKind}
        />
        <Field
          name="discountPercent"
          inputMode="decimal"
          label={t("promotions.field.discountPercent")}
          defaultValue={v("discountPercent")}
          error={e.discountPercent}
          help={t("promotions.field.percentHelp")}
          maxLength={10}
        />
        <Field
          name="discountAmount"
          inputMode="decimal"
          label={t("promotions.field.discountAmount")}
          defaultValue={v("discountAmount")}
          error={e.discountAmount}
          maxLength={20}
        />
      </fieldset>
      <fieldset className="grid gap-4 rounded border border-slate-200 p-3 sm:grid-cols-3">
        <legend className="px-1 text-sm font-medium">{t("promotions.mechanism.rebate")}</legend>
        <Field
          name="rebatePercent"
          inputMode="decimal"
          label={t("promotions.field.rebatePercent")}
          defaultValue={v("rebatePercent")}
          error={e.rebatePercent}
          help={t("promotions.field.percentHelp")}
          maxLength={10}
        />
        <SelectField
          name="rebateBasis"
          label={t("promotions.field.rebateBasis")}
          defaultValue={v("rebateBasis") ?? "purchases"}
          options={REBATE_BASES.map((b) => ({ value: b, label: t(`promotions.basis.${b}`) }))}
          error={e.rebateBasis}
        />
      </fieldset>
      <Field
        name="productSkus"
        label={t("promotions.field.productSkus")}
        defaultValue={v("productSkus")}
        error={e.productSkus}
        help={t("promotions.field.productSkusHelp")}
        maxLength={4000}
        required
      />
      <CheckboxGroup
        name="regions"
        legend={t("promotions.field.regions")}
        options={REGIONS.map((r) => ({ value: r, label: t(`region.${r}` as MessageKey) }))}
        checked={asList(values.regions)}
        error={e.regions}
      />
      <CheckboxGroup
        name="tiers"
        legend={t("promotions.field.tiers")}
        options={TIERS.map((r) => ({ value: r, label: t(`tier.${r}` as MessageKey) }))}
        checked={asList(values.tiers)}
        error={e.tiers}
      />
      <Field
        name="dealerCodes"
        label={t("promotions.field.dealerCodes")}
        defaultValue={v("dealerCodes")}
        error={e.dealerCodes}
        help={`${t("promotions.field.dealerCodesHelp")} ${t("promotions.field.audienceHelp")}`}
        maxLength={4000}
      />
      <SelectField
        name="status"
        label={t("promotions.field.status")}
        defaultValue={v("status") ?? "draft"}
        options={PROMOTION_STATUSES.map((s) => ({ value: s, label: t(`promotions.status.${s}`) }))}
        error={e.status}
      />
      <SubmitButton pendingText={t("common.saving")}>{submitLabel}</SubmitButton>
    </Form>
  );
}

/** The promotion an order line uses, in words, linking to the promotion's page. */
export function LinePromotionBadge({
  promotion,
  currency,
}: {
  promotion: { id: number; code: string; mechanism: string; discountMinor: number; rebateBp: number | null };
  currency: string;
}) {
  const t = useT();
  const f = useFormat();
  const text =
    promotion.mechanism === "rebate"
      ? t("promotions.line.rebate", { percent: f.percent((promotion.rebateBp ?? 0) / 10_000), code: promotion.code })
      : t("promotions.line.priceOff", { code: promotion.code, amount: f.money(promotion.discountMinor, currency) });
  return (
    <Link to={`/promotions/${promotion.id}`} className={`${badgeClass("green")} hover:underline`} data-testid="line-promotion">
      {text}
    </Link>
  );
}

/** The running promotions that target the dealer, on its dashboard. */
export function PromotionsPanel({ items }: { items: (Terms & { id: number; code: string; name_en: string; name_zh: string; ends_on: string })[] }) {
  const t = useT();
  const f = useFormat();
  const terms = useTermsText();
  const locale = useLocale();
  if (!items.length) return null;
  return (
    <section aria-labelledby="promotions-heading" data-testid="promotions-panel">
      <h2 id="promotions-heading" className="mb-3 text-lg font-semibold">
        <Link to="/promotions" className="hover:underline">
          {t("promotions.forYou")}
        </Link>
      </h2>
      <ul className="grid gap-3 sm:grid-cols-2">
        {items.map((p) => (
          <li key={p.id} className="card space-y-1 text-sm">
            <Link to={`/promotions/${p.id}`} className="link font-semibold">
              {p.code} · {locale === "zh-CN" ? p.name_zh : p.name_en}
            </Link>
            <p>{terms(p)}</p>
            <p className="text-xs text-slate-500">{t("promotions.until", { date: f.date(p.ends_on) })}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

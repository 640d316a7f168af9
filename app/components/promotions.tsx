/** Promotions' presentational pieces: the state badge, the administrator's form, an order line's promotion (the terms in words: promotion-terms.ts). */
import { Form } from "@remix-run/react";
import { CheckboxGroup, Field, FormError, SelectField, SubmitButton, TextAreaField } from "~/components/ui/form";
import { Link } from "~/components/link";
import { Badge, badgeClass } from "~/components/ui/layout";
import type { MessageKey } from "~/i18n";
import { useFormat, useT } from "~/i18n/react";
import { REGIONS, TIERS } from "~/modules/organisations/organisations.schema";
import { DISCOUNT_KINDS, MECHANISMS, PROMOTION_STATUSES, REBATE_BASES, type PromotionState } from "~/modules/promotions/promotions.schema";

const TONE = { draft: "slate", scheduled: "blue", running: "green", ended: "slate", cancelled: "red" } as const;

export function PromotionStateBadge({ state }: { state: PromotionState }) {
  const t = useT();
  return <Badge tone={TONE[state]}>{t(`promotions.state.${state}`)}</Badge>;
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

import { Form } from "@remix-run/react";
import { CheckboxGroup, Field, FormError, SelectField, SubmitButton, TextAreaField } from "~/components/ui/form";
import type { MessageKey } from "~/i18n";
import { useBusinessTz, useT } from "~/i18n/react";
import { ANNOUNCEMENT_KINDS } from "~/modules/announcements/announcements.schema";
import { REGIONS, TIERS } from "~/modules/organisations/organisations.schema";

export type AnnouncementFormValues = {
  kind?: string;
  titleEn?: string;
  titleZh?: string;
  bodyEn?: string;
  bodyZh?: string;
  regions?: string[] | string;
  tiers?: string[] | string;
  productSkus?: string;
  startsAt?: string;
  endsAt?: string;
};

const asList = (v: string[] | string | undefined) => (Array.isArray(v) ? v : v ? [v] : []);

/** `intent`: what the form posts as its intent, on a page with several forms. */
export function AnnouncementForm({
  values,
  errors,
  formError,
  submitLabel,
  intent,
}: {
  values: AnnouncementFormValues;
  errors?: Record<string, string>;
  formError?: string;
  submitLabel: string;
  intent?: string;
}) {
  const t = useT();
  const tz = useBusinessTz();
  const e = errors ?? {};
  return (
    <Form method="post" className="card space-y-4" noValidate>
      {intent ? <input type="hidden" name="intent" value={intent} /> : null}
      <FormError message={formError} />
      <SelectField
        name="kind"
        label={t("announcements.kind")}
        defaultValue={values.kind ?? "announcement"}
        options={ANNOUNCEMENT_KINDS.map((k) => ({ value: k, label: t(`announcements.kind.${k}`) }))}
        error={e.kind}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="titleZh" label={t("announcements.field.titleZh")} defaultValue={values.titleZh} error={e.titleZh} maxLength={200} required />
        <Field name="titleEn" label={t("announcements.field.titleEn")} defaultValue={values.titleEn} error={e.titleEn} maxLength={200} required />
      </div>
      <TextAreaField name="bodyZh" label={t("announcements.field.bodyZh")} defaultValue={values.bodyZh} error={e.bodyZh} rows={5} maxLength={5000} />
      <TextAreaField name="bodyEn" label={t("announcements.field.bodyEn")} defaultValue={values.bodyEn} error={e.bodyEn} rows={5} maxLength={5000} />
      <CheckboxGroup
        name="regions"
        legend={t("announcements.field.regions")}
        options={REGIONS.map((r) => ({ value: r, label: t(`region.${r}` as MessageKey) }))}
        checked={asList(values.regions)}
        help={t("announcements.field.audienceHelp")}
        error={e.regions}
      />
      <CheckboxGroup
        name="tiers"
        legend={t("announcements.field.tiers")}
        options={TIERS.map((r) => ({ value: r, label: t(`tier.${r}` as MessageKey) }))}
        checked={asList(values.tiers)}
        help={t("announcements.field.audienceHelp")}
        error={e.tiers}
      />
      <Field
        name="productSkus"
        label={t("announcements.field.productSkus")}
        defaultValue={values.productSkus}
        error={e.productSkus}
        help={t("announcements.field.productSkusHelp")}
        maxLength={1000}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          name="startsAt"
          type="datetime-local"
          label={t("announcements.field.startsAt")}
          defaultValue={values.startsAt}
          error={e.startsAt}
          help={t("announcements.timeZoneHelp", { tz })}
          required
        />
        <Field
          name="endsAt"
          type="datetime-local"
          label={t("announcements.field.endsAt")}
          defaultValue={values.endsAt}
          error={e.endsAt}
          help={t("announcements.field.endsAtHelp")}
        />
      </div>
      <SubmitButton pendingText={t("common.saving")}>{submitLabel}</SubmitButton>
    </Form>
  );
}

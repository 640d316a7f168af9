import { Form } from "@remix-run/react";
import { Field, FormError, SelectField, SubmitButton } from "~/components/ui/form";
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

function TextArea({ name, label, defaultValue, error }: { name: string; label: string; defaultValue?: string; error?: string }) {
  const id = `f-${name}`;
  return (
    <div>
      <label htmlFor={id} className="label">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        rows={5}
        maxLength={5000}
        className="input"
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-600" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function Checkboxes({
  name,
  legend,
  options,
  checked,
  help,
  error,
}: {
  name: string;
  legend: string;
  options: { value: string; label: string }[];
  checked: string[];
  help: string;
  error?: string;
}) {
  return (
    <fieldset>
      <legend className="label">{legend}</legend>
      <div className="flex flex-wrap gap-x-4 gap-y-1">
        {options.map((o) => (
          <label key={o.value} className="inline-flex items-center gap-1 text-sm">
            <input type="checkbox" name={name} value={o.value} defaultChecked={checked.includes(o.value)} />
            {o.label}
          </label>
        ))}
      </div>
      <p className="mt-1 text-xs text-slate-500">{help}</p>
      {error ? (
        <p className="mt-1 text-sm text-red-600" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

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
      <TextArea name="bodyZh" label={t("announcements.field.bodyZh")} defaultValue={values.bodyZh} error={e.bodyZh} />
      <TextArea name="bodyEn" label={t("announcements.field.bodyEn")} defaultValue={values.bodyEn} error={e.bodyEn} />
      <Checkboxes
        name="regions"
        legend={t("announcements.field.regions")}
        options={REGIONS.map((r) => ({ value: r, label: t(`region.${r}` as MessageKey) }))}
        checked={asList(values.regions)}
        help={t("announcements.field.audienceHelp")}
        error={e.regions}
      />
      <Checkboxes
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

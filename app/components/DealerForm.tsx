import { Form } from "@remix-run/react";
import { Field, FormError, SelectField, SubmitButton } from "~/components/ui/form";
import { useT } from "~/i18n/react";
import { REGIONS, TIERS } from "~/modules/organisations/organisations.schema";
import { minorToDecimal } from "~/utils/money";

type Values = Record<string, unknown>;
type Dealer = {
  code: string;
  name: string;
  region: string;
  tier: string;
  credit_limit_minor: number;
  account_manager_id: number | null;
  contact_email: string | null;
  contact_phone: string | null;
};

/** `intent`: what the form posts as its intent, on a page with several forms. */
export function DealerForm({
  dealer,
  accountManagers,
  failure,
  submitLabel,
  intent,
}: {
  dealer?: Dealer;
  accountManagers: { id: number; name: string; email: string }[];
  failure?: { formError: string; fieldErrors: Record<string, string>; values: Values };
  submitLabel: string;
  intent?: string;
}) {
  const t = useT();
  const v = failure?.values ?? {};
  const e = failure?.fieldErrors ?? {};
  const val = (k: string, fallback: unknown) => String(v[k] ?? fallback ?? "");
  return (
    <Form method="post" className="card space-y-4" noValidate>
      {intent ? <input type="hidden" name="intent" value={intent} /> : null}
      <FormError message={failure?.formError} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="code" label={t("dealers.code")} defaultValue={val("code", dealer?.code)} error={e.code} required maxLength={32} />
        <Field name="name" label={t("common.name")} defaultValue={val("name", dealer?.name)} error={e.name} required maxLength={200} />
        <SelectField
          name="region"
          label={t("common.region")}
          defaultValue={val("region", dealer?.region ?? "east")}
          options={REGIONS.map((r) => ({ value: r, label: t(`region.${r}`) }))}
          error={e.region}
        />
        <SelectField
          name="tier"
          label={t("common.tier")}
          defaultValue={val("tier", dealer?.tier ?? "silver")}
          options={TIERS.map((r) => ({ value: r, label: t(`tier.${r}`) }))}
          error={e.tier}
        />
        <Field
          name="creditLimit"
          inputMode="decimal"
          label={t("dealers.creditLimit")}
          defaultValue={val("creditLimit", dealer ? minorToDecimal(dealer.credit_limit_minor) : "0")}
          error={e.creditLimit}
          required
        />
        <SelectField
          name="accountManagerId"
          label={t("dealers.accountManager")}
          includeEmpty={t("dealers.unassigned")}
          defaultValue={val("accountManagerId", dealer?.account_manager_id)}
          options={accountManagers.map((a) => ({ value: String(a.id), label: `${a.name} <${a.email}>` }))}
          error={e.accountManagerId}
        />
        <Field name="contactEmail" type="email" label={t("common.email")} defaultValue={val("contactEmail", dealer?.contact_email)} error={e.contactEmail} />
        <Field name="contactPhone" label="☎" aria-label="Phone" defaultValue={val("contactPhone", dealer?.contact_phone)} error={e.contactPhone} />
      </div>
      <SubmitButton pendingText={t("common.saving")}>{submitLabel}</SubmitButton>
    </Form>
  );
}

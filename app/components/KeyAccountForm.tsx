import { Field, SelectField } from "~/components/ui/form";
import { useT } from "~/i18n/react";
import { ACCOUNT_SIZES, INDUSTRIES } from "~/modules/deals/deals.schema";
import { REGIONS } from "~/modules/organisations/organisations.schema";

type Values = Record<string, unknown>;

/** The key account profile fields, shared by /key-accounts/new and /key-accounts/:id. */
export function KeyAccountFields({
  values,
  errors,
  accountManagers,
  isAdmin,
}: {
  values: Values;
  errors: Record<string, string>;
  accountManagers: { id: number; name: string }[];
  isAdmin: boolean;
}) {
  const t = useT();
  const v = (k: string) => String(values[k] ?? "");
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <div className="sm:col-span-2">
        <Field name="name" label={t("common.name")} defaultValue={v("name")} error={errors.name} required maxLength={200} />
      </div>
      <Field
        name="creditCode"
        label={t("keyAccounts.creditCode")}
        help={t("keyAccounts.creditCodeHelp")}
        defaultValue={v("creditCode")}
        error={errors.creditCode}
        maxLength={24}
        autoComplete="off"
      />
      <SelectField
        name="industry"
        label={t("keyAccounts.industry")}
        defaultValue={v("industry") || "other"}
        options={INDUSTRIES.map((i) => ({ value: i, label: t(`keyAccounts.industry.${i}`) }))}
        error={errors.industry}
      />
      <SelectField
        name="region"
        label={t("common.region")}
        defaultValue={v("region") || "east"}
        options={REGIONS.map((r) => ({ value: r, label: t(`region.${r}`) }))}
        error={errors.region}
      />
      <SelectField
        name="size"
        label={t("keyAccounts.size")}
        defaultValue={v("size") || "medium"}
        options={ACCOUNT_SIZES.map((s) => ({ value: s, label: t(`keyAccounts.size.${s}`) }))}
        error={errors.size}
      />
      {isAdmin ? (
        <SelectField
          name="ownerId"
          label={t("keyAccounts.owner")}
          includeEmpty="—"
          defaultValue={v("ownerId")}
          options={accountManagers.map((a) => ({ value: String(a.id), label: a.name }))}
          error={errors.ownerId}
        />
      ) : null}
      <div className="sm:col-span-2">
        <Field name="notes" label={t("common.notes")} error={errors.notes}>
          <textarea id="f-notes" name="notes" className="input" rows={3} defaultValue={v("notes")} maxLength={2000} />
        </Field>
      </div>
    </div>
  );
}

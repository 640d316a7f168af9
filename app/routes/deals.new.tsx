import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormError, SelectField, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { INDUSTRIES } from "~/modules/deals/deals.schema";
import { RegisterDealSchema } from "~/modules/deals/deals.schema.server";
import { registerDeal, registrationOptions } from "~/modules/deals/deals.server";
import { REGIONS } from "~/modules/organisations/organisations.schema";
import { env } from "~/utils/env.server";
import { parseForm } from "~/utils/http.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("deals.new");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "deal:register");
  return json({ ...(await registrationOptions(actor)), protectionDays: env().DEAL_PROTECTION_DAYS });
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "deal:register");
  const form = await parseForm(request, RegisterDealSchema);
  if (!form.ok) return json(form, { status: 400 });
  const deal = await registerDeal(actor, form.data);
  return redirect(`/deals/${deal.id}?registered=${deal.stage}`);
});

export default function NewDeal() {
  const { productLines, keyAccounts, today, protectionDays } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const v = (data?.values ?? {}) as Record<string, unknown>;
  const e = data?.fieldErrors ?? {};
  const pickedList = ([] as unknown[])
    .concat(v.productLines ?? [])
    .map(String)
    .filter(Boolean);
  const picked = new Set(pickedList);
  const lineError = e.productLines ?? Object.entries(e).find(([k]) => k.startsWith("productLines."))?.[1];
  // Errors come as productLines.<n>.quantity, n counting the ticked lines: mark that line's quantity.
  const badQuantity = new Set(Object.keys(e).flatMap((k) => pickedList[Number(/^productLines\.(\d+)\.quantity$/.exec(k)?.[1] ?? NaN)] ?? []));
  return (
    <div className="max-w-3xl">
      <PageHeader title={t("deals.new")} crumbs={[{ label: t("deals.title"), to: "/deals" }, { label: t("deals.new") }]} />
      <p className="mb-4 text-sm text-slate-600">{t("deals.newHelp", { days: protectionDays })}</p>
      <Form method="post" className="card space-y-5" noValidate>
        <FormError message={data?.formError} />
        <fieldset className="space-y-3">
          <legend className="font-semibold">{t("deals.keyAccount")}</legend>
          {keyAccounts.length ? (
            <SelectField
              name="keyAccountId"
              label={t("deals.pickAccount")}
              includeEmpty="—"
              defaultValue={String(v.keyAccountId ?? "")}
              options={keyAccounts.map((k) => ({ value: String(k.id), label: k.name }))}
              error={e.keyAccountId}
            />
          ) : null}
          <p className="text-sm text-slate-600">
            {keyAccounts.length ? t("deals.orNewAccount") : null} {t("deals.orNewAccountHelp")}
          </p>
          <div className="grid gap-3 sm:grid-cols-2">
            <Field name="accountName" label={t("deals.accountName")} defaultValue={String(v.accountName ?? "")} error={e.accountName} maxLength={200} />
            <Field
              name="creditCode"
              label={t("deals.creditCode")}
              help={t("deals.creditCodeHelp")}
              defaultValue={String(v.creditCode ?? "")}
              error={e.creditCode}
              maxLength={24}
              autoComplete="off"
            />
            <SelectField
              name="industry"
              label={t("keyAccounts.industry")}
              includeEmpty="—"
              defaultValue={String(v.industry ?? "")}
              options={INDUSTRIES.map((i) => ({ value: i, label: t(`keyAccounts.industry.${i}`) }))}
              error={e.industry}
            />
            <SelectField
              name="region"
              label={t("common.region")}
              includeEmpty="—"
              defaultValue={String(v.region ?? "")}
              options={REGIONS.map((r) => ({ value: r, label: t(`region.${r}`) }))}
              error={e.region}
            />
          </div>
        </fieldset>
        <Field name="title" label={t("deals.dealTitle")} defaultValue={String(v.title ?? "")} error={e.title} required maxLength={200} />
        <fieldset aria-describedby={lineError ? "lines-error" : undefined}>
          <legend className="label">{t("deals.productLines")}</legend>
          <div className="grid gap-2 sm:grid-cols-2">
            {productLines.map((pl) => (
              <div key={pl.code} className="flex items-center gap-2 rounded-md border border-slate-200 px-3 py-2">
                <input id={`pl-${pl.code}`} type="checkbox" name="productLines" value={pl.code} defaultChecked={picked.has(pl.code)} className="h-4 w-4" />
                <label htmlFor={`pl-${pl.code}`} className="flex-1 text-sm">
                  {locale === "en" ? pl.name_en : pl.name_zh}
                </label>
                <label htmlFor={`q-${pl.code}`} className="sr-only">
                  {t("deals.estimatedQuantity")}
                </label>
                <input
                  id={`q-${pl.code}`}
                  name={`quantity_${pl.code}`}
                  inputMode="numeric"
                  className="input w-24"
                  placeholder={t("deals.estimatedQuantity")}
                  defaultValue={String(v[`quantity_${pl.code}`] ?? "")}
                  aria-invalid={badQuantity.has(pl.code) || undefined}
                  aria-describedby={badQuantity.has(pl.code) ? "lines-error" : undefined}
                />
              </div>
            ))}
          </div>
          {lineError ? (
            <p id="lines-error" className="mt-1 text-sm text-red-600" role="alert">
              {lineError}
            </p>
          ) : null}
        </fieldset>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field
            name="estimatedValue"
            label={t("deals.value")}
            inputMode="decimal"
            defaultValue={String(v.estimatedValue ?? "")}
            error={e.estimatedValue}
            required
          />
          <Field
            name="expectedCloseDate"
            type="date"
            label={t("deals.expectedClose")}
            min={today}
            defaultValue={String(v.expectedCloseDate ?? "")}
            error={e.expectedCloseDate}
            required
          />
        </div>
        <Field name="competitors" label={t("deals.competitors")} defaultValue={String(v.competitors ?? "")} error={e.competitors} maxLength={500} />
        <Field name="notes" label={t("deals.notes")} error={e.notes}>
          <textarea id="f-notes" name="notes" className="input" rows={3} defaultValue={String(v.notes ?? "")} maxLength={4000} />
        </Field>
        <SubmitButton pendingText={t("common.submitting")}>{t("deals.new")}</SubmitButton>
      </Form>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

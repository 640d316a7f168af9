import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormError, Notice, SelectField, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { SERVICE_PRIORITIES } from "~/modules/service/service.schema";
import { PromiseSchema } from "~/modules/service/service.schema.server";
import { getPromiseSettings, updatePromiseSettings } from "~/modules/service/service.server";
import { parseForm } from "~/utils/http.server";
import { translate } from "~/i18n";
import { pageMeta } from "~/utils/meta";
import { withAction, withLoader } from "~/utils/route";

export const meta = pageMeta("service.promise.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "service:configure");
  return json(await getPromiseSettings(actor));
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "service:configure");
  const form = await parseForm(request, PromiseSchema);
  if (!form.ok) return json(form, { status: 400 });
  await updatePromiseSettings(actor, form.data);
  return json({ ok: true as const, message: translate(actor.locale, "service.promise.saved") });
});

export default function ServicePromise() {
  const { promises, settings, leads } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const failure = result && result.ok === false ? result : undefined;
  const value = (name: string, fallback: number | string) => String(failure?.values[name] ?? fallback);
  return (
    <div className="max-w-3xl space-y-4">
      <PageHeader title={t("service.promise.title")} crumbs={[{ label: t("nav.admin") }, { label: t("service.promise.title") }]} />
      <p className="text-sm text-slate-600">{t("service.promise.intro")}</p>
      <Notice message={result && result.ok ? result.message : undefined} />
      <Form method="post" className="card space-y-4" noValidate>
        <FormError message={failure?.formError} />
        {SERVICE_PRIORITIES.map((p) => (
          <fieldset key={p} className="grid gap-3 sm:grid-cols-3">
            <legend className="mb-1 font-medium">{t(`service.priority.${p}`)}</legend>
            <Field
              name={`${p}_response`}
              label={t("service.promise.response")}
              inputMode="numeric"
              defaultValue={value(`${p}_response`, promises[p].response)}
              error={failure?.fieldErrors[`${p}_response`]}
            />
            <Field
              name={`${p}_resolution`}
              label={t("service.promise.resolution")}
              inputMode="numeric"
              defaultValue={value(`${p}_resolution`, promises[p].resolution)}
              error={failure?.fieldErrors[`${p}_resolution`]}
            />
          </fieldset>
        ))}
        <div className="grid gap-3 sm:grid-cols-2">
          <Field
            name="dueSoonHours"
            label={t("service.promise.dueSoon")}
            inputMode="numeric"
            defaultValue={value("dueSoonHours", settings.dueSoonHours)}
            error={failure?.fieldErrors.dueSoonHours}
          />
          <SelectField
            name="leadUserId"
            label={t("service.promise.lead")}
            defaultValue={value("leadUserId", settings.leadUserId ?? "")}
            error={failure?.fieldErrors.leadUserId}
            includeEmpty={t("service.promise.leadNone")}
            options={leads.map((u) => ({ value: u.id, label: u.name }))}
          />
        </div>
        <SubmitButton pendingText={t("common.saving")}>{t("common.save")}</SubmitButton>
      </Form>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

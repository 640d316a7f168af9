import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormError, SelectField, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { LOCALES } from "~/i18n";
import { useT } from "~/i18n/react";
import { isDealerActor } from "~/modules/auth/actor";
import { requireActor } from "~/modules/auth/auth.server";
import { createUser, userFormOptions } from "~/modules/organisations/organisations.server";
import { CreateUserSchema } from "~/modules/organisations/organisations.schema.server";
import { parseForm } from "~/utils/http.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("users.new");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "user:manage");
  return json({ ...(await userFormOptions(actor)), isAdmin: !isDealerActor(actor) });
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "user:manage");
  const form = await parseForm(request, CreateUserSchema);
  if (!form.ok) return json(form, { status: 400 });
  const { id } = await createUser(actor, form.data);
  return redirect(`/admin/users/${id}?created=1`);
});

export default function NewUser() {
  const { organisations, roles, isAdmin } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const v = data?.values ?? {};
  const e = data?.fieldErrors ?? {};
  return (
    <div className="max-w-xl">
      <PageHeader title={t("users.new")} crumbs={[{ label: t("users.title"), to: "/admin/users" }, { label: t("users.new") }]} />
      <Form method="post" className="card space-y-4" noValidate>
        <FormError message={data?.formError} />
        <Field name="name" label={t("common.name")} defaultValue={String(v.name ?? "")} error={e.name} required maxLength={120} />
        <Field name="email" type="email" label={t("common.email")} defaultValue={String(v.email ?? "")} error={e.email} required />
        {isAdmin ? (
          <SelectField
            name="organisationId"
            label={t("users.organisation")}
            defaultValue={String(v.organisationId ?? "")}
            includeEmpty=""
            options={organisations.map((o) => ({ value: String(o.id), label: `${o.code} · ${o.name}` }))}
            error={e.organisationId}
          />
        ) : null}
        <SelectField
          name="role"
          label={t("common.role")}
          defaultValue={String(v.role ?? roles[0])}
          options={roles.map((r) => ({ value: r, label: t(`role.${r}` as "role.admin") }))}
          error={e.role}
        />
        <SelectField
          name="locale"
          label={t("settings.locale")}
          defaultValue={String(v.locale ?? "zh-CN")}
          options={LOCALES.map((l) => ({ value: l, label: t(`lang.${l}` as "lang.en") }))}
          error={e.locale}
        />
        <Field
          name="password"
          type="password"
          autoComplete="new-password"
          label={t("users.password")}
          help={t("users.passwordHelp")}
          error={e.password}
          required
        />
        <SubmitButton pendingText={t("common.saving")}>{t("common.create")}</SubmitButton>
      </Form>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

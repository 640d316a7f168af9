import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Field, FormError, Notice, SelectField, SubmitButton } from "~/components/ui/form";
import { Badge, PageHeader } from "~/components/ui/layout";
import { useFormat, useT } from "~/i18n/react";
import { can } from "~/modules/auth/actor";
import { requireActor } from "~/modules/auth/auth.server";
import { resetSecondFactor, secondFactorStatus } from "~/modules/auth/two-factor.server";
import { getUser, setUserStatus, updateUser, userFormOptions } from "~/modules/organisations/organisations.server";
import { UpdateUserSchema, UserStatusSchema } from "~/modules/organisations/organisations.schema.server";
import { intentAction } from "~/utils/intent.server";
import { withAction, withLoader } from "~/utils/route";
import { idParam } from "~/utils/params.server";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta<typeof loader>("users.user", ({ user }) => user.name);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "user:manage");
  const user = await getUser(actor, idParam(params.id));
  const { roles } = await userFormOptions(actor);
  const secondFactor = can(actor, "second_factor:reset") ? await secondFactorStatus(user.id, user.role) : null;
  return json({
    user,
    roles: roles.filter((r) => (user.organisation_kind === "dealer") === r.startsWith("dealer_")),
    self: user.id === actor.userId,
    secondFactor,
  });
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "user:manage");
  const id = idParam(params.id);
  return intentAction(request, {
    update: (ctx) => ctx.submit(UpdateUserSchema, (data) => updateUser(actor, id, data), "users.updated"),
    status: (ctx) =>
      ctx.submit(
        UserStatusSchema,
        (data) => setUserStatus(actor, id, data.status),
        (data) => (data.status === "disabled" ? "users.disabled" : "users.enabled"),
      ),
    resetSecondFactor: async (ctx) => {
      await getUser(actor, id);
      await resetSecondFactor(actor, id);
      return ctx.done("twoFactor.resetDone");
    },
  });
});

export default function EditUser() {
  const { user, roles, self, secondFactor } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [sp] = useSearchParams();
  const t = useT();
  const f = useFormat();
  const failure = data && data.ok === false ? data : undefined;
  const notice = data && data.ok === true ? data.message : sp.get("created") ? t("users.created") : undefined;
  return (
    <div className="max-w-xl space-y-4">
      <PageHeader title={user.name} crumbs={[{ label: t("users.title"), to: "/admin/users" }, { label: user.name }]} />
      <FormError message={failure?.formError} />
      <Notice message={notice} />
      <div className="card text-sm">
        <p>
          {user.email} · {user.organisation_code} · {user.organisation_name}
        </p>
        <p className="mt-1">
          <Badge tone={user.status === "active" ? "green" : "slate"}>{t(`status.${user.status}` as "status.active")}</Badge>{" "}
          <span className="text-slate-500">
            {t("users.lastLogin")}: {f.dateTime(user.last_login_at)}
          </span>
        </p>
      </div>
      <Form method="post" className="card space-y-4" noValidate>
        <input type="hidden" name="intent" value="update" />
        <h2 className="font-semibold">{t("users.edit")}</h2>
        <Field
          name="name"
          label={t("common.name")}
          defaultValue={String(failure?.values.name ?? user.name)}
          error={failure?.fieldErrors.name}
          required
          maxLength={120}
        />
        <SelectField
          name="role"
          label={t("common.role")}
          defaultValue={String(failure?.values.role ?? user.role)}
          options={roles.map((r) => ({ value: r, label: t(`role.${r}` as "role.admin") }))}
          error={failure?.fieldErrors.role}
          disabled={self}
        />
        {self ? <input type="hidden" name="role" value={user.role} /> : null}
        <SubmitButton pendingText={t("common.saving")}>{t("common.save")}</SubmitButton>
      </Form>
      {!self ? (
        <Form method="post" className="card">
          <input type="hidden" name="intent" value="status" />
          <input type="hidden" name="status" value={user.status === "active" ? "disabled" : "active"} />
          <SubmitButton className={user.status === "active" ? "btn-danger" : "btn-secondary"}>
            {user.status === "active" ? t("common.disable") : t("common.enable")}
          </SubmitButton>
        </Form>
      ) : null}
      {secondFactor ? (
        <section className="card space-y-2 text-sm">
          <h2 className="font-semibold">{t("twoFactor.title")}</h2>
          <p>
            <Badge tone={secondFactor.enabled ? "green" : "slate"}>{secondFactor.enabled ? t("twoFactor.on") : t("twoFactor.off")}</Badge>{" "}
            {secondFactor.enabled && secondFactor.confirmedAt ? (
              <span className="text-slate-500">{t("twoFactor.since", { date: f.dateTime(secondFactor.confirmedAt) })}</span>
            ) : null}
          </p>
          {secondFactor.enabled && !self ? (
            <Form method="post" className="space-y-2">
              <p className="text-slate-600">{t("twoFactor.resetHelp")}</p>
              <SubmitButton name="intent" value="resetSecondFactor" className="btn-danger" pendingText={t("common.saving")}>
                {t("twoFactor.reset")}
              </SubmitButton>
            </Form>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormError, Notice, SelectField, SubmitButton } from "~/components/ui/form";
import { Badge, PageHeader } from "~/components/ui/layout";
import { Link } from "~/components/link";
import { useCan } from "~/components/access";
import { LOCALES, translate } from "~/i18n";
import { useT } from "~/i18n/react";
import { changePassword, requireActor, updatePreferences } from "~/modules/auth/auth.server";
import { can } from "~/modules/auth/actor";
import { secondFactorStatus } from "~/modules/auth/two-factor.server";
import { getOwnProfile } from "~/modules/organisations/organisations.server";
import { PasswordChangeSchema, PreferencesSchema } from "~/modules/organisations/organisations.schema.server";
import { parseForm } from "~/utils/http.server";
import { intentAction } from "~/utils/intent.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("settings.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "settings:self");
  return json({
    profile: await getOwnProfile(actor),
    secondFactor: await secondFactorStatus(actor.userId!, actor.role),
    // A dealer administrator manages the dealer's API tokens (administrators do it on the dealer's page).
    apiTokens: actor.dealerId !== null && can(actor, "api_token:manage"),
  });
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "settings:self");
  return intentAction(request, {
    preferences: async (ctx) => {
      const form = await parseForm(request, PreferencesSchema, ctx.form);
      if (!form.ok) return ctx.fail(form);
      await updatePreferences(actor, form.data);
      // Said in the language just chosen.
      return json({ ok: true as const, intent: ctx.intent, message: translate(form.data.locale, "settings.savedPrefs") });
    },
    password: async (ctx) => {
      const form = await parseForm(request, PasswordChangeSchema, ctx.form);
      if (!form.ok) return ctx.fail(form);
      // The session continues under a new id: the browser gets the new cookie.
      const cookie = await changePassword(actor, form.data);
      return json(
        { ok: true as const, intent: ctx.intent, message: translate(actor.locale, "settings.passwordChanged") },
        { headers: { "Set-Cookie": cookie } },
      );
    },
  });
});

export default function Settings() {
  const { profile, secondFactor, apiTokens } = useLoaderData<typeof loader>();
  const allowed = useCan();
  const data = useActionData<typeof action>();
  const t = useT();
  const failure = data && data.ok === false ? data : undefined;
  const success = data && data.ok === true ? data : undefined;
  const intent = data && "intent" in data ? data.intent : undefined;
  return (
    <div className="max-w-2xl space-y-6">
      <PageHeader title={t("settings.title")} crumbs={[{ label: t("nav.home"), to: "/" }, { label: t("settings.title") }]} />
      <section className="card">
        <h2 className="mb-2 font-semibold">{t("settings.profile")}</h2>
        <dl className="grid grid-cols-3 gap-2 text-sm">
          <dt className="text-slate-500">{t("common.name")}</dt>
          <dd className="col-span-2">{profile.name}</dd>
          <dt className="text-slate-500">{t("common.email")}</dt>
          <dd className="col-span-2">{profile.email}</dd>
          <dt className="text-slate-500">{t("common.role")}</dt>
          <dd className="col-span-2">{t(`role.${profile.role}` as "role.admin")}</dd>
          <dt className="text-slate-500">{t("users.organisation")}</dt>
          <dd className="col-span-2">{profile.organisation_name}</dd>
        </dl>
      </section>
      <section className="card">
        <h2 className="mb-4 font-semibold">{t("settings.preferences")}</h2>
        <Form method="post" className="space-y-4">
          <input type="hidden" name="intent" value="preferences" />
          {intent === "preferences" ? (
            <>
              <FormError message={failure?.formError} />
              <Notice message={success?.message} />
            </>
          ) : null}
          <SelectField
            name="locale"
            label={t("settings.locale")}
            defaultValue={profile.locale}
            options={LOCALES.map((l) => ({ value: l, label: t(`lang.${l}` as "lang.en") }))}
            error={intent === "preferences" ? failure?.fieldErrors.locale : undefined}
          />
          <SelectField
            name="digestFrequency"
            label={t("settings.digest")}
            defaultValue={profile.digest_frequency}
            options={(["off", "daily", "weekly"] as const).map((d) => ({ value: d, label: t(`digest.${d}`) }))}
            error={intent === "preferences" ? failure?.fieldErrors.digestFrequency : undefined}
          />
          <p className="text-xs text-slate-500">{t("settings.digestHelp")}</p>
          <SubmitButton name="intent" value="preferences" pendingText={t("common.saving")}>
            {t("common.save")}
          </SubmitButton>
        </Form>
      </section>
      <section className="card">
        <h2 className="mb-2 font-semibold">{t("twoFactor.title")}</h2>
        <p className="text-sm">
          <Badge tone={secondFactor.enabled ? "green" : "slate"}>{secondFactor.enabled ? t("twoFactor.on") : t("twoFactor.off")}</Badge>{" "}
          <span className="text-slate-600">{secondFactor.required ? t("twoFactor.requiredHelp") : t("twoFactor.optionalHelp")}</span>
        </p>
        <Link to="/settings/two-factor" className="btn-secondary mt-3 inline-block">
          {secondFactor.enabled ? t("twoFactor.manage") : t("twoFactor.turnOn")}
        </Link>
      </section>
      {allowed("webhook:manage") ? (
        <section className="card">
          <h2 className="mb-2 font-semibold">{t("webhooks.title")}</h2>
          <p className="text-sm text-slate-600">{t("webhooks.settingsHelp")}</p>
          <Link to="/settings/webhooks" className="btn-secondary mt-3 inline-block">
            {t("webhooks.settingsLink")}
          </Link>
        </section>
      ) : null}
      {apiTokens ? (
        <section className="card">
          <h2 className="mb-2 font-semibold">{t("apiTokens.title")}</h2>
          <p className="text-sm text-slate-600">{t("apiTokens.help")}</p>
          <Link to="/settings/api-tokens" className="btn-secondary mt-3 inline-block">
            {t("apiTokens.manageLink")}
          </Link>
        </section>
      ) : null}
      <section className="card">
        <h2 className="mb-4 font-semibold">{t("settings.password")}</h2>
        <Form method="post" className="space-y-4">
          <input type="hidden" name="intent" value="password" />
          {intent === "password" ? (
            <>
              <FormError message={failure?.formError} />
              <Notice message={success?.message} />
            </>
          ) : null}
          <Field
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            label={t("settings.currentPassword")}
            error={intent === "password" ? failure?.fieldErrors.currentPassword : undefined}
          />
          <Field
            name="newPassword"
            type="password"
            autoComplete="new-password"
            label={t("settings.newPassword")}
            help={t("settings.passwordHelp")}
            error={intent === "password" ? failure?.fieldErrors.newPassword : undefined}
          />
          <Field
            name="confirmPassword"
            type="password"
            autoComplete="new-password"
            label={t("settings.confirmPassword")}
            error={intent === "password" ? failure?.fieldErrors.confirmPassword : undefined}
          />
          <SubmitButton name="intent" value="password" pendingText={t("common.saving")}>
            {t("settings.password")}
          </SubmitButton>
        </Form>
      </section>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

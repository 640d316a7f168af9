import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { EnrolPanel, RecoveryCodes } from "~/components/auth/two-factor";
import { Field, FormError, Notice, SubmitButton } from "~/components/ui/form";
import { Badge, PageHeader } from "~/components/ui/layout";
import { translate, type MessageKey } from "~/i18n";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { DisableTwoFactorSchema, SecondFactorCodeSchema } from "~/modules/auth/two-factor.schema.server";
import { confirmFromSettings, disableSecondFactor, enrolFromSettings, regenerateRecoveryCodes, secondFactorStatus } from "~/modules/auth/two-factor.server";
import { parseForm } from "~/utils/http.server";
import { intentAction, type IntentContext } from "~/utils/intent.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("twoFactor.title");

/** Two-factor sign-in in the user's settings: enrol (dealer users: optional), new recovery codes, turn off (dealer users). */
export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "settings:self");
  const status = await secondFactorStatus(actor.userId!, actor.role);
  const enrolment = status.enabled ? null : await enrolFromSettings(actor);
  return json({ status, enrolment: enrolment && { secret: enrolment.secret, qrSvg: enrolment.qrSvg } });
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "settings:self");
  // A wrong code or password comes back to the form that sent it (each form shows its own errors).
  const newCodes = (make: (a: typeof actor, code: string) => Promise<string[]>, key: MessageKey) => async (ctx: IntentContext<"confirm" | "recoveryCodes">) => {
    const form = await parseForm(request, SecondFactorCodeSchema, ctx.form);
    if (!form.ok) return ctx.fail(form);
    const codes = await make(actor, form.data.code);
    return json({ ok: true as const, intent: ctx.intent, recoveryCodes: codes, message: translate(actor.locale, key) });
  };
  return intentAction(request, {
    confirm: newCodes(confirmFromSettings, "twoFactor.enabled"),
    recoveryCodes: newCodes(regenerateRecoveryCodes, "twoFactor.codesReplaced"),
    disable: (ctx) => ctx.submit(DisableTwoFactorSchema, (data) => disableSecondFactor(actor, data.password), "twoFactor.disabled"),
  });
});

export default function TwoFactorSettings() {
  const { status, enrolment } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const f = useFormat();
  const failure = data && data.ok === false ? data : undefined;
  const success = data && data.ok === true ? data : undefined;
  const intent = data && "intent" in data ? data.intent : undefined;
  const codes = success && "recoveryCodes" in success ? success.recoveryCodes : undefined;
  return (
    <div className="max-w-2xl space-y-6">
      <PageHeader title={t("twoFactor.title")} crumbs={[{ label: t("settings.title"), to: "/settings" }, { label: t("twoFactor.title") }]} />
      <section className="card space-y-2 text-sm">
        <p>
          <Badge tone={status.enabled ? "green" : "slate"}>{status.enabled ? t("twoFactor.on") : t("twoFactor.off")}</Badge>{" "}
          {status.enabled && status.confirmedAt ? (
            <span className="text-slate-500">{t("twoFactor.since", { date: f.dateTime(status.confirmedAt) })}</span>
          ) : null}
        </p>
        <p className="text-slate-600">{status.required ? t("twoFactor.requiredHelp") : t("twoFactor.optionalHelp")}</p>
        {status.enabled ? <p className="text-slate-600">{t("twoFactor.codesLeft", { count: status.recoveryCodesLeft })}</p> : null}
      </section>
      {codes ? (
        <section className="card space-y-3">
          <Notice message={success?.message} />
          <RecoveryCodes codes={codes} />
        </section>
      ) : null}
      {!status.enabled && enrolment ? (
        <section className="card space-y-3">
          <h2 className="font-semibold">{t("twoFactor.enrolTitle")}</h2>
          <EnrolPanel
            qrSvg={enrolment.qrSvg}
            secret={enrolment.secret}
            intent="confirm"
            formError={intent === "confirm" ? failure?.formError : undefined}
            codeError={intent === "confirm" ? failure?.fieldErrors.code : undefined}
          />
        </section>
      ) : null}
      {status.enabled ? (
        <section className="card">
          <h2 className="mb-2 font-semibold">{t("twoFactor.newCodes")}</h2>
          <p className="mb-3 text-sm text-slate-600">{t("twoFactor.newCodesHelp")}</p>
          <Form method="post" className="space-y-3" noValidate>
            <input type="hidden" name="intent" value="recoveryCodes" />
            <FormError message={intent === "recoveryCodes" ? failure?.formError : undefined} />
            <Field
              name="code"
              label={t("twoFactor.code")}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={64}
              required
              error={intent === "recoveryCodes" ? failure?.fieldErrors.code : undefined}
            />
            <SubmitButton className="btn-secondary" pendingText={t("common.saving")}>
              {t("twoFactor.newCodes")}
            </SubmitButton>
          </Form>
        </section>
      ) : null}
      {status.enabled && !status.required ? (
        <section className="card">
          <h2 className="mb-2 font-semibold">{t("twoFactor.disable")}</h2>
          <Form method="post" className="space-y-3" noValidate>
            <input type="hidden" name="intent" value="disable" />
            <FormError message={intent === "disable" ? failure?.formError : undefined} />
            <Field
              name="password"
              type="password"
              autoComplete="current-password"
              label={t("settings.currentPassword")}
              required
              error={intent === "disable" ? failure?.fieldErrors.password : undefined}
            />
            <SubmitButton className="btn-danger" pendingText={t("common.saving")}>
              {t("twoFactor.disable")}
            </SubmitButton>
          </Form>
        </section>
      ) : null}
      {success && intent === "disable" ? <Notice message={success.message} /> : null}
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { StartAgain } from "~/components/auth/sign-in";
import { EnrolPanel, RecoveryCodes } from "~/components/auth/two-factor";
import { useT } from "~/i18n/react";
import { readChallenge } from "~/modules/auth/sign-in-challenge.server";
import { readStepForm, setCookies } from "~/modules/auth/sign-in-step.server";
import { beginEnrolment, completeEnrolment, pendingSignInStep } from "~/modules/auth/two-factor.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("twoFactor.enrolTitle");

/** Staff without a second factor enrol here right after the password, before any session exists. */
export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const step = await pendingSignInStep(request);
  if (step === "/login/two-factor") throw redirect(step);
  // No sign-in in progress; also right after enrolment (the challenge is gone, the codes are on the page).
  if (!step) return json({ enrolment: null });
  const challenge = await readChallenge(request);
  const { secret, qrSvg } = await beginEnrolment(challenge!.user);
  return json({ enrolment: { email: challenge!.user.email, secret, qrSvg } });
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const form = await readStepForm(request, await request.formData());
  if (form instanceof Response) return form;
  if (!("code" in form)) return json(form, { status: 400 });
  const done = await completeEnrolment(request, form.code);
  // The codes are shown once, on this response; the session cookie comes with it.
  return json({ ok: true as const, recoveryCodes: done.recoveryCodes, continueTo: done.redirectTo }, { headers: setCookies(done.cookies) });
});

export default function EnrolStep() {
  const { enrolment } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const failure = data && "ok" in data && data.ok === false ? data : undefined;
  const done = data && "recoveryCodes" in data ? data : undefined;
  return (
    <div className="mx-auto mt-8 max-w-xl">
      <div className="card space-y-4 p-6">
        <h1 className="text-xl font-semibold">{done ? t("twoFactor.enabledTitle") : t("twoFactor.enrolTitle")}</h1>
        {done ? (
          <RecoveryCodes codes={done.recoveryCodes} continueTo={done.continueTo} />
        ) : !enrolment ? (
          <p className="text-sm text-slate-600">
            {t("twoFactor.noSignIn")}{" "}
            <Link to="/login" className="underline">
              {t("login.title")}
            </Link>
          </p>
        ) : (
          <>
            <p className="text-sm text-slate-600">{t("twoFactor.enrolRequired", { email: enrolment.email })}</p>
            <EnrolPanel qrSvg={enrolment.qrSvg} secret={enrolment.secret} formError={failure?.formError} codeError={failure?.fieldErrors.code} />
            <StartAgain />
          </>
        )}
      </div>
    </div>
  );
}

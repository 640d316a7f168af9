import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { SignInCard, StartAgain } from "~/components/auth/sign-in";
import { Field, FormError, SubmitButton } from "~/components/ui/form";
import { useT } from "~/i18n/react";
import { readChallenge } from "~/modules/auth/sign-in-challenge.server";
import { readStepForm, setCookies } from "~/modules/auth/sign-in-step.server";
import { completeSecondFactor, pendingSignInStep } from "~/modules/auth/two-factor.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("twoFactor.title");

/** The sign-in's second step: only a browser holding a live sign-in challenge gets here. */
export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const step = await pendingSignInStep(request);
  if (step !== "/login/two-factor") throw redirect(step ?? "/login");
  const challenge = await readChallenge(request);
  return json({ email: challenge!.user.email });
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const form = await readStepForm(request, await request.formData());
  if (form instanceof Response) return form;
  if (!("code" in form)) return json(form, { status: 400 });
  const done = await completeSecondFactor(request, form.code);
  return redirect(done.redirectTo, { headers: setCookies(done.cookies) });
});

export default function TwoFactorStep() {
  const { email } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const failure = data && "ok" in data && data.ok === false ? data : undefined;
  return (
    <SignInCard title={t("twoFactor.stepTitle")} help={t("twoFactor.stepHelp", { email })}>
      <Form method="post" className="space-y-4" noValidate>
        <FormError message={failure?.formError} />
        <Field
          name="code"
          label={t("twoFactor.code")}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={64}
          required
          autoFocus
          error={failure?.fieldErrors.code}
          help={t("twoFactor.stepCodeHelp")}
        />
        <SubmitButton className="btn-primary w-full" pendingText={t("login.submitting")}>
          {t("twoFactor.verify")}
        </SubmitButton>
      </Form>
      <StartAgain className="mt-4" />
    </SignInCard>
  );
}

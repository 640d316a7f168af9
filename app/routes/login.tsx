import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { SignInCard } from "~/components/auth/sign-in";
import { Field, FormError, SubmitButton } from "~/components/ui/form";
import { useT } from "~/i18n/react";
import { getActor, signIn } from "~/modules/auth/auth.server";
import { pendingSignInStep } from "~/modules/auth/two-factor.server";
import { LoginSchema } from "~/modules/auth/auth.schema.server";
import { parseForm } from "~/utils/http.server";
import { withAction, withLoader } from "~/utils/route";
import { safeRedirectPath } from "~/utils/request.server";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("login.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const redirectTo = safeRedirectPath(new URL(request.url).searchParams.get("redirectTo"));
  if (await getActor(request)) throw redirect(redirectTo);
  // A password already proven: back to the second-factor step (which offers to start again).
  const pending = await pendingSignInStep(request);
  if (pending) throw redirect(pending);
  return json({ redirectTo });
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const form = await parseForm(request, LoginSchema);
  if (!form.ok) return json(form, { status: 400 });
  const result = await signIn(request, form.data);
  return redirect(result.redirectTo, { headers: { "Set-Cookie": result.cookie } });
});

export default function Login() {
  const { redirectTo } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const failure = data && "ok" in data && data.ok === false ? data : undefined;
  return (
    <SignInCard title={t("login.title")} help={t("login.subtitle")}>
      <Form method="post" className="space-y-4" noValidate>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <FormError message={failure?.formError} />
        <Field
          name="email"
          type="email"
          autoComplete="username"
          label={t("login.email")}
          required
          defaultValue={String(failure?.values.email ?? "")}
          error={failure?.fieldErrors.email}
        />
        <Field name="password" type="password" autoComplete="current-password" label={t("login.password")} required error={failure?.fieldErrors.password} />
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" name="keepSignedIn" className="mt-1" defaultChecked={failure?.values.keepSignedIn === "on"} />
          <span>
            {t("login.keepSignedIn")}
            <span className="block text-xs text-slate-500">{t("login.keepSignedInHelp")}</span>
          </span>
        </label>
        <SubmitButton className="btn-primary w-full" pendingText={t("login.submitting")}>
          {t("login.submit")}
        </SubmitButton>
      </Form>
      <p className="mt-4 text-xs text-slate-500">{t("login.demoHint")}</p>
    </SignInCard>
  );
}

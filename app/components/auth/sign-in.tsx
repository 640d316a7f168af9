/** The frame shared by the sign-in steps: the password (/login) and the second factor (/login/two-factor, /login/enrol). */
import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { useT } from "~/i18n/react";

/** A narrow card: the step's title, what to do, then the step's forms. */
export function SignInCard({ title, help, children }: { title: string; help: string; children: ReactNode }) {
  return (
    <div className="mx-auto mt-12 max-w-sm">
      <div className="card p-6">
        <h1 className="text-xl font-semibold">{title}</h1>
        <p className="mb-4 text-sm text-slate-500">{help}</p>
        {children}
      </div>
    </div>
  );
}

/** Ends the sign-in in progress (the step's action reads intent=cancel) and goes back to the password. */
export function StartAgain({ className }: { className?: string }) {
  const t = useT();
  return (
    <Form method="post" className={className}>
      <button type="submit" name="intent" value="cancel" className="text-sm text-slate-600 underline">
        {t("twoFactor.startAgain")}
      </button>
    </Form>
  );
}

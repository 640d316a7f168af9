/** The pieces of the second-factor pages: enrolment (QR code and secret) and the recovery codes. */
import { Form } from "@remix-run/react";
import { Link } from "~/components/link";
import { Field, FormError, SubmitButton } from "~/components/ui/form";
import { useT } from "~/i18n/react";

/** Step 1: scan the QR code (an inline SVG made on the server) or type the secret; step 2: confirm with a code. */
export function EnrolPanel({
  qrSvg,
  secret,
  formError,
  codeError,
  intent,
}: {
  qrSvg: string;
  secret: string;
  formError?: string;
  codeError?: string;
  intent?: string;
}) {
  const t = useT();
  return (
    <div className="space-y-4">
      <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-700">
        <li>{t("twoFactor.enrolStep1")}</li>
        <li>{t("twoFactor.enrolStep2")}</li>
      </ol>
      <div className="flex flex-col items-center gap-3 sm:flex-row sm:items-start">
        <figure className="w-48 shrink-0 rounded border border-slate-200 bg-white p-1" aria-label={t("twoFactor.qrLabel")} role="img">
          {/* The SVG is made on the server from our own otpauth URI (qrcode library): no user input in it. */}
          <div className="[&>svg]:h-auto [&>svg]:w-full" dangerouslySetInnerHTML={{ __html: qrSvg }} />
        </figure>
        <div className="min-w-0 text-sm">
          <p className="text-slate-500">{t("twoFactor.manualEntry")}</p>
          <p className="mt-1 break-all rounded bg-slate-100 px-2 py-1 font-mono text-base tracking-wider" data-testid="totp-secret" translate="no">
            {secret.match(/.{1,4}/g)!.join(" ")}
          </p>
          <p className="mt-1 text-xs text-slate-500">{t("twoFactor.manualEntryHelp")}</p>
        </div>
      </div>
      <Form method="post" className="space-y-3" noValidate>
        {intent ? <input type="hidden" name="intent" value={intent} /> : null}
        <FormError message={formError} />
        <Field
          name="code"
          label={t("twoFactor.code")}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={64}
          required
          error={codeError}
          help={t("twoFactor.codeHelp")}
        />
        <SubmitButton className="btn-primary" pendingText={t("common.saving")}>
          {t("twoFactor.confirm")}
        </SubmitButton>
      </Form>
    </div>
  );
}

/** The ten recovery codes, shown once. */
export function RecoveryCodes({ codes, continueTo }: { codes: string[]; continueTo?: string }) {
  const t = useT();
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700">{t("twoFactor.recoveryIntro")}</p>
      <ul
        className="grid grid-cols-1 gap-1 rounded border border-amber-200 bg-amber-50 p-3 font-mono text-sm sm:grid-cols-2"
        data-testid="recovery-codes"
        translate="no"
      >
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <p className="text-xs text-slate-500">{t("twoFactor.recoveryOnce")}</p>
      {continueTo ? (
        <Link to={continueTo} className="btn-primary inline-block" reloadDocument>
          {t("twoFactor.continue")}
        </Link>
      ) : null}
    </div>
  );
}

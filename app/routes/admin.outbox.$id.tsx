import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { OutboxStatusBadge, useOutboxKindLabel } from "~/components/notifications";
import { FormError, Notice, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { translate } from "~/i18n";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { getOutboxEmail, outboxDelivery, retryOutboxEmail } from "~/modules/notifications/outbox.server";
import { withAction, withLoader } from "~/utils/route";
import { idParam } from "~/utils/params.server";
import { pageMeta } from "~/utils/meta";

// Titled by number: the subject is in the recipient's language, which a tab title cannot mark.
export const meta = pageMeta<typeof loader>("outbox.email", ({ email }) => `#${email.id}`);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "outbox:read");
  const email = await getOutboxEmail(actor, idParam(params.id));
  return json({ email, delivery: outboxDelivery() });
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "outbox:read");
  await retryOutboxEmail(actor, idParam(params.id));
  return json({ ok: true as const, message: translate(actor.locale, "outbox.retried") });
});

export default function OutboxEmail() {
  const { email, delivery } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const kindLabel = useOutboxKindLabel();
  const f = useFormat();
  const rows: [string, React.ReactNode][] = [
    [t("outbox.detail.from"), delivery.mailFrom],
    [t("outbox.col.to"), email.to_address],
    [
      t("outbox.col.subject"),
      <span key="s" lang={email.locale}>
        {email.subject}
      </span>,
    ],
    [t("common.status"), <OutboxStatusBadge key="s" status={email.status} />],
    [t("outbox.kind"), kindLabel(email.kind)],
    [t("outbox.detail.locale"), t(`lang.${email.locale}` as "lang.en")],
    [t("outbox.col.created"), f.dateTime(email.created_at)],
    [t("outbox.col.attempts"), String(email.attempts)],
    [t("outbox.col.nextAttempt"), email.status === "pending" ? f.dateTime(email.next_attempt_at) : "—"],
    [t("outbox.col.sentAt"), f.dateTime(email.sent_at)],
    [
      t("outbox.detail.dedupeKey"),
      <code key="d" className="break-all text-xs">
        {email.dedupe_key}
      </code>,
    ],
  ];
  return (
    <div className="space-y-4">
      <PageHeader title={email.subject} titleLang={email.locale} crumbs={[{ label: t("outbox.title"), to: "/admin/outbox" }, { label: `#${email.id}` }]} />
      <FormError message={data && data.ok === false ? data.formError : undefined} />
      <Notice message={data && data.ok === true ? data.message : undefined} />
      <div className="grid gap-4 lg:grid-cols-3">
        <section className="card lg:col-span-1">
          <dl className="grid grid-cols-3 gap-2 text-sm" data-testid="email-meta">
            {rows.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-slate-500">{k}</dt>
                <dd className="col-span-2 break-words">{v}</dd>
              </div>
            ))}
          </dl>
          {email.last_error ? (
            <div className="mt-4">
              <h2 className="text-sm font-semibold">{t("outbox.col.lastError")}</h2>
              <pre className="mt-1 whitespace-pre-wrap break-words rounded bg-red-50 p-2 text-xs text-red-800" data-testid="last-error">
                {email.last_error}
              </pre>
            </div>
          ) : null}
          {Object.keys(email.headers).length ? (
            <div className="mt-4">
              <h2 className="text-sm font-semibold">{t("outbox.detail.headers")}</h2>
              <dl className="mt-1 space-y-1 text-xs" data-testid="email-headers" translate="no">
                {Object.entries(email.headers).map(([k, v]) => (
                  <div key={k}>
                    <dt className="font-mono text-slate-500">{k}:</dt>
                    <dd className="break-all font-mono">{v}</dd>
                  </div>
                ))}
              </dl>
            </div>
          ) : null}
          {email.status === "failed" ? (
            <Form method="post" className="mt-4">
              <SubmitButton className="btn-secondary" pendingText={t("common.submitting")}>
                {t("outbox.retry")}
              </SubmitButton>
            </Form>
          ) : null}
        </section>
        <section className="card space-y-2 lg:col-span-2">
          <h2 className="text-sm font-semibold">{t("outbox.detail.html")}</h2>
          {/* sandbox="" : no scripts, no forms, no navigation, a unique origin; srcdoc keeps it on this page's CSP. */}
          <iframe
            title={t("outbox.previewTitle")}
            sandbox=""
            srcDoc={email.html}
            className="h-[640px] w-full rounded border border-slate-200 bg-white"
            data-testid="email-html"
          />
          <h2 className="pt-2 text-sm font-semibold">{t("outbox.detail.text")}</h2>
          <pre className="max-h-96 overflow-auto whitespace-pre-wrap rounded bg-slate-50 p-3 text-xs" data-testid="email-text" lang={email.locale} tabIndex={0}>
            {email.text_body}
          </pre>
        </section>
      </div>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

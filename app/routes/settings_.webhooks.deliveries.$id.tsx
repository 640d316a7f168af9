import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ListTable, Th, ListEmpty } from "~/components/list";
import { FormError, Notice, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { Fact, Facts, Section } from "~/components/ui/record";
import { DeliveryStatusBadge, useWebhookEventLabel } from "~/components/webhooks";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { getDelivery, resendDelivery } from "~/modules/webhooks/webhooks.server";
import { intentAction } from "~/utils/intent.server";
import { pageMeta } from "~/utils/meta";
import { idParam } from "~/utils/params.server";
import { withAction, withLoader } from "~/utils/route";

export const meta = pageMeta<typeof loader>("webhooks.title", ({ delivery }) => `#${delivery.id}`);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "webhook:manage");
  return json(await getDelivery(actor, idParam(params.id)));
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "webhook:manage");
  const id = idParam(params.id);
  return intentAction(request, {
    resend: async (ctx) => {
      await resendDelivery(actor, id);
      return ctx.done("webhooks.resent");
    },
  });
});

/** The body as sent, indented for reading (the stored text is what was signed). */
function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export default function WebhookDelivery() {
  const { delivery: d, attempts } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const f = useFormat();
  const label = useWebhookEventLabel();
  return (
    <div className="max-w-6xl space-y-6">
      <PageHeader
        title={t("webhooks.delivery", { id: d.id })}
        crumbs={[
          { label: t("settings.title"), to: "/settings" },
          { label: t("webhooks.title"), to: "/settings/webhooks" },
          { label: `#${d.endpoint_id}`, to: `/settings/webhooks/${d.endpoint_id}` },
          { label: `${d.id}` },
        ]}
        actions={
          d.status !== "pending" ? (
            <Form method="post">
              <SubmitButton className="btn-secondary" name="intent" value="resend" pendingText={t("common.saving")}>
                {t("webhooks.resend")}
              </SubmitButton>
            </Form>
          ) : null
        }
      />
      {result && "ok" in result && result.ok ? <Notice message={result.message} /> : null}
      <FormError message={result && !result.ok && "formError" in result ? result.formError : undefined} />
      <Facts testId="delivery-facts">
        <Fact label={t("webhooks.col.event")}>{label(d.event_type)}</Fact>
        <Fact label={t("webhooks.status")}>
          <DeliveryStatusBadge status={d.status} />
        </Fact>
        <Fact label={t("webhooks.col.attempts")}>{d.attempts}</Fact>
        <Fact label={t("webhooks.col.time")}>{f.dateTime(d.created_at)}</Fact>
        <Fact label={t("webhooks.col.nextAttempt")}>{d.status === "pending" ? f.dateTime(d.next_attempt_at) : "—"}</Fact>
        <Fact label={t("webhooks.eventId")} className="break-all font-mono text-xs">
          <span translate="no">{d.event_id}</span>
        </Fact>
        <Fact label={t("webhooks.url")} wide className="break-all">
          {d.url}
        </Fact>
      </Facts>
      <Section title={t("webhooks.attempts")} id="attempts">
        <ListTable
          bare
          testId="webhook-attempts"
          empty={attempts.length === 0 && <ListEmpty message={t("webhooks.attemptsEmpty")} />}
          head={
            <>
              <Th>#</Th>
              <Th>{t("webhooks.col.time")}</Th>
              <Th>{t("webhooks.col.statusCode")}</Th>
              <Th>{t("webhooks.col.duration")}</Th>
              <Th>{t("webhooks.col.response")}</Th>
            </>
          }
        >
          {attempts.map((a) => (
            <tr key={a.attempt_no}>
              <td>{a.attempt_no}</td>
              <td>{f.dateTime(a.started_at)}</td>
              <td>{a.status_code ?? t("webhooks.noResponse")}</td>
              <td>{t("webhooks.ms", { n: a.duration_ms })}</td>
              <td className="wrap max-w-md break-all font-mono text-xs" translate="no">
                {a.response_excerpt || a.error || ""}
              </td>
            </tr>
          ))}
        </ListTable>
      </Section>
      <Section title={t("webhooks.payload")} id="payload">
        <pre className="max-h-96 overflow-auto rounded bg-slate-50 p-3 text-xs" translate="no" tabIndex={0}>
          {pretty(d.body)}
        </pre>
      </Section>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { FilterBar, FilterSelect } from "~/components/filters";
import { IntentForm } from "~/components/intent-form";
import { useIntentResult } from "~/components/intent-result";
import { Link } from "~/components/link";
import { ListTable, Th, ListEmpty } from "~/components/list";
import { Field, FormError, Notice, SelectField, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { Fact, Facts, Section } from "~/components/ui/record";
import { DeliveryStatusBadge, EndpointStatusBadge, EventChoices, eventsError, SecretHint, SecretOnce, useWebhookEventLabel } from "~/components/webhooks";
import { translate } from "~/i18n";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_ENDPOINT_STATUSES } from "~/modules/webhooks/webhooks.schema";
import { DeliveryIdSchema, DeliveryListQuery, UpdateEndpointSchema } from "~/modules/webhooks/webhooks.schema.server";
import { deleteEndpoint, getEndpointPage, resendDelivery, rotateSecret, updateEndpoint } from "~/modules/webhooks/webhooks.server";
import { parseQuery } from "~/utils/http.server";
import { badIntent, intentAction } from "~/utils/intent.server";
import { pageMeta } from "~/utils/meta";
import { idParam } from "~/utils/params.server";
import { withAction, withLoader } from "~/utils/route";

export const meta = pageMeta("webhooks.title");

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "webhook:manage");
  const id = idParam(params.id);
  const query = parseQuery(request, DeliveryListQuery);
  return json({ ...(await getEndpointPage(actor, id, query)), query });
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "webhook:manage");
  const id = idParam(params.id);
  return intentAction(request, {
    update: (ctx) => ctx.submit(UpdateEndpointSchema, (data) => updateEndpoint(actor, id, data), "webhooks.updated"),
    rotate: async (ctx) => {
      const { secret } = await rotateSecret(actor, id);
      return json({ ok: true as const, intent: ctx.intent, message: translate(actor.locale, "webhooks.rotated"), secret });
    },
    delete: async () => {
      await deleteEndpoint(actor, id);
      return redirect("/settings/webhooks");
    },
    resend: async (ctx) => {
      const p = DeliveryIdSchema.safeParse({ deliveryId: ctx.form.get("deliveryId") });
      if (!p.success) badIntent(request);
      await resendDelivery(actor, p.data.deliveryId);
      return ctx.done("webhooks.resent");
    },
  });
});

export default function WebhookEndpoint() {
  const { endpoint: e, deliveries, query } = useLoaderData<typeof loader>();
  const result = useIntentResult();
  const secret = (useActionData<typeof action>() as { secret?: string } | undefined)?.secret;
  const t = useT();
  const f = useFormat();
  const label = useWebhookEventLabel();
  const errors = result.errors("update");
  const values = result.values("update");
  const chosen =
    result.failure?.intent === "update"
      ? Array.isArray(values.events)
        ? (values.events as string[])
        : typeof values.events === "string"
          ? [values.events]
          : []
      : e.events;
  return (
    <div className="max-w-6xl space-y-6">
      <PageHeader
        title={e.description || t("webhooks.title")}
        crumbs={[{ label: t("settings.title"), to: "/settings" }, { label: t("webhooks.title"), to: "/settings/webhooks" }, { label: `#${e.id}` }]}
      />
      <Notice message={result.done} />
      {secret ? <SecretOnce secret={secret} /> : null}
      <FormError message={result.pageError({ update: true })} />
      {e.paused_reason === "failing" && e.status === "paused" ? (
        <p role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {t("webhooks.pausedFailing")}
        </p>
      ) : null}
      <Facts testId="endpoint-facts">
        <Fact label={t("webhooks.url")} wide className="break-all">
          {e.url}
        </Fact>
        <Fact label={t("webhooks.status")}>
          <EndpointStatusBadge status={e.status} />
        </Fact>
        <Fact label={t("webhooks.dealer")}>
          {e.dealer_code} {e.dealer_name}
        </Fact>
        <Fact label={t("webhooks.secret")} className="text-xs">
          <SecretHint hint={e.secret_hint} />
        </Fact>
        <Fact label={t("webhooks.events")} wide>
          {e.events.map((ev) => label(ev)).join(" · ")}
        </Fact>
      </Facts>

      <Section title={t("webhooks.deliveries")} id="deliveries">
        <FilterBar resetTo={`/settings/webhooks/${e.id}`} className="mb-3 sm:grid-cols-4">
          <FilterSelect
            name="status"
            label={t("webhooks.status")}
            defaultValue={query.status}
            all
            options={WEBHOOK_DELIVERY_STATUSES.map((s) => ({ value: s, label: t(`webhooks.deliveryStatus.${s}`) }))}
          />
        </FilterBar>
        <ListTable
          pager={deliveries}
          bare
          testId="webhook-deliveries"
          empty={deliveries.rows.length === 0 && <ListEmpty message={t("webhooks.deliveriesEmpty")} />}
          head={
            <>
              <Th>{t("webhooks.col.event")}</Th>
              <Th>{t("webhooks.col.time")}</Th>
              <Th>{t("webhooks.status")}</Th>
              <Th>{t("webhooks.col.attempts")}</Th>
              <Th>{t("webhooks.col.lastStatus")}</Th>
              <Th>{t("webhooks.col.response")}</Th>
              <Th>
                <span className="sr-only">{t("webhooks.resend")}</span>
              </Th>
            </>
          }
        >
          {deliveries.rows.map((d) => (
            <tr key={d.id}>
              <td className="wrap">
                <Link className="link" to={`/settings/webhooks/deliveries/${d.id}`}>
                  {label(d.event_type)}
                </Link>
                <div className="font-mono text-xs text-slate-500" translate="no">
                  {d.event_id}
                </div>
              </td>
              <td>{f.dateTime(d.created_at)}</td>
              <td>
                <DeliveryStatusBadge status={d.status} />
              </td>
              <td>{d.attempts}</td>
              <td>{d.last_status_code ?? (d.last_error ? t("webhooks.noResponse") : "—")}</td>
              <td className="wrap max-w-xs break-all font-mono text-xs" translate="no">
                {(d.last_response_excerpt ?? d.last_error ?? "").slice(0, 200)}
              </td>
              <td>
                {d.status !== "pending" ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="resend" />
                    <SubmitButton className="btn-secondary" name="deliveryId" value={String(d.id)} pendingText={t("common.saving")}>
                      {t("webhooks.resend")}
                    </SubmitButton>
                  </Form>
                ) : null}
              </td>
            </tr>
          ))}
        </ListTable>
      </Section>

      <Section title={t("webhooks.edit")} id="endpoint-settings">
        <IntentForm intent="update" className="space-y-4">
          <Field
            id="edit-url"
            name="url"
            type="url"
            inputMode="url"
            label={t("webhooks.url")}
            help={t("webhooks.urlHelp")}
            defaultValue={String(values.url ?? e.url)}
            error={errors.url}
            maxLength={2000}
            required
          />
          <Field
            id="edit-description"
            name="description"
            label={t("webhooks.description")}
            defaultValue={String(values.description ?? e.description)}
            error={errors.description}
            maxLength={120}
          />
          <EventChoices idPrefix="edit" chosen={chosen} error={eventsError(errors)} />
          <SelectField
            id="edit-status"
            name="status"
            label={t("webhooks.status")}
            defaultValue={String(values.status ?? e.status)}
            options={WEBHOOK_ENDPOINT_STATUSES.map((s) => ({ value: s, label: t(`webhooks.status.${s}`) }))}
            error={errors.status}
          />
          <SubmitButton pendingText={t("common.saving")}>{t("common.save")}</SubmitButton>
        </IntentForm>
        <div className="mt-6 grid gap-4 border-t border-slate-100 pt-4 sm:grid-cols-2">
          <Form method="post" className="space-y-2">
            <p className="text-sm text-slate-600">{t("webhooks.rotateHelp")}</p>
            <SubmitButton className="btn-secondary" name="intent" value="rotate">
              {t("webhooks.rotate")}
            </SubmitButton>
          </Form>
          <Form method="post" className="space-y-2">
            <p className="text-sm text-slate-600">{t("webhooks.deleteHelp")}</p>
            <SubmitButton className="btn-secondary" name="intent" value="delete">
              {t("webhooks.delete")}
            </SubmitButton>
          </Form>
        </div>
      </Section>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { ListTable, Th, ListEmpty } from "~/components/list";
import { Field, FormError, Notice, SelectField, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { Section } from "~/components/ui/record";
import { EndpointStatusBadge, EventChoices, eventsError, SecretHint, SecretOnce, useWebhookEventLabel } from "~/components/webhooks";
import { translate } from "~/i18n";
import { useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { CreateEndpointSchema } from "~/modules/webhooks/webhooks.schema.server";
import { createEndpoint, webhooksPage } from "~/modules/webhooks/webhooks.server";
import { parseForm } from "~/utils/http.server";
import { intentAction } from "~/utils/intent.server";
import { pageMeta } from "~/utils/meta";
import { withAction, withLoader } from "~/utils/route";

export const meta = pageMeta("webhooks.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "webhook:manage");
  return json(await webhooksPage(actor));
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "webhook:manage");
  return intentAction(request, {
    create: async (ctx) => {
      const form = await parseForm(request, CreateEndpointSchema, ctx.form);
      if (!form.ok) return ctx.fail(form);
      const { id, secret } = await createEndpoint(actor, form.data);
      return json({ ok: true as const, intent: ctx.intent, message: translate(actor.locale, "webhooks.created"), secret, id });
    },
  });
});

type Result = {
  ok: boolean;
  message?: string;
  secret?: string;
  id?: number;
  formError?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, unknown>;
};

export default function Webhooks() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const t = useT();
  const label = useWebhookEventLabel();
  const failure = result && !result.ok ? result : undefined;
  const errors = failure?.fieldErrors ?? {};
  const values = failure?.values ?? {};
  const chosen = Array.isArray(values.events) ? (values.events as string[]) : typeof values.events === "string" ? [values.events] : [];
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeader title={t("webhooks.title")} crumbs={[{ label: t("settings.title"), to: "/settings" }, { label: t("webhooks.title") }]} />
      <p className="text-sm text-slate-600">{t("webhooks.intro")}</p>
      {result?.ok ? (
        <div className="space-y-2">
          <Notice message={result.message} />
          {result.secret ? <SecretOnce secret={result.secret} /> : null}
          {result.id ? (
            <Link className="link text-sm" to={`/settings/webhooks/${result.id}`}>
              {t("webhooks.open")}
            </Link>
          ) : null}
        </div>
      ) : null}
      <ListTable
        testId="webhook-endpoints"
        empty={data.endpoints.length === 0 && <ListEmpty message={t("webhooks.empty")} />}
        head={
          <>
            <Th>{t("webhooks.url")}</Th>
            {data.chooseDealer ? <Th>{t("webhooks.dealer")}</Th> : null}
            <Th>{t("webhooks.events")}</Th>
            <Th>{t("webhooks.status")}</Th>
            <Th>{t("webhooks.secret")}</Th>
          </>
        }
      >
        {data.endpoints.map((e) => (
          <tr key={e.id}>
            <td className="wrap">
              <Link className="link break-all" to={`/settings/webhooks/${e.id}`}>
                {e.url}
              </Link>
              {e.description ? <div className="text-xs text-slate-500">{e.description}</div> : null}
            </td>
            {data.chooseDealer ? (
              <td className="wrap">
                {e.dealer_code} {e.dealer_name}
              </td>
            ) : null}
            <td className="wrap text-xs">{e.events.map((ev) => label(ev)).join(" · ")}</td>
            <td>
              <EndpointStatusBadge status={e.status} />
            </td>
            <td className="text-xs">
              <SecretHint hint={e.secret_hint} />
            </td>
          </tr>
        ))}
      </ListTable>
      <Section title={t("webhooks.new")} id="new-endpoint">
        <Form method="post" className="space-y-4" noValidate key={result?.ok ? `ok-${result.id}` : "new"}>
          <input type="hidden" name="intent" value="create" />
          <FormError message={failure?.formError} />
          {data.chooseDealer ? (
            <SelectField
              id="new-dealer"
              name="dealerId"
              label={t("webhooks.dealer")}
              includeEmpty="—"
              defaultValue={String(values.dealerId ?? "")}
              options={data.dealers.map((d) => ({ value: d.id, label: `${d.code} ${d.name}` }))}
              error={errors.dealerId}
              required
            />
          ) : null}
          <Field
            id="new-url"
            name="url"
            type="url"
            inputMode="url"
            label={t("webhooks.url")}
            help={t("webhooks.urlHelp")}
            defaultValue={String(values.url ?? "")}
            error={errors.url}
            maxLength={2000}
            required
          />
          <Field
            id="new-description"
            name="description"
            label={t("webhooks.description")}
            help={t("webhooks.descriptionHelp")}
            defaultValue={String(values.description ?? "")}
            error={errors.description}
            maxLength={120}
          />
          <EventChoices idPrefix="new" chosen={failure ? chosen : []} error={eventsError(errors)} />
          <SubmitButton pendingText={t("common.saving")}>{t("webhooks.add")}</SubmitButton>
        </Form>
      </Section>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

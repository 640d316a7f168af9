import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { Field, FormError, Notice, SubmitButton } from "~/components/ui/form";
import { Badge, PageHeader } from "~/components/ui/layout";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { can } from "~/modules/auth/actor";
import { requireActor } from "~/modules/auth/auth.server";
import { AcceptLeadSchema, DeclineLeadSchema } from "~/modules/deals/deals.schema.server";
import { today } from "~/modules/deals/deals.server";
import { acceptLead, declineLead, getLead } from "~/modules/deals/key-accounts.server";
import { parseForm } from "~/utils/http.server";
import { intentAction } from "~/utils/intent.server";
import { idParam } from "~/utils/params.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { useIntentResult } from "~/components/intent-result";
import { IntentForm } from "~/components/intent-form";

export const meta = pageMeta<typeof loader>("leads.title", ({ lead }) => lead.key_account_name);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "deal:read");
  const lead = await getLead(actor, idParam(params.id));
  return json({ lead, canRespond: can(actor, "lead:respond") && lead.status === "offered", isDealer: actor.dealerId !== null, today: today() });
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "deal:read");
  const id = idParam(params.id);
  return intentAction(request, {
    accept: async (ctx) => {
      const form = await parseForm(request, AcceptLeadSchema, ctx.form);
      if (!form.ok) return ctx.fail(form);
      const { dealId } = await acceptLead(actor, id, form.data);
      return redirect(`/deals/${dealId}`);
    },
    decline: (ctx) => ctx.submit(DeclineLeadSchema, (data) => declineLead(actor, id, data.reason), "leads.declined"),
  });
});

export default function LeadPage() {
  const { lead, canRespond, isDealer, today } = useLoaderData<typeof loader>();
  const result = useIntentResult();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  return (
    <div className="max-w-2xl space-y-4">
      <PageHeader title={`${t("leads.title")} · ${lead.key_account_name}`} crumbs={[{ label: t("deals.title"), to: "/deals" }, { label: t("leads.title") }]} />
      <FormError message={result.pageError({ accept: canRespond, decline: canRespond })} />
      <Notice message={result.done} />
      <dl className="card grid grid-cols-3 gap-2 text-sm">
        <dt className="text-slate-500">{t("common.status")}</dt>
        <dd className="col-span-2">
          <Badge tone={lead.status === "offered" ? "amber" : lead.status === "accepted" ? "green" : "slate"}>
            {t(`leads.status.${lead.status}` as "leads.status.offered")}
          </Badge>
        </dd>
        <dt className="text-slate-500">{t("deals.keyAccount")}</dt>
        <dd className="col-span-2">
          {lead.key_account_name} · {t(`keyAccounts.industry.${lead.key_account_industry}` as "keyAccounts.industry.other")}
          {lead.key_account_region ? ` · ${t(`region.${lead.key_account_region}` as "region.east")}` : ""}
        </dd>
        <dt className="text-slate-500">{t("leads.productLine")}</dt>
        <dd className="col-span-2">{(locale === "en" ? lead.line_name_en : lead.line_name_zh) ?? lead.product_line_code}</dd>
        <dt className="text-slate-500">{t("deals.value")}</dt>
        <dd className="col-span-2">{f.money(lead.estimated_value_minor, lead.currency)}</dd>
        {!isDealer ? (
          <>
            <dt className="text-slate-500">{t("deals.dealer")}</dt>
            <dd className="col-span-2">
              {lead.dealer_code} · {lead.dealer_name}
            </dd>
          </>
        ) : null}
        <dt className="text-slate-500">{t("deals.accountManager")}</dt>
        <dd className="col-span-2">
          {lead.account_manager_name} · {f.dateTime(lead.created_at)}
        </dd>
        {lead.note ? (
          <>
            <dt className="text-slate-500">{t("leads.note")}</dt>
            <dd className="col-span-2 whitespace-pre-line">{lead.note}</dd>
          </>
        ) : null}
        {lead.decline_reason ? (
          <>
            <dt className="text-slate-500">{t("leads.declineReason")}</dt>
            <dd className="col-span-2">{lead.decline_reason}</dd>
          </>
        ) : null}
        {lead.deal_id ? (
          <dd className="col-span-3">
            <Link className="link" to={`/deals/${lead.deal_id}`}>
              {t("leads.openDeal")}
            </Link>
          </dd>
        ) : null}
      </dl>
      {canRespond ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <IntentForm intent="accept" className="card space-y-3">
            <Field {...result.field("accept", "title")} label={t("deals.dealTitle")} maxLength={200} />
            <Field {...result.field("accept", "expectedCloseDate")} type="date" min={today} label={t("deals.expectedClose")} />
            <SubmitButton>{t("leads.accept")}</SubmitButton>
          </IntentForm>
          <IntentForm intent="decline" className="card space-y-3">
            <Field {...result.field("decline", "reason")} label={t("leads.declineReason")} maxLength={2000} />
            <SubmitButton className="btn-danger">{t("leads.decline")}</SubmitButton>
          </IntentForm>
        </div>
      ) : null}
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

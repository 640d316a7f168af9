import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { Amount, DisputedEntryDescription, DisputeStatus, EntryType } from "~/components/ledger";
import { Field, FormError, Notice, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { translate } from "~/i18n";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { getDispute, resolveDispute } from "~/modules/statements/statements.server";
import { ResolveSchema } from "~/modules/statements/statements.schema.server";
import { parseForm } from "~/utils/http.server";
import { withAction, withLoader } from "~/utils/route";
import { idParam } from "~/utils/params.server";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta<typeof loader>("disputes.dispute", ({ dispute }) => `#${dispute.id}`);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "dispute:resolve");
  return json(await getDispute(actor, idParam(params.id)));
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "dispute:resolve");
  const form = await parseForm(request, ResolveSchema);
  if (!form.ok) return json(form, { status: 400 });
  const r = await resolveDispute(actor, idParam(params.id), form.data);
  return json({
    ok: true as const,
    message: r.status === "accepted" ? translate(actor.locale, "disputes.accepted", { id: r.entryId ?? "" }) : translate(actor.locale, "disputes.rejected"),
  });
});

export default function DisputeDetail() {
  const { dispute: d, adjustment } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const f = useFormat();
  const failure = data && data.ok === false ? data : undefined;
  const row = (label: string, value: React.ReactNode) => (
    <>
      <dt className="text-slate-500">{label}</dt>
      <dd className="sm:col-span-2">{value}</dd>
    </>
  );
  return (
    <div className="max-w-3xl space-y-4">
      <PageHeader title={t("disputes.detailTitle", { id: d.id })} crumbs={[{ label: t("disputes.title"), to: "/finance/disputes" }, { label: `#${d.id}` }]} />
      <Notice message={data && data.ok ? data.message : undefined} />
      <dl className="card grid gap-2 text-sm sm:grid-cols-3" data-testid="dispute-detail">
        {row(t("common.status"), <DisputeStatus status={d.status} />)}
        {row(t("ledger.dealer"), `${d.dealer_code} · ${d.dealer_name}`)}
        {row(
          t("statements.period"),
          <Link className="link" to={`/statements/${d.statement_id}`}>
            {d.period} · {t("statements.line")} {d.line_no}
          </Link>,
        )}
        {row(
          t("ledger.entry", { id: d.entry_id }),
          <span>
            <EntryType type={d.entry_type} /> · {f.date(d.entry_date)} · <DisputedEntryDescription d={d} />
            {d.order_number ? (
              <>
                {" "}
                ·{" "}
                <Link className="link" to={`/orders/${encodeURIComponent(d.order_number)}`}>
                  {t("ledger.order")} {d.order_number}
                </Link>
              </>
            ) : null}
            {d.shipment_number ? ` · ${t("ledger.shipment")} ${d.shipment_number}` : ""}
            {d.entry_reference ? ` · ${d.entry_reference}` : ""}
          </span>,
        )}
        {row(t("disputes.lineAmount"), <Amount minor={d.line_amount_minor} currency={d.currency} />)}
        {row(t("disputes.amount"), <Amount minor={d.amount_minor} currency={d.currency} className="font-semibold" />)}
        {row(t("statements.reason"), t(`statements.reason.${d.reason_code}` as "statements.reason.other"))}
        {row(t("statements.comment"), d.comment ?? "—")}
        {row(t("disputes.age"), t("disputes.openedBy", { name: d.created_by_name ?? "—", date: f.dateTime(d.created_at) }))}
        {d.resolved_at
          ? row(
              t("disputes.note"),
              <>
                {d.resolution_note ?? "—"}{" "}
                <span className="text-slate-500">({t("disputes.resolvedBy", { name: d.resolved_by_name ?? "—", date: f.dateTime(d.resolved_at) })})</span>
              </>,
            )
          : null}
        {adjustment
          ? row(
              t("disputes.adjustment"),
              <Link className="link" to={`/finance/ledger/entries/${adjustment.id}`}>
                #{adjustment.id} · <EntryType type={adjustment.entry_type} /> · <Amount minor={adjustment.amount_minor} currency={d.currency} /> ·{" "}
                {f.date(adjustment.business_date)}
              </Link>,
            )
          : null}
      </dl>
      {d.status === "open" ? (
        <Form method="post" className="card space-y-3" noValidate>
          <FormError message={failure?.formError} />
          <input type="hidden" name="version" value={d.version} />
          <p className="text-sm text-slate-600">{t("disputes.acceptHelp", { amount: f.money(d.amount_minor, d.currency) })}</p>
          <Field
            name="note"
            label={t("disputes.explanation")}
            defaultValue={String(failure?.values.note ?? "")}
            error={failure?.fieldErrors.note}
            maxLength={2000}
          />
          <div className="flex flex-wrap gap-2">
            <SubmitButton name="decision" value="accept" pendingText={t("common.submitting")}>
              {t("disputes.accept")}
            </SubmitButton>
            <SubmitButton name="decision" value="reject" className="btn-danger" pendingText={t("common.submitting")}>
              {t("disputes.reject")}
            </SubmitButton>
          </div>
        </Form>
      ) : null}
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

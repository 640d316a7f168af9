import { localeOf } from "~/utils/request.server";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Link } from "~/components/link";
import { AgingSummary, CreditSummary } from "~/components/ledger";
import { EntriesTable, LedgerFilters } from "~/components/ledger-table";
import { CsvLink, ListEmpty } from "~/components/list";
import { Field, FormError, Notice, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { translate } from "~/i18n";
import { useT } from "~/i18n/react";
import { can } from "~/modules/auth/actor";
import { requireActor } from "~/modules/auth/auth.server";
import { dealerAging } from "~/modules/ledger/aging.server";
import { LEDGER_CSV_HEADER, dealerSummary, exportEntries, listEntries, setCreditLimit } from "~/modules/ledger/ledger.server";
import { CreditLimitSchema, LedgerListQuery } from "~/modules/ledger/ledger.schema.server";
import { csvResponse, parseForm, parseQuery } from "~/utils/http.server";
import { withAction, withLoader } from "~/utils/route";
import { minorToDecimal } from "~/utils/money";
import { idParam } from "~/utils/params.server";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta<typeof loader>("ledger.title", ({ dealer }) => `${dealer.code} ${dealer.name}`);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "ledger:post");
  const dealerId = idParam(params.dealerId);
  const query = { ...parseQuery(request, LedgerListQuery), dealerId };
  const summary = await dealerSummary(actor, dealerId);
  if (query.format === "csv") return csvResponse(`ledger-${summary.dealer.code}.csv`, LEDGER_CSV_HEADER, exportEntries(actor, query, localeOf(request)));
  const [list, aging] = await Promise.all([listEntries(actor, query), dealerAging(actor, dealerId)]);
  return json({ ...list, ...summary, aging, query, canEditCredit: can(actor, "credit:edit") });
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "credit:edit");
  const dealerId = idParam(params.dealerId);
  const form = await parseForm(request, CreditLimitSchema);
  if (!form.ok) return json(form, { status: 400 });
  await setCreditLimit(actor, dealerId, form.data);
  return json({ ok: true as const, message: translate(actor.locale, "credit.saved") });
});

export default function DealerLedger() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [sp] = useSearchParams();
  const t = useT();
  const failure = result && result.ok === false ? result : undefined;
  const posted = sp.get("posted");
  const d = data.dealer;
  return (
    <div className="space-y-4">
      <PageHeader
        title={t("ledger.dealerTitle", { dealer: `${d.code} · ${d.name}` })}
        crumbs={[{ label: t("ledger.title"), to: "/finance/ledger" }, { label: d.code }]}
        actions={
          <>
            <CsvLink />
            <Link to={`/statements?dealerId=${d.id}`} className="btn-secondary">
              {t("statements.title")}
            </Link>
            <Link to={`/finance/ledger/new?dealerId=${d.id}`} className="btn-primary">
              {t("ledger.postEntry")}
            </Link>
          </>
        }
      />
      <Notice
        message={
          posted
            ? sp.get("dup")
              ? t("ledger.postedDuplicate", { id: posted })
              : t("ledger.posted", { id: posted })
            : result && result.ok
              ? result.message
              : undefined
        }
      />
      <div className="grid gap-4">
        <CreditSummary credit={data.credit}>
          {data.canEditCredit ? (
            <details className="mt-3" open={!!failure}>
              <summary className="cursor-pointer text-sm text-brand-700">{t("credit.edit")}</summary>
              <Form method="post" className="mt-2 grid gap-3 sm:grid-cols-3" noValidate>
                <div className="sm:col-span-3">
                  <FormError message={failure?.formError} />
                </div>
                <Field
                  name="creditLimit"
                  label={t("credit.newLimit")}
                  inputMode="decimal"
                  defaultValue={String(failure?.values.creditLimit ?? minorToDecimal(d.credit_limit_minor, d.currency))}
                  error={failure?.fieldErrors.creditLimit}
                  required
                />
                <Field
                  name="reason"
                  label={t("credit.reason")}
                  defaultValue={String(failure?.values.reason ?? "")}
                  error={failure?.fieldErrors.reason}
                  required
                  maxLength={300}
                />
                <div className="flex items-end">
                  <SubmitButton pendingText={t("common.saving")}>{t("common.save")}</SubmitButton>
                </div>
              </Form>
            </details>
          ) : null}
        </CreditSummary>
        <AgingSummary aging={data.aging.aging} currency={d.currency} asOf={data.aging.asOf} />
      </div>
      <LedgerFilters query={data.query} basePath={`/finance/ledger/${d.id}`} />
      <EntriesTable
        rows={data.rows}
        showDealer={false}
        showRunning={!!data.rows[0] && data.rows[0].running_minor !== null}
        pager={data}
        empty={data.rows.length === 0 && <ListEmpty message={t("ledger.empty")} />}
      />
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { AgingSummary, Amount, CreditSummary, EntryDescription, EntryType, SourceLinks, StatementStatus } from "~/components/ledger";
import { ListTable, ListHeader, Th, ListEmpty } from "~/components/list";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { dealerAging } from "~/modules/ledger/aging.server";
import { dealerOptions, dealerSummary, openPeriodActivity } from "~/modules/ledger/ledger.server";
import { STATEMENT_CSV_HEADER, exportStatements, listStatements } from "~/modules/statements/statements.server";
import { STATEMENT_STATUSES } from "~/modules/statements/statements.schema";
import { StatementListQuery } from "~/modules/statements/statements.schema.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { FilterBar, FilterInput, FilterSelect, DealerFilter } from "~/components/filters";

export const meta = pageMeta("statements.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "ledger:read");
  const query = parseQuery(request, StatementListQuery);
  if (query.format === "csv") return csvResponse("statements.csv", STATEMENT_CSV_HEADER, exportStatements(actor, query));
  const list = await listStatements(actor, query);
  const own = actor.dealerId
    ? {
        summary: await dealerSummary(actor, actor.dealerId),
        aging: await dealerAging(actor, actor.dealerId),
        open: await openPeriodActivity(actor, actor.dealerId),
      }
    : null;
  return json({ ...list, query, own, dealers: own ? [] : await dealerOptions(actor) });
});

export default function Statements() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  return (
    <div className="space-y-4">
      <ListHeader title={t("statements.title")} />
      {data.own ? (
        <div className="grid gap-4">
          <CreditSummary credit={data.own.summary.credit} />
          <AgingSummary aging={data.own.aging.aging} currency={data.own.summary.dealer.currency} asOf={data.own.aging.asOf} title={t("aging.yours")} />
        </div>
      ) : null}
      <FilterBar resetTo="/statements" className="sm:grid-cols-5">
        {!data.own ? <DealerFilter dealers={data.dealers} value={data.query.dealerId} wide /> : null}
        <FilterInput name="period" type="month" label={t("statements.period")} defaultValue={data.query.period} placeholder="YYYY-MM" />
        <FilterSelect
          name="status"
          label={t("common.status")}
          defaultValue={data.query.status}
          all
          options={[...STATEMENT_STATUSES, "overdue" as const].map((s) => ({ value: s, label: t(`statements.status.${s}`) }))}
        />
      </FilterBar>
      <ListTable
        pager={data}
        empty={data.rows.length === 0 && <ListEmpty message={t("statements.empty")} />}
        testId="statements-table"
        head={
          <>
            <Th>{t("statements.period")}</Th>
            {!data.own ? <Th>{t("ledger.dealer")}</Th> : null}
            <Th num>{t("statements.opening")}</Th>
            <Th num>{t("statements.debits")}</Th>
            <Th num>{t("statements.credits")}</Th>
            <Th num>{t("statements.closing")}</Th>
            <Th>{t("common.status")}</Th>
            <Th>{t("statements.confirmBy")}</Th>
          </>
        }
      >
        {data.rows.map((s) => {
          const overdue = s.status === "issued" && s.confirm_by < data.today;
          return (
            <tr key={s.id} className={overdue ? "bg-red-50" : undefined}>
              <td>
                <Link className="link font-medium" to={`/statements/${s.id}`}>
                  {s.period}
                </Link>
              </td>
              {!data.own ? (
                <td>
                  {s.dealer_code} · {s.dealer_name}
                </td>
              ) : null}
              <td className="text-right">
                <Amount minor={s.opening_minor} currency={s.currency} />
              </td>
              <td className="text-right">
                <Amount minor={s.debit_minor} currency={s.currency} />
              </td>
              <td className="text-right">
                <Amount minor={-s.credit_minor} currency={s.currency} />
              </td>
              <td className="text-right font-semibold">
                <Amount minor={s.closing_minor} currency={s.currency} />
              </td>
              <td>
                <StatementStatus status={s.status} overdue={overdue} />
              </td>
              <td className={overdue ? "font-semibold text-red-700" : undefined}>{f.date(s.confirm_by)}</td>
            </tr>
          );
        })}
      </ListTable>
      {data.own ? (
        <section className="card p-0" data-testid="open-period">
          <div className="px-4 pt-4">
            <h2 className="font-semibold">{data.own.open.lastPeriod ? t("statements.sinceLast") : t("statements.sinceStart")}</h2>
            {data.own.open.lastPeriod ? (
              <p className="text-xs text-slate-500">
                {t("statements.sinceLastHelp", {
                  period: data.own.open.lastPeriod,
                  opening: f.money(data.own.open.openingMinor, data.own.summary.dealer.currency),
                  movement: f.money(data.own.open.movementMinor, data.own.summary.dealer.currency),
                })}
              </p>
            ) : null}
          </div>
          {data.own.open.rows.length === 0 ? (
            <p className="p-4 text-sm text-slate-600">{t("statements.noActivity")}</p>
          ) : (
            <ListTable
              bare
              head={
                <>
                  <Th>{t("ledger.businessDate")}</Th>
                  <Th>{t("ledger.type")}</Th>
                  <Th>{t("ledger.description")}</Th>
                  <Th>{t("ledger.dueDate")}</Th>
                  <Th num>{t("ledger.amount")}</Th>
                </>
              }
            >
              {data.own.open.rows.map((e) => (
                <tr key={e.id}>
                  <td className="whitespace-nowrap">{f.date(e.business_date)}</td>
                  <td className="whitespace-nowrap">
                    <EntryType type={e.entry_type} />
                  </td>
                  <td>
                    <div>
                      <EntryDescription e={e} />
                    </div>
                    <SourceLinks e={e} finance={false} />
                  </td>
                  <td className="whitespace-nowrap">{f.date(e.due_date)}</td>
                  <td className="text-right">
                    <Amount minor={e.amount_minor} currency={e.currency} />
                  </td>
                </tr>
              ))}
            </ListTable>
          )}
        </section>
      ) : null}
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

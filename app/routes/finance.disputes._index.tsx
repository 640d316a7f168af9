import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { Amount, DisputedEntryDescription, DisputeStatus } from "~/components/ledger";
import { ListTable, ListHeader, Th, ListEmpty } from "~/components/list";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { dealerOptions } from "~/modules/ledger/ledger.server";
import { DISPUTE_CSV_HEADER, exportDisputes, listDisputes } from "~/modules/statements/statements.server";
import { DISPUTE_REASONS, DISPUTE_STATUSES } from "~/modules/statements/statements.schema";
import { DisputeListQuery } from "~/modules/statements/statements.schema.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { CodeFilter, DealerFilter, FilterBar } from "~/components/filters";

export const meta = pageMeta("disputes.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "dispute:resolve");
  const url = new URL(request.url);
  const query = parseQuery(request, DisputeListQuery);
  // The queue shows open disputes unless asked otherwise (status=all shows every one).
  const filter = { ...query, status: query.status ?? (url.searchParams.has("status") ? undefined : ("open" as const)) };
  if (query.format === "csv") return csvResponse("disputes.csv", DISPUTE_CSV_HEADER, exportDisputes(actor, filter));
  const [list, dealers] = await Promise.all([listDisputes(actor, filter), dealerOptions(actor)]);
  return json({ ...list, query: filter, dealers });
});

export default function Disputes() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  return (
    <div className="space-y-4">
      <ListHeader title={t("disputes.title")} />
      <p className="text-sm text-slate-700" data-testid="open-summary">
        {t("disputes.openSummary", { count: data.openCount, amount: f.money(data.openAmountMinor, "CNY") })}
      </p>
      <FilterBar resetTo="/finance/disputes" className="sm:grid-cols-5">
        <DealerFilter dealers={data.dealers} value={data.query.dealerId} wide />
        <CodeFilter name="status" label={t("common.status")} value={data.query.status} codes={DISPUTE_STATUSES} labels="disputes.status" />
        <CodeFilter name="reason" label={t("statements.reason")} value={data.query.reason} codes={DISPUTE_REASONS} labels="statements.reason" />
      </FilterBar>
      <ListTable
        pager={data}
        empty={data.rows.length === 0 && <ListEmpty message={t("disputes.empty")} />}
        testId="disputes-table"
        head={
          <>
            <Th>#</Th>
            <Th>{t("ledger.dealer")}</Th>
            <Th>{t("statements.period")}</Th>
            <Th>{t("ledger.description")}</Th>
            <Th>{t("statements.reason")}</Th>
            <Th num>{t("disputes.amount")}</Th>
            <Th>{t("common.status")}</Th>
            <Th num>{t("disputes.age")}</Th>
          </>
        }
      >
        {data.rows.map((d) => (
          <tr key={d.id} className={d.status === "open" && d.ageDays > 7 ? "bg-amber-50" : undefined}>
            <td>
              <Link className="link" to={`/finance/disputes/${d.id}`}>
                {d.id}
              </Link>
            </td>
            <td>
              {d.dealer_code} · {d.dealer_name}
            </td>
            <td>
              <Link className="link" to={`/statements/${d.statement_id}`}>
                {d.period}
              </Link>{" "}
              · {t("statements.line")} {d.line_no}
            </td>
            <td>
              <DisputedEntryDescription d={d} />
            </td>
            <td>{t(`statements.reason.${d.reason_code}` as "statements.reason.other")}</td>
            <td className="text-right">
              <Amount minor={d.amount_minor} currency={d.currency} />
            </td>
            <td>
              <DisputeStatus status={d.status} />
            </td>
            <td className="text-right">{t("disputes.ageDays", { days: d.ageDays })}</td>
          </tr>
        ))}
      </ListTable>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

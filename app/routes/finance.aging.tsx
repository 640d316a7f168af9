import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { AGING_BUCKETS, agingHeads, Amount } from "~/components/ledger";
import { ListEmpty, ListTable, ListHeader, Th } from "~/components/list";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { AGING_CSV_HEADER, agingReport, exportAging } from "~/modules/ledger/aging.server";
import { AgingQuery } from "~/modules/ledger/ledger.schema.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { FilterBar, FilterInput, SearchFilter } from "~/components/filters";

export const meta = pageMeta("aging.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "aging:read");
  const query = parseQuery(request, AgingQuery);
  if (query.format === "csv") return csvResponse(`aging-${query.asOf ?? "today"}.csv`, AGING_CSV_HEADER, exportAging(actor, query));
  return json({ ...(await agingReport(actor, query)), query });
});

export default function Aging() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const currency = data.rows[0]?.currency ?? "CNY";
  return (
    <div className="space-y-4">
      <ListHeader title={t("aging.title")} />
      <FilterBar resetTo="/finance/aging" className="sm:grid-cols-4">
        <FilterInput name="asOf" type="date" label={t("aging.asOf")} defaultValue={data.query.asOf ?? data.asOf} />
        <SearchFilter value={data.query.q} />
      </FilterBar>
      <p className="text-xs text-slate-500">{t("aging.method")}</p>
      <ListTable
        testId="aging-table"
        pager={data}
        empty={data.rows.length === 0 && <ListEmpty message={t("aging.empty")} />}
        note={
          <p className="text-xs text-slate-500">
            {t("aging.asOf")} {f.date(data.asOf)}
          </p>
        }
        foot={
          <>
            <tr className="border-t-2 border-slate-300 font-semibold">
              <th scope="row" className="px-3 py-2 text-left">
                {data.totalsScope === "all" ? t("aging.totalsAll") : t("common.total")}
              </th>
              {AGING_BUCKETS.map((b) => (
                <td key={b} className="text-right">
                  <Amount minor={data.totals[b]} currency={currency} />
                </td>
              ))}
              <td className="text-right">
                <Amount minor={data.totals.unapplied} currency={currency} />
              </td>
              <td className="text-right" data-testid="aging-total">
                <Amount minor={data.totals.balance} currency={currency} />
              </td>
              <td colSpan={2} />
            </tr>
          </>
        }
        head={
          <>
            <Th>{t("ledger.dealer")}</Th>
            {agingHeads(t)}
            <Th num>{t("credit.limit")}</Th>
            <Th num>{t("credit.available")}</Th>
          </>
        }
      >
        {data.rows.map((r) => (
          <tr key={r.id}>
            <td className="min-w-[12rem]">
              <Link className="link font-medium" to={`/finance/ledger/${r.id}`}>
                {r.code}
              </Link>
              <div className="text-xs text-slate-500">{r.name}</div>
            </td>
            {AGING_BUCKETS.map((b) => (
              <td key={b} className={`text-right ${b === "d90_plus" && r.aging[b] > 0 ? "font-semibold text-red-700" : ""}`}>
                <Amount minor={r.aging[b]} currency={r.currency} />
              </td>
            ))}
            <td className="text-right">
              <Amount minor={r.aging.unapplied} currency={r.currency} />
            </td>
            <td className="text-right font-semibold">
              <Amount minor={r.aging.balance} currency={r.currency} />
            </td>
            <td className="text-right">
              <Amount minor={r.credit.limitMinor} currency={r.currency} />
            </td>
            <td className={`text-right ${r.credit.availableMinor < 0 ? "font-semibold text-red-700" : ""}`}>
              <Amount minor={r.credit.availableMinor} currency={r.currency} plain />
            </td>
          </tr>
        ))}
      </ListTable>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ListHeader, Th, ListEmpty } from "~/components/list";
import { BarChart } from "~/components/ui/charts";
import type { MessageKey } from "~/i18n";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { REGIONS, TIERS } from "~/modules/organisations/organisations.schema";
import { GROUPS } from "~/modules/reports/sales-report.schema";
import { SalesReportQuery } from "~/modules/reports/sales-report.schema.server";
import { exportSalesReport, salesReport } from "~/modules/reports/sales-report.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { ScrollX } from "~/components/ui/scroll-x";
import { FilterBar, FilterInput, FilterSelect } from "~/components/filters";

export const meta = pageMeta("report.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "reports:read");
  const query = parseQuery(request, SalesReportQuery);
  if (query.format === "csv")
    return csvResponse("report.csv", ["group_by", "key", "label", "orders", "units", "ordered_value"], exportSalesReport(actor, query));
  return json({ report: await salesReport(actor, query), query, staff: actor.dealerId === null });
});

export default function Reports() {
  const { report, query, staff } = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const group = t(`report.group.${report.groupBy}` as MessageKey);
  const label = (r: (typeof report.rows)[number]) => {
    if (report.groupBy === "region") return t(`region.${r.key}` as MessageKey);
    if (report.groupBy === "tier") return t(`tier.${r.key}` as MessageKey);
    if (report.groupBy === "dealer") return `${r.key} ${r.label}`;
    if (report.groupBy === "productLine") return (locale === "en" ? r.label : r.labelZh) || r.key;
    return r.key;
  };
  return (
    <div className="space-y-4">
      <ListHeader title={t("report.title")} />
      <p className="text-sm text-slate-600">{t("report.intro")}</p>
      <FilterBar resetTo="/reports" className="sm:grid-cols-3 lg:grid-cols-7">
        <FilterInput name="from" type="date" label={t("dash.from")} defaultValue={report.period.from} />
        <FilterInput name="to" type="date" label={t("dash.to")} defaultValue={report.period.to} />
        <FilterSelect
          name="groupBy"
          label={t("report.groupBy")}
          defaultValue={query.groupBy}
          options={GROUPS.map((g) => ({ value: g, label: t(`report.group.${g}` as MessageKey) }))}
        />
        {staff ? (
          <>
            <FilterSelect
              name="region"
              label={t("common.region")}
              defaultValue={query.region}
              all
              options={REGIONS.map((r) => ({ value: r, label: t(`region.${r}`) }))}
            />
            <FilterSelect
              name="tier"
              label={t("common.tier")}
              defaultValue={query.tier}
              all
              options={TIERS.map((r) => ({ value: r, label: t(`tier.${r}`) }))}
            />
            <FilterInput name="dealerId" inputMode="numeric" label={t("report.dealer")} defaultValue={query.dealerId} />
          </>
        ) : null}
        <FilterInput name="productLine" label={t("report.productLine")} defaultValue={query.productLine} />
      </FilterBar>
      {report.rows.length === 0 ? (
        <ListEmpty message={t("report.empty")} />
      ) : (
        <>
          <section className="card">
            <BarChart
              title={t("report.chartTitle", { group })}
              description={t("report.chartDesc", { from: report.period.from, to: report.period.to })}
              tableLabel={t("chart.dataTable")}
              valueLabel={t("report.value")}
              labelHeader={group}
              emptyLabel={t("chart.noData")}
              data={report.rows.map((r) => ({ label: label(r), value: r.valueMinor, display: f.money(r.valueMinor) }))}
              formatValue={(v) => f.moneyCompact(v)}
            />
          </section>
          <ScrollX className="card p-0">
            <table className="table" data-testid="report-table">
              <thead>
                <tr>
                  <Th>{group}</Th>
                  <Th num>{t("report.orders")}</Th>
                  <Th num>{t("report.quantity")}</Th>
                  <Th num>{t("report.value")}</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {report.rows.map((r) => (
                  <tr key={r.key}>
                    <td>{label(r)}</td>
                    <td className="text-right tabular-nums">{f.number(r.orders)}</td>
                    <td className="text-right tabular-nums">{f.number(r.quantity)}</td>
                    <td className="text-right tabular-nums">{f.money(r.valueMinor)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr className="font-semibold">
                  <td>{t("report.total")}</td>
                  <td className="text-right tabular-nums" />
                  <td className="text-right tabular-nums">{f.number(report.totals.quantity)}</td>
                  <td className="text-right tabular-nums" data-testid="report-total">
                    {f.money(report.totals.valueMinor)}
                  </td>
                </tr>
              </tfoot>
            </table>
          </ScrollX>
        </>
      )}
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

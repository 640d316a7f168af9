import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { ErrorPage } from "~/components/ErrorPage";
import { CsvLink } from "~/components/list";
import { BarChart } from "~/components/ui/charts";
import { EmptyState, PageHeader } from "~/components/ui/layout";
import type { MessageKey } from "~/i18n";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { REGIONS, TIERS } from "~/modules/organisations/organisations.schema";
import { GROUPS, SalesReportQuery } from "~/modules/reports/sales-report.schema";
import { exportSalesReport, salesReport } from "~/modules/reports/sales-report.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { ScrollX } from "~/components/ui/scroll-x";

export const meta = pageMeta("report.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "reports:read");
  const query = parseQuery(request, SalesReportQuery);
  if (query.format === "csv") return csvResponse("report.csv", ["group_by", "key", "label", "orders", "units", "ordered_value"], exportSalesReport(actor, query));
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
      <PageHeader title={t("report.title")} crumbs={[{ label: t("nav.home"), to: "/" }, { label: t("report.title") }]} breadcrumbLabel={t("nav.breadcrumb")} actions={<CsvLink />} />
      <p className="text-sm text-slate-600">{t("report.intro")}</p>
      <Form method="get" className="card grid gap-3 sm:grid-cols-3 lg:grid-cols-7" role="search">
        <div>
          <label htmlFor="from" className="label">{t("dash.from")}</label>
          <input id="from" name="from" type="date" className="input" defaultValue={report.period.from} />
        </div>
        <div>
          <label htmlFor="to" className="label">{t("dash.to")}</label>
          <input id="to" name="to" type="date" className="input" defaultValue={report.period.to} />
        </div>
        <div>
          <label htmlFor="groupBy" className="label">{t("report.groupBy")}</label>
          <select id="groupBy" name="groupBy" className="input" defaultValue={query.groupBy}>
            {GROUPS.map((g) => <option key={g} value={g}>{t(`report.group.${g}` as MessageKey)}</option>)}
          </select>
        </div>
        {staff ? (
          <>
            <div>
              <label htmlFor="region" className="label">{t("common.region")}</label>
              <select id="region" name="region" className="input" defaultValue={query.region ?? ""}>
                <option value="">{t("common.all")}</option>
                {REGIONS.map((r) => <option key={r} value={r}>{t(`region.${r}`)}</option>)}
              </select>
            </div>
            <div>
              <label htmlFor="tier" className="label">{t("common.tier")}</label>
              <select id="tier" name="tier" className="input" defaultValue={query.tier ?? ""}>
                <option value="">{t("common.all")}</option>
                {TIERS.map((r) => <option key={r} value={r}>{t(`tier.${r}`)}</option>)}
              </select>
            </div>
            <div>
              <label htmlFor="dealerId" className="label">{t("report.dealer")}</label>
              <input id="dealerId" name="dealerId" inputMode="numeric" className="input" defaultValue={query.dealerId ?? ""} />
            </div>
          </>
        ) : null}
        <div>
          <label htmlFor="productLine" className="label">{t("report.productLine")}</label>
          <input id="productLine" name="productLine" className="input" defaultValue={query.productLine ?? ""} />
        </div>
        <div className="flex items-end gap-2">
          <button type="submit" className="btn-primary">{t("common.apply")}</button>
          <Link to="/reports" className="btn-secondary">{t("common.reset")}</Link>
        </div>
      </Form>
      {report.rows.length === 0 ? (
        <EmptyState message={t("report.empty")} />
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
            />
          </section>
          <ScrollX className="card p-0">
            <table className="table" data-testid="report-table">
              <thead>
                <tr>
                  <th scope="col">{group}</th>
                  <th scope="col" className="text-right">{t("report.orders")}</th>
                  <th scope="col" className="text-right">{t("report.quantity")}</th>
                  <th scope="col" className="text-right">{t("report.value")}</th>
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
                  <td className="text-right tabular-nums" data-testid="report-total">{f.money(report.totals.valueMinor)}</td>
                </tr>
              </tfoot>
            </table>
          </ScrollX>
        </>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

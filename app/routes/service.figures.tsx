import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { FilterBar, FilterInput, FilterSelect } from "~/components/filters";
import { ListHeader, ListTable, Th, ListEmpty } from "~/components/list";
import { BarChart } from "~/components/ui/charts";
import { Notice } from "~/components/ui/form";
import type { MessageKey } from "~/i18n";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { FIGURE_GROUPS, FIGURES_MAX_CASES } from "~/modules/service/figures";
import { FIGURES_CSV_HEADER, exportFigures, serviceFigures } from "~/modules/service/figures.server";
import { FiguresQuerySchema } from "~/modules/service/service.schema.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { pageMeta } from "~/utils/meta";
import { withLoader } from "~/utils/route";

export const meta = pageMeta("service.figures.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "service:figures");
  const query = parseQuery(request, FiguresQuerySchema);
  if (query.format === "csv") return csvResponse("service-figures.csv", FIGURES_CSV_HEADER, exportFigures(actor, query));
  return json({ figures: await serviceFigures(actor, query), query });
});

export default function ServiceFigures() {
  const { figures } = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const group = t(`service.figures.group.${figures.by}` as MessageKey);
  const label = (r: (typeof figures.rows)[number]) => {
    if (figures.by === "region") return r.key ? t(`region.${r.key}` as MessageKey) : "—";
    if (figures.by === "product_line") return r.key ? ((locale === "en" ? r.lineName?.en : r.lineName?.zh) ?? r.key) : t("service.figures.noProduct");
    return r.label;
  };
  const h = (v: number | null) => (v === null ? "—" : f.number(v));
  const share = (v: number | null) => (v === null ? "—" : f.percent(v));
  const cells = (r: (typeof figures.rows)[number] | typeof figures.total) => (
    <>
      <td className="text-right tabular-nums">{f.number(r.cases)}</td>
      <td className="text-right tabular-nums">{h(r.responseMedianH)}</td>
      <td className="text-right tabular-nums">{h(r.responseP90H)}</td>
      <td className="text-right tabular-nums">{h(r.resolutionMedianH)}</td>
      <td className="text-right tabular-nums">{h(r.resolutionP90H)}</td>
      <td className="text-right tabular-nums">{share(r.withinPromise)}</td>
      <td className="text-right tabular-nums">{share(r.reopenRate)}</td>
      <td className="text-right tabular-nums">{r.satisfactionAvg === null ? "—" : `${f.number(r.satisfactionAvg)} (${f.number(r.surveyed)})`}</td>
    </>
  );
  return (
    <div className="space-y-4">
      <ListHeader title={t("service.figures.title")} parent={{ label: t("service.title"), to: "/service" }} />
      <p className="text-sm text-slate-600">{t("service.figures.intro")}</p>
      <FilterBar resetTo="/service/figures" className="sm:grid-cols-3">
        <FilterInput name="from" type="date" label={t("dash.from")} defaultValue={figures.period.from} />
        <FilterInput name="to" type="date" label={t("dash.to")} defaultValue={figures.period.to} />
        <FilterSelect
          name="by"
          label={t("service.figures.by")}
          defaultValue={figures.by}
          options={FIGURE_GROUPS.map((g) => ({ value: g, label: t(`service.figures.group.${g}`) }))}
        />
      </FilterBar>
      {figures.truncated ? <Notice message={t("service.figures.truncated", { max: FIGURES_MAX_CASES })} /> : null}
      {figures.rows.length === 0 ? (
        <ListEmpty message={t("service.figures.empty")} />
      ) : (
        <>
          {figures.rows.some((r) => r.withinPromise !== null) ? (
            <section className="card">
              <BarChart
                title={t("service.figures.chartTitle", { group })}
                description={t("service.figures.chartDesc", { from: figures.period.from, to: figures.period.to })}
                tableLabel={t("chart.dataTable")}
                valueLabel={t("service.figures.withinPromise")}
                labelHeader={group}
                emptyLabel={t("chart.noData")}
                data={figures.rows
                  .filter((r) => r.withinPromise !== null)
                  .map((r) => ({ label: label(r), value: r.withinPromise!, display: f.percent(r.withinPromise!) }))}
                formatValue={(v) => f.percent(v)}
                reference={{ value: 1, label: "100 %" }}
              />
            </section>
          ) : null}
          <ListTable
            testId="service-figures"
            head={
              <>
                <Th>{group}</Th>
                <Th num>{t("service.figures.cases")}</Th>
                <Th num>{t("service.figures.responseMedian")}</Th>
                <Th num>{t("service.figures.responseP90")}</Th>
                <Th num>{t("service.figures.resolutionMedian")}</Th>
                <Th num>{t("service.figures.resolutionP90")}</Th>
                <Th num>{t("service.figures.withinPromise")}</Th>
                <Th num>{t("service.figures.reopenRate")}</Th>
                <Th num>{t("service.figures.satisfaction")}</Th>
              </>
            }
            foot={
              <tr className="font-semibold">
                <td>{t("service.figures.total")}</td>
                {cells(figures.total)}
              </tr>
            }
          >
            {figures.rows.map((r) => (
              <tr key={r.key || "-"}>
                <td className="wrap">{label(r)}</td>
                {cells(r)}
              </tr>
            ))}
          </ListTable>
        </>
      )}
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

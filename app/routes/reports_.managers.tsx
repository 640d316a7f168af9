import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { FilterBar, FilterSelect } from "~/components/filters";
import { ListHeader, ListTable, Th, ListEmpty } from "~/components/list";
import { useMeasureFormat } from "~/components/measures";
import { BarChart } from "~/components/ui/charts";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { RANK_BY, type RankBy } from "~/modules/sellout/measures";
import { RankingQuery } from "~/modules/sellout/measures.schema.server";
import { RANKING_CSV_HEADER, exportManagerRanking, managerRanking } from "~/modules/sellout/measures.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { pageMeta } from "~/utils/meta";
import { withLoader } from "~/utils/route";

export const meta = pageMeta("ranking.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "measures:rank");
  const query = parseQuery(request, RankingQuery);
  if (query.format === "csv") return csvResponse("manager-ranking.csv", RANKING_CSV_HEADER, exportManagerRanking(actor, query.by));
  return json({ ranking: await managerRanking(actor, { by: query.by, page: query.page }) });
});

const LABEL = { marginBp: "measures.margin", turnoverDays: "measures.turnover", resolutionBp: "measures.resolution", shareBp: "measures.share" } as const;
const SHORT = {
  marginBp: "measures.marginShort",
  turnoverDays: "measures.turnoverShort",
  resolutionBp: "measures.resolutionShort",
  shareBp: "measures.shareShort",
} as const;

export default function ManagerRanking() {
  const { ranking } = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const mf = useMeasureFormat();
  const by: RankBy = ranking.by;
  const show = (k: RankBy, v: number | null) => (k === "turnoverDays" ? mf.days(v) : mf.bp(v));
  const charted = ranking.rows.filter((r) => r.m12[by] !== null);
  return (
    <div className="space-y-4">
      <ListHeader title={t("ranking.title")} parent={{ label: t("nav.reports"), to: "/reports" }} links={[{ to: "/measures", label: t("nav.measures") }]} />
      <p className="text-sm text-slate-600">{t("ranking.intro", { from: ranking.months.from, to: ranking.months.to })}</p>
      <FilterBar resetTo="/reports/managers" className="sm:grid-cols-3">
        <FilterSelect name="by" label={t("ranking.by")} defaultValue={by} options={RANK_BY.map((k) => ({ value: k, label: t(LABEL[k]) }))} />
      </FilterBar>
      {ranking.rows.length === 0 ? (
        <ListEmpty message={t("ranking.empty")} />
      ) : (
        <>
          <section className="card">
            <BarChart
              title={t("ranking.chart", { measure: t(LABEL[by]) })}
              description={t("ranking.chartDesc", { from: ranking.months.from, to: ranking.months.to })}
              tableLabel={t("chart.dataTable")}
              valueLabel={t(LABEL[by])}
              labelHeader={t("ranking.manager")}
              emptyLabel={t("chart.noData")}
              data={charted.map((r) => {
                const v = r.m12[by]!;
                return { label: r.name, value: Math.max(0, by === "turnoverDays" ? v : v / 10_000), display: show(by, v) };
              })}
              formatValue={(v) => (by === "turnoverDays" ? f.number(v) : f.percent(v))}
            />
          </section>
          <ListTable
            pager={ranking}
            testId="manager-ranking"
            head={
              <>
                <Th num>{t("ranking.rank")}</Th>
                <Th>{t("ranking.manager")}</Th>
                <Th num>{t("measures.dealers")}</Th>
                {RANK_BY.map((k) => (
                  <Th key={k} num>
                    {t(SHORT[k])}
                  </Th>
                ))}
                <Th num>{t("measures.satisfaction")}</Th>
                <Th num>
                  {t("ranking.m3")}: {t(SHORT[by])}
                </Th>
              </>
            }
          >
            {ranking.rows.map((r) => (
              <tr key={r.id}>
                <td className="text-right tabular-nums">{f.number(r.rank)}</td>
                <td className="wrap">{r.name}</td>
                <td className="text-right tabular-nums">{f.number(r.dealers)}</td>
                {RANK_BY.map((k) => (
                  <td key={k} className={`text-right tabular-nums ${k === by ? "font-semibold" : ""}`}>
                    {show(k, r.m12[k])}
                  </td>
                ))}
                <td className="text-right tabular-nums">{mf.score(r.m12.satisfaction)}</td>
                <td className="text-right tabular-nums">{show(by, r.m3[by])}</td>
              </tr>
            ))}
          </ListTable>
        </>
      )}
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useCan } from "~/components/access";
import { ErrorPage } from "~/components/ErrorPage";
import { Link } from "~/components/link";
import { ListHeader, ListTable, Th } from "~/components/list";
import {
  CategoryMargins,
  ImprovementLists,
  MeasureFigures,
  MeasuresTrend,
  PeriodPicker,
  StockCheckPanel,
  measureHeads,
  useMeasureFormat,
} from "~/components/measures";
import { SelloutStatusBadge } from "~/components/sellout";
import { Stat } from "~/components/ui/layout";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { DealerMeasuresQuery } from "~/modules/sellout/measures.schema.server";
import { PERIOD_CSV_HEADER, dealerMeasures, exportDealerPeriods } from "~/modules/sellout/measures.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { pageMeta } from "~/utils/meta";
import { idParam } from "~/utils/params.server";
import { withLoader } from "~/utils/route";

export const meta = pageMeta<typeof loader>("measures.title", ({ m }) => `${m.dealer.code} · ${m.dealer.name}`);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "measures:view");
  const dealerId = idParam(params.dealerId);
  const query = parseQuery(request, DealerMeasuresQuery);
  if (query.format === "csv") return csvResponse("dealer-measures-periods.csv", PERIOD_CSV_HEADER, exportDealerPeriods(actor, dealerId));
  return json({ m: await dealerMeasures(actor, dealerId, { lists: "page", period: query.period, page: query.page }) });
});

export default function DealerMeasures() {
  const { m } = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const mf = useMeasureFormat();
  const locale = useLocale();
  const s12 = m.trailing12.sums;
  const canService = useCan()("service:read");
  return (
    <div className="space-y-6">
      <ListHeader
        title={`${m.dealer.code} · ${m.dealer.name}`}
        parent={{ label: t("measures.title"), to: "/measures" }}
        links={[{ to: `/sellout/${m.dealer.id}`, label: t("nav.sellout") }]}
      />
      <p className="text-sm text-slate-600">{t("measures.intro")}</p>
      <MeasureFigures m3={m.trailing3.measures} m12={m.trailing12.measures} label3={t("measures.last3")} label12={t("measures.last12")} />
      {m.trailing3.sums.costedAtTierPrice > 0 ? (
        <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="tier-priced">
          {t("measures.tierPriced", { count: f.number(m.trailing3.sums.costedAtTierPrice) })}
        </p>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label={`${t("measures.revenue")} · ${t("measures.last12")}`} value={f.money(s12.revenueMinor, m.dealer.currency)} />
        <Stat label={`${t("measures.rebates")} · ${t("measures.last12")}`} value={f.money(s12.rebatesMinor, m.dealer.currency)} />
        <Stat label={`${t("measures.fees")} · ${t("measures.last12")}`} value={f.money(s12.feesMinor, m.dealer.currency)} />
        <Stat label={`${t("measures.satisfaction")} · ${t("measures.last12")}`} value={mf.score(m.trailing12.measures.satisfaction)} />
      </div>
      <section className="space-y-3" aria-labelledby="detail-h" data-testid="period-detail">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div className="space-y-1">
            <h2 id="detail-h" className="font-semibold">
              {t("measures.detail")}: {m.selected.key}
              {m.selected.reported ? null : <span className="ml-2 text-sm font-normal text-slate-500">({t("measures.notReportedShort")})</span>}
            </h2>
            <p className="text-sm text-slate-600">{t("measures.detailIntro")}</p>
          </div>
          <PeriodPicker choices={m.choices} selected={m.selected.key} />
        </div>
        {m.margins ? <CategoryMargins margins={m.margins} period={m.selected.key} currency={m.dealer.currency} /> : null}
        {m.stockCheck ? <StockCheckPanel check={m.stockCheck} /> : null}
      </section>
      <section className="card space-y-3" aria-labelledby="trend-h">
        <h2 id="trend-h" className="font-semibold">
          {t("measures.trend")}
        </h2>
        <MeasuresTrend periods={m.periods} />
      </section>
      <section className="space-y-3" aria-labelledby="improve-h">
        <h2 id="improve-h" className="font-semibold">
          {t("measures.improve")}
        </h2>
        <p className="text-sm text-slate-600">{t("measures.improveIntro")}</p>
        <ImprovementLists lists={m.lists} />
      </section>
      <div className="grid gap-6 xl:grid-cols-3">
        <section className="card min-w-0 space-y-2 xl:col-span-2" aria-labelledby="cat-h">
          <h2 id="cat-h" className="font-semibold">
            {t("measures.byCategory")}
          </h2>
          {m.categories.length === 0 ? (
            <p className="text-sm text-slate-600">{t("measures.noCategories")}</p>
          ) : (
            <ListTable
              bare
              testId="category-shares"
              head={
                <>
                  <Th>{t("measures.category")}</Th>
                  <Th num>{t("measures.ours")}</Th>
                  <Th num>{t("measures.categoryTotal")}</Th>
                  <Th num>{t("measures.shareShort")}</Th>
                </>
              }
            >
              {m.categories.map((c) => (
                <tr key={c.code}>
                  <td className="wrap">{locale === "en" ? c.nameEn : c.nameZh}</td>
                  <td className="text-right tabular-nums">{f.money(c.oursMinor, m.dealer.currency)}</td>
                  <td className="text-right tabular-nums">{f.money(c.totalMinor, m.dealer.currency)}</td>
                  <td className="text-right tabular-nums">
                    {mf.bp(c.shareBp)}
                    {c.shareRawBp !== null && c.shareRawBp > 10_000 ? (
                      <span className="ml-1 text-xs text-amber-800" title={t("measures.checkTotalsHelp")}>
                        ▲ {t("measures.checkTotals")}
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </ListTable>
          )}
        </section>
        {m.resolution ? (
          <section className="card space-y-2" aria-labelledby="svc-h">
            <h2 id="svc-h" className="font-semibold">
              {t("measures.service")}
            </h2>
            <dl className="grid grid-cols-2 gap-2 text-sm">
              <dt className="text-slate-500">{t("measures.casesDue")}</dt>
              <dd className="text-right tabular-nums">{f.number(m.resolution.cases)}</dd>
              <dt className="text-slate-500">{t("measures.resolution")}</dt>
              <dd className="text-right tabular-nums">{mf.bp(m.trailing3.measures.resolutionBp)}</dd>
              <dt className="text-slate-500">{t("measures.firstResponse")}</dt>
              <dd className="text-right tabular-nums">{mf.bp(m.resolution.firstResponseKeptBp)}</dd>
              <dt className="text-slate-500">{t("measures.medianResolution")}</dt>
              <dd className="text-right tabular-nums">
                {m.resolution.medianResolutionHours === null ? "—" : t("measures.hours", { hours: f.number(m.resolution.medianResolutionHours) })}
              </dd>
            </dl>
            {canService ? (
              <Link to="/service" className="link text-sm">
                {t("nav.service")}
              </Link>
            ) : null}
          </section>
        ) : null}
      </div>
      <section className="space-y-2" aria-labelledby="periods-h">
        <h2 id="periods-h" className="font-semibold">
          {t("measures.periodsTable")}
        </h2>
        <p className="text-xs text-slate-500">{t("measures.closedNote")}</p>
        <ListTable
          testId="measure-periods"
          head={
            <>
              <Th>{t("measures.period")}</Th>
              <Th>{t("measures.status")}</Th>
              {measureHeads(t)}
              <Th num>{t("measures.unitsSold")}</Th>
              <Th num>{t("measures.revenue")}</Th>
            </>
          }
        >
          {m.periods.map((p) => (
            <tr key={p.key}>
              <td>
                <Link to={`/sellout/${m.dealer.id}/${p.key}`} className="link">
                  {p.key}
                </Link>
              </td>
              <td>
                <SelloutStatusBadge status={p.status} />
              </td>
              <td className="text-right tabular-nums">{mf.days(p.measures.turnoverDays)}</td>
              <td className="text-right tabular-nums">{mf.bp(p.measures.marginBp)}</td>
              <td className="text-right tabular-nums">{mf.bp(p.measures.resolutionBp)}</td>
              <td className="text-right tabular-nums">{mf.bp(p.measures.shareBp)}</td>
              <td className="text-right tabular-nums">{p.status === "not_reported" ? "—" : f.number(p.sums.unitsSold)}</td>
              <td className="text-right tabular-nums">{p.status === "not_reported" ? "—" : f.money(p.sums.revenueMinor, m.dealer.currency)}</td>
            </tr>
          ))}
        </ListTable>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

/**
 * The dealer-profit measures on pages and dashboards (issue #24 item 2): the four figures, their trend per period
 * (charts with the data table kept), what would improve them, and the table of dealers. Presentational: the figures
 * arrive computed (measures.server.ts); ratios in basis points, formatted for the reader's locale. The dashboard's
 * cards, built from these pieces, are in dashboards/MeasuresPanels.tsx.
 */
import type { SerializeFrom } from "@remix-run/node";
import { Link } from "~/components/link";
import { ListTable, Th } from "~/components/list";
import { ColumnChart } from "~/components/ui/charts";
import { Badge } from "~/components/ui/layout";
import { ScrollX } from "~/components/ui/scroll-x";
import { useFormat, useLocale, useT } from "~/i18n/react";
import type { Measures } from "~/modules/sellout/measures";
import type { dealerMeasureList, dealerMeasures } from "~/modules/sellout/measures.server";

type DealerData = SerializeFrom<Awaited<ReturnType<typeof dealerMeasures>>>;
type ListData = SerializeFrom<Awaited<ReturnType<typeof dealerMeasureList>>>;

/** Formatters of the four figures: — for no figure. */
export function useMeasureFormat() {
  const t = useT();
  const f = useFormat();
  const none = "—";
  return {
    days: (v: number | null) => (v === null ? none : t("measures.days", { days: f.number(v) })),
    bp: (v: number | null) => (v === null ? none : f.percent(v / 10_000)),
    score: (v: number | null) => (v === null ? none : f.number(v)),
  };
}

/** One figure: the value over the last 3 periods, the last 12 beside it, and what it means. */
function Figure({
  label,
  help,
  value,
  other,
  otherLabel,
  note,
  extra,
}: {
  label: string;
  help: string;
  value: string;
  other: string;
  otherLabel: string;
  /** A warning ("check your totals"), marked ▲. */
  note?: string;
  /** A plain line beside the figure (satisfaction). */
  extra?: string;
}) {
  return (
    <div className="card min-w-0" data-testid="measure">
      <div className="text-sm text-slate-500">{label}</div>
      <div className="mt-1 text-2xl font-semibold tabular-nums">{value}</div>
      <div className="mt-1 text-xs text-slate-600">
        {otherLabel}: <span className="tabular-nums">{other}</span>
      </div>
      {extra ? <div className="mt-1 text-xs text-slate-600">{extra}</div> : null}
      {note ? <div className="mt-1 text-xs font-semibold text-amber-800">▲ {note}</div> : null}
      <p className="mt-2 text-xs text-slate-500">{help}</p>
    </div>
  );
}

export function MeasureFigures({ m3, m12, label3, label12 }: { m3: Measures; m12: Measures; label3: string; label12: string }) {
  const t = useT();
  const mf = useMeasureFormat();
  const capped = (m: Measures) => m.shareRawBp !== null && m.shareRawBp > 10_000;
  return (
    <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4" aria-label={label3}>
      <Figure
        label={t("measures.turnover")}
        help={t("measures.turnoverHelp")}
        value={mf.days(m3.turnoverDays)}
        other={mf.days(m12.turnoverDays)}
        otherLabel={label12}
      />
      <Figure label={t("measures.margin")} help={t("measures.marginHelp")} value={mf.bp(m3.marginBp)} other={mf.bp(m12.marginBp)} otherLabel={label12} />
      <Figure
        label={t("measures.resolution")}
        help={t("measures.resolutionHelp")}
        value={mf.bp(m3.resolutionBp)}
        other={mf.bp(m12.resolutionBp)}
        otherLabel={label12}
        extra={m3.satisfaction === null ? undefined : `${t("measures.satisfaction")}: ${mf.score(m3.satisfaction)} / 5`}
      />
      <Figure
        label={t("measures.share")}
        help={t("measures.shareHelp")}
        value={mf.bp(m3.shareBp)}
        other={mf.bp(m12.shareBp)}
        otherLabel={label12}
        note={capped(m3) ? t("measures.checkTotals") : undefined}
      />
    </div>
  );
}

/** The trend of the last 12 periods, oldest first: turnover days, and the three ratios. */
export function MeasuresTrend({ periods }: { periods: { key: string; measures: Measures }[] }) {
  const t = useT();
  const mf = useMeasureFormat();
  const f = useFormat();
  const ordered = [...periods].reverse();
  const categories = ordered.map((p) => p.key);
  const ratio = (name: string, pick: (m: Measures) => number | null) => ({
    name,
    // A negative margin is drawn as no column; its value stays in the table.
    values: ordered.map((p) => Math.max(0, (pick(p.measures) ?? 0) / 10_000)),
    displays: ordered.map((p) => mf.bp(pick(p.measures))),
  });
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <div className="min-w-0 space-y-1">
        <h3 className="text-sm font-medium text-slate-700">{t("measures.trendDays")}</h3>
        <ColumnChart
          title={t("measures.trendDays")}
          description={t("measures.trendDaysDesc")}
          tableLabel={t("chart.dataTable")}
          valueLabel={t("measures.turnover")}
          labelHeader={t("measures.period")}
          emptyLabel={t("chart.noData")}
          categories={categories}
          series={[
            {
              name: t("measures.turnover"),
              values: ordered.map((p) => p.measures.turnoverDays ?? 0),
              displays: ordered.map((p) => mf.days(p.measures.turnoverDays)),
            },
          ]}
          formatValue={(v) => f.number(v)}
        />
      </div>
      <div className="min-w-0 space-y-1">
        <h3 className="text-sm font-medium text-slate-700">{t("measures.trendRatios")}</h3>
        <ColumnChart
          title={t("measures.trendRatios")}
          description={t("measures.trendRatiosDesc")}
          tableLabel={t("chart.dataTable")}
          valueLabel={t("dash.value")}
          labelHeader={t("measures.period")}
          emptyLabel={t("chart.noData")}
          categories={categories}
          series={[
            ratio(t("measures.margin"), (m) => m.marginBp),
            ratio(t("measures.resolution"), (m) => m.resolutionBp),
            ratio(t("measures.share"), (m) => m.shareBp),
          ]}
          formatValue={(v) => f.percent(v)}
        />
      </div>
    </div>
  );
}

type SkuLine = DealerData["lists"]["slow"][number];

function SkuList({
  title,
  help,
  empty,
  lines,
  count,
  testId,
  cols,
}: {
  title: string;
  help: string;
  empty: string;
  lines: SkuLine[];
  count: number;
  testId: string;
  cols: readonly ("onHand" | "soldLast" | "sold3" | "turnover")[];
}) {
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const mf = useMeasureFormat();
  const head = { onHand: "measures.onHand", soldLast: "measures.soldLast", sold3: "measures.sold3", turnover: "measures.skuTurnover" } as const;
  return (
    <section className="card min-w-0 space-y-2" data-testid={testId}>
      <h3 className="font-semibold">
        {title} {count > 0 ? <Badge tone={testId === "selling-out" ? "amber" : "slate"}>{f.number(count)}</Badge> : null}
      </h3>
      <p className="text-xs text-slate-500">{help}</p>
      {lines.length === 0 ? (
        <p className="text-sm text-slate-600">{empty}</p>
      ) : (
        <ScrollX>
          <table className="table text-sm">
            <thead>
              <tr>
                <Th>{t("measures.sku")}</Th>
                {cols.map((c) => (
                  <Th key={c} num>
                    {t(head[c])}
                  </Th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {lines.map((l) => (
                <tr key={l.sku}>
                  <td>
                    <Link to={`/products/${encodeURIComponent(l.sku)}`} className="link" title={locale === "en" ? l.nameEn : l.nameZh}>
                      {l.sku}
                    </Link>
                  </td>
                  {cols.map((c) => (
                    <td key={c} className="text-right tabular-nums">
                      {c === "onHand"
                        ? f.number(l.onHand)
                        : c === "soldLast"
                          ? f.number(l.soldLast)
                          : c === "sold3"
                            ? f.number(l.sold3)
                            : mf.days(l.turnoverDays)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollX>
      )}
      {count > lines.length ? <p className="text-xs text-slate-500">{t("measures.more", { count: f.number(count) })}</p> : null}
    </section>
  );
}

/** The three lists of what would improve the figures (each titled `measures.<list>`, explained by `measures.<list>Help`). */
const IMPROVEMENT_LISTS = [
  { list: "slow", testId: "slow-movers", empty: "measures.noneSlow", cols: ["onHand", "sold3"] },
  { list: "overstocked", testId: "overstocked", empty: "measures.noneOverstocked", cols: ["onHand", "turnover"] },
  { list: "sellingOut", testId: "selling-out", empty: "measures.noneSellingOut", cols: ["onHand", "soldLast"] },
] as const;

export function ImprovementLists({ lists }: { lists: DealerData["lists"] }) {
  const t = useT();
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      {IMPROVEMENT_LISTS.map((l) => (
        <SkuList
          key={l.list}
          testId={l.testId}
          title={t(`measures.${l.list}`)}
          help={t(`measures.${l.list}Help`)}
          empty={t(l.empty)}
          lines={lists[l.list]}
          count={lists.counts[l.list]}
          cols={l.cols}
        />
      ))}
    </div>
  );
}

/** The column heads of the four figures, in their order, for a table's `head`. */
export function measureHeads(t: ReturnType<typeof useT>) {
  return (
    <>
      <Th num>{t("measures.turnoverShort")}</Th>
      <Th num>{t("measures.marginShort")}</Th>
      <Th num>{t("measures.resolutionShort")}</Th>
      <Th num>{t("measures.shareShort")}</Th>
    </>
  );
}

/** Dealers with their figures over the last 3 and 12 months (the list page and the account manager's dashboard). */
export function DealerMeasuresTable({ rows, compact = false }: { rows: Omit<ListData["rows"][number], "m12Sums">[]; compact?: boolean }) {
  const t = useT();
  const mf = useMeasureFormat();
  return (
    <ListTable
      testId="dealer-measures-table"
      bare={compact}
      head={
        <>
          <Th>{t("measures.dealer")}</Th>
          {compact ? null : <Th>{t("measures.accountManager")}</Th>}
          {measureHeads(t)}
          {compact ? null : (
            <Th num>
              {t("measures.last12Months")}: {t("measures.marginShort")}
            </Th>
          )}
          <Th>{t("measures.lastReported")}</Th>
        </>
      }
    >
      {rows.map((r) => (
        <tr key={r.id}>
          <td className="wrap">
            <Link to={`/measures/${r.id}`} className="link">
              {r.code} · {r.name}
            </Link>
          </td>
          {compact ? null : <td className="wrap">{r.accountManager ?? "—"}</td>}
          <td className="text-right tabular-nums">{mf.days(r.m3.turnoverDays)}</td>
          <td className="text-right tabular-nums">{mf.bp(r.m3.marginBp)}</td>
          <td className="text-right tabular-nums">{mf.bp(r.m3.resolutionBp)}</td>
          <td className="text-right tabular-nums">
            {mf.bp(r.m3.shareBp)}
            {r.m3.shareRawBp !== null && r.m3.shareRawBp > 10_000 ? <span className="ml-1 text-xs text-amber-800">▲ {mf.bp(r.m3.shareRawBp)}</span> : null}
          </td>
          {compact ? null : <td className="text-right tabular-nums">{mf.bp(r.m12.marginBp)}</td>}
          <td>{r.lastReported ? <Badge tone="green">{t("measures.yes")}</Badge> : <Badge tone="amber">{t("measures.no")}</Badge>}</td>
        </tr>
      ))}
    </ListTable>
  );
}

/** The account manager's own scorecard: their dealers added up. */
export function Scorecard({ s }: { s: NonNullable<ListData["scorecard"]> }) {
  const t = useT();
  const f = useFormat();
  return (
    <section className="space-y-2" aria-labelledby="scorecard-h" data-testid="scorecard">
      <h2 id="scorecard-h" className="font-semibold">
        {t("measures.scorecard")}
      </h2>
      <p className="text-sm text-slate-600">{t("measures.scorecardIntro", { count: f.number(s.dealers) })}</p>
      <MeasureFigures m3={s.m3} m12={s.m12} label3={t("measures.last3Months")} label12={t("measures.last12Months")} />
    </section>
  );
}

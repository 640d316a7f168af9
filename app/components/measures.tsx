/**
 * The dealer-profit measures on pages and dashboards (issue #24 item 2): the four figures, their trend per period
 * (charts with the data table kept), what would improve them, and the table of dealers. Presentational: the figures
 * arrive computed (measures.server.ts); ratios in basis points, formatted for the reader's locale. The dashboard's
 * cards, built from these pieces, are in dashboards/MeasuresPanels.tsx.
 */
import type { SerializeFrom } from "@remix-run/node";
import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { Link } from "~/components/link";
import { ListTable, Th, type ListPage } from "~/components/list";
import { BarChart, ColumnChart } from "~/components/ui/charts";
import { SelectField } from "~/components/ui/form";
import { Badge, Stat } from "~/components/ui/layout";
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

/**
 * Dealers with their figures over the last 3 and 12 months (the list page, with its `pager` and `empty` state, and
 * the account manager's dashboard).
 */
export function DealerMeasuresTable({
  rows,
  compact = false,
  pager,
  empty,
}: {
  rows: Omit<ListData["rows"][number], "m12Sums">[];
  compact?: boolean;
  pager?: ListPage;
  empty?: ReactNode;
}) {
  const t = useT();
  const mf = useMeasureFormat();
  return (
    <ListTable
      testId="dealer-measures-table"
      bare={compact}
      pager={pager}
      empty={empty}
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

/** The period a dealer's page details (margin per category, stock check): a GET form, works without JavaScript. */
export function PeriodPicker({ choices, selected }: { choices: readonly string[]; selected: string }) {
  const t = useT();
  return (
    <Form method="get" className="flex flex-wrap items-end gap-2" data-testid="period-picker">
      <SelectField
        name="period"
        id="detail-period"
        label={t("measures.period")}
        defaultValue={selected}
        options={choices.map((c) => ({ value: c, label: c }))}
        wrapperClassName="min-w-[8rem]"
      />
      <button type="submit" className="btn-secondary">
        {t("measures.show")}
      </button>
    </Form>
  );
}

type MarginTable = NonNullable<NonNullable<DealerData["margins"]>["period"]>;

/** One table of the margin per category, its total in the foot (the dealer's figure). */
function CategoryMarginTable({ data, currency, testId, caption }: { data: MarginTable; currency: string; testId: string; caption: string }) {
  const t = useT();
  const f = useFormat();
  const mf = useMeasureFormat();
  const locale = useLocale();
  const cells = (r: MarginTable["total"]) => (
    <>
      <td className="text-right tabular-nums">{f.money(r.revenueMinor, currency)}</td>
      <td className="text-right tabular-nums">{f.money(r.costMinor, currency)}</td>
      <td className="text-right tabular-nums">{f.money(r.rebatesMinor, currency)}</td>
      <td className="text-right tabular-nums">{f.money(r.marginMinor, currency)}</td>
      <td className="text-right tabular-nums font-medium">{mf.bp(r.marginBp)}</td>
    </>
  );
  return (
    <div className="min-w-0">
      <h3 className="text-sm font-medium text-slate-700">{caption}</h3>
      <ListTable
        bare
        testId={testId}
        head={
          <>
            <Th>{t("measures.category")}</Th>
            <Th num>{t("measures.revenue")}</Th>
            <Th num>{t("measures.cost")}</Th>
            <Th num>{t("measures.rebatesAllocated")}</Th>
            <Th num>{t("measures.grossMargin")}</Th>
            <Th num>{t("measures.marginPct")}</Th>
          </>
        }
        foot={
          <tr className="border-t-2 border-slate-200 font-semibold">
            <td>{t("measures.total")}</td>
            {cells(data.total)}
          </tr>
        }
      >
        {data.rows.map((r) => (
          <tr key={r.code ?? "unallocated"}>
            <td className="wrap">{r.code === null ? t("measures.unallocated") : locale === "en" ? r.nameEn : r.nameZh}</td>
            {cells(r)}
          </tr>
        ))}
      </ListTable>
    </div>
  );
}

/** Margin per category for the chosen period and the trailing 12, with a bar of each category's margin % in the period. */
export function CategoryMargins({ margins, period, currency }: { margins: NonNullable<DealerData["margins"]>; period: string; currency: string }) {
  const t = useT();
  const f = useFormat();
  const mf = useMeasureFormat();
  const locale = useLocale();
  const chartRows = (margins.period?.rows ?? []).filter((r) => r.code !== null);
  return (
    <section className="card min-w-0 space-y-3" aria-labelledby="cat-margin-h" data-testid="category-margins">
      <h2 id="cat-margin-h" className="font-semibold">
        {t("measures.marginByCategory")}
      </h2>
      <p className="text-sm text-slate-600">{t("measures.marginByCategoryIntro")}</p>
      <div className="grid gap-6 2xl:grid-cols-2">
        {margins.period ? (
          <CategoryMarginTable data={margins.period} currency={currency} testId="category-margins-period" caption={t("measures.marginPeriod", { period })} />
        ) : (
          <p className="text-sm text-slate-600">{t("measures.noSalesPeriod", { period })}</p>
        )}
        {margins.trailing12.rows.length ? (
          <CategoryMarginTable data={margins.trailing12} currency={currency} testId="category-margins-12" caption={t("measures.last12")} />
        ) : (
          <p className="text-sm text-slate-600">{t("measures.noSales12")}</p>
        )}
      </div>
      {chartRows.length > 1 ? (
        <div className="min-w-0 max-w-2xl space-y-1">
          <h3 className="text-sm font-medium text-slate-700">{t("measures.marginChart", { period })}</h3>
          <BarChart
            title={t("measures.marginChart", { period })}
            description={t("measures.marginChartDesc")}
            tableLabel={t("chart.dataTable")}
            valueLabel={t("measures.marginPct")}
            labelHeader={t("measures.category")}
            emptyLabel={t("chart.noData")}
            data={chartRows.map((r) => ({
              label: locale === "en" ? r.nameEn : r.nameZh,
              value: Math.max(0, (r.marginBp ?? 0) / 10_000),
              display: mf.bp(r.marginBp),
            }))}
            formatValue={(v) => f.percent(v)}
          />
        </div>
      ) : null}
    </section>
  );
}

const STOCK_STATE = { not_reported: "measures.stockNotReported", no_opening: "measures.stockNoOpening", no_closing: "measures.stockNoClosing" } as const;

/** The account manager's stock cross-check of the chosen period (decision 145); the dealer never receives it. */
export function StockCheckPanel({ check }: { check: NonNullable<DealerData["stockCheck"]> }) {
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const units = (v: number | null) => (v === null ? "—" : f.number(v));
  const signed = (v: number) => (v > 0 ? `+${f.number(v)}` : f.number(v));
  return (
    <section className="card min-w-0 space-y-3 border-amber-200" aria-labelledby="stock-check-h" data-testid="stock-check">
      <h2 id="stock-check-h" className="font-semibold">
        {t("measures.stockCheck")}
      </h2>
      <p className="text-sm text-slate-600">{t("measures.stockCheckIntro")}</p>
      {check.state !== "checked" ? (
        <p className="text-sm text-slate-700" data-testid="stock-check-state">
          {t(STOCK_STATE[check.state], { period: check.period })}
        </p>
      ) : (
        <>
          <p className="text-sm text-slate-700">{t("measures.stockAgainst", { period: check.period, previous: check.previous })}</p>
          <div className="grid gap-4 sm:grid-cols-3">
            <Stat label={t("measures.netGap")} value={signed(check.netGap)} />
            <Stat label={t("measures.absoluteGap")} value={f.number(check.absoluteGap)} />
            <Stat
              label={t("measures.skusWithGap")}
              value={t("measures.skusWithGapValue", { count: f.number(check.skusWithGap), checked: f.number(check.skusChecked) })}
            />
          </div>
          {check.skusUnchecked > 0 ? <p className="text-xs text-slate-500">{t("measures.unchecked", { count: f.number(check.skusUnchecked) })}</p> : null}
          {check.skusWithGap === 0 ? (
            <p className="text-sm text-slate-600">{t("measures.noGaps")}</p>
          ) : (
            <>
              <p className="text-xs text-slate-500">{t("measures.gapNote", { size: f.number(check.pageSize) })}</p>
              <ListTable
                bare
                testId="stock-gaps"
                pager={{ page: check.page, pageSize: check.pageSize, total: check.skusWithGap }}
                head={
                  <>
                    <Th>{t("measures.sku")}</Th>
                    <Th num>{t("measures.opening")}</Th>
                    <Th num>{t("measures.shipped")}</Th>
                    <Th num>{t("measures.returned")}</Th>
                    <Th num>{t("measures.sold")}</Th>
                    <Th num>{t("measures.closing")}</Th>
                    <Th num>{t("measures.gap")}</Th>
                  </>
                }
              >
                {check.lines.map((l) => (
                  <tr key={l.sku}>
                    <td>
                      <Link to={`/products/${encodeURIComponent(l.sku)}`} className="link" title={locale === "en" ? l.nameEn : l.nameZh}>
                        {l.sku}
                      </Link>
                    </td>
                    <td className="text-right tabular-nums">{units(l.opening)}</td>
                    <td className="text-right tabular-nums">{f.number(l.shipped)}</td>
                    <td className="text-right tabular-nums">{f.number(l.returned)}</td>
                    <td className="text-right tabular-nums">{f.number(l.sold)}</td>
                    <td className="text-right tabular-nums">{units(l.closing)}</td>
                    <td className={`text-right font-semibold tabular-nums ${l.gap < 0 ? "text-red-700" : "text-amber-800"}`}>{signed(l.gap)}</td>
                  </tr>
                ))}
              </ListTable>
            </>
          )}
        </>
      )}
    </section>
  );
}

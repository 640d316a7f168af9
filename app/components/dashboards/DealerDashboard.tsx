import { Form } from "@remix-run/react";
import { Link } from "~/components/link";
import { ColumnChart, RatioMeter } from "~/components/ui/charts";
import { DashBarChart, DashCard } from "./DashCard";
import { Stat } from "~/components/ui/layout";
import { PipelineChart } from "./PipelineChart";
import { useCan } from "~/components/access";
import type { MessageKey } from "~/i18n";
import { useFormat, useT } from "~/i18n/react";
import type { SerializeFrom } from "@remix-run/node";
import type { dealerDashboard } from "~/modules/reports/reports.server";

type Data = SerializeFrom<Awaited<ReturnType<typeof dealerDashboard>>>;

export function PeriodForm({ from, to }: { from: string; to: string }) {
  const t = useT();
  return (
    <Form method="get" className="flex flex-wrap items-end gap-2 text-sm" aria-label={t("dash.period")}>
      <div>
        <label htmlFor="from" className="label">
          {t("dash.from")}
        </label>
        <input id="from" name="from" type="date" defaultValue={from} className="input" />
      </div>
      <div>
        <label htmlFor="to" className="label">
          {t("dash.to")}
        </label>
        <input id="to" name="to" type="date" defaultValue={to} className="input" />
      </div>
      <button type="submit" className="btn-secondary">
        {t("dash.apply")}
      </button>
    </Form>
  );
}

export function DealerDashboard({ d }: { d: Data }) {
  const t = useT();
  const f = useFormat();
  const pct = (r: number | null) => (r === null ? t("dash.noValue") : f.percent(r));
  const deals = useCan()("deal:read"); // dealer finance reads no deals: the figures stay, without links
  return (
    <div className="space-y-6" data-testid="dealer-dashboard">
      <section aria-labelledby="actions-h">
        <h2 id="actions-h" className="mb-3 text-lg font-semibold">
          {t("dash.actions")}
        </h2>
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <Stat label={t("dash.quotesToAnswer")} value={f.number(d.actions.quotesToAnswer)} to={deals ? "/deals?quotes=to_answer" : undefined} />
          <Stat
            label={t("dash.statementsToConfirm")}
            value={f.number(d.actions.statementsToConfirm)}
            to={d.canReadAccount ? "/statements?status=issued" : undefined}
          />
          <Stat label={t("dash.deliveriesToConfirm")} value={f.number(d.actions.deliveriesToConfirm)} to="/orders?status=shipped" />
          <Stat label={t("dash.ordersSentBack")} value={f.number(d.actions.ordersSentBack)} to="/orders?status=draft" />
        </div>
      </section>
      <div className="grid gap-6 lg:grid-cols-2">
        <DashCard id="open-h" title={t("dash.openOrders")}>
          <DashBarChart
            title={t("dash.openOrders")}
            description={t("dash.openOrdersDesc")}
            valueLabel={t("dash.orders")}
            labelHeader={t("dash.status")}
            data={d.openOrders.map((s) => ({
              label: t(`dash.orderStatus.${s.status}` as MessageKey),
              value: s.count,
              display: `${f.number(s.count)} · ${f.money(s.valueMinor)}`,
              href: `/orders?status=${s.status}`,
            }))}
          />
        </DashCard>
        <DashCard id="credit-h" title={t("dash.credit")}>
          <dl className="grid grid-cols-2 gap-3 text-sm">
            <dt className="text-slate-500">{t("dash.creditAvailable")}</dt>
            <dd className="text-right text-lg font-semibold tabular-nums" data-testid="credit-available">
              {f.money(d.credit.availableMinor, d.credit.currency)}
            </dd>
            <dt className="text-slate-500">{t("dashboard.creditLimit")}</dt>
            <dd className="text-right tabular-nums">{f.money(d.credit.limitMinor, d.credit.currency)}</dd>
            <dt className="text-slate-500">{t("dash.balance")}</dt>
            <dd className="text-right tabular-nums">
              {d.canReadAccount ? (
                <Link to="/statements" className="link">
                  {f.money(d.credit.balanceMinor, d.credit.currency)}
                </Link>
              ) : (
                f.money(d.credit.balanceMinor, d.credit.currency)
              )}
            </dd>
            <dt className="text-slate-500">{t("dash.openOrderValue")}</dt>
            <dd className="text-right tabular-nums">{f.money(d.credit.openOrdersMinor, d.credit.currency)}</dd>
          </dl>
          <div className="mt-3">
            <RatioMeter
              label={t("dash.creditAvailable")}
              ratio={d.credit.limitMinor > 0 ? d.credit.availableMinor / d.credit.limitMinor : null}
              display={d.credit.limitMinor > 0 ? f.percent(Math.max(0, d.credit.availableMinor) / d.credit.limitMinor) : t("dash.noValue")}
              alert={d.credit.limitMinor > 0 && d.credit.availableMinor < 0 ? t("dash.overLimit") : undefined}
            />
          </div>
        </DashCard>
      </div>
      <DashCard id="pipe-h" title={t("dash.pipeline")}>
        <PipelineChart pipeline={d.pipeline} linked={deals} />
      </DashCard>
      <section className="card space-y-4" aria-labelledby="perf-h">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <h2 id="perf-h" className="font-semibold">
            {t("dash.performance")}
          </h2>
          <PeriodForm from={d.period.from} to={d.period.to} />
        </div>
        <div className="grid gap-4 md:grid-cols-2">
          <RatioMeter label={t("dash.fillRate")} ratio={d.fill.rate} display={pct(d.fill.rate)} />
          <RatioMeter label={t("dash.onTime")} ratio={d.onTime.rate} display={pct(d.onTime.rate)} />
        </div>
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <Stat label={t("dash.daysToShip")} value={d.toShip.avgDays === null ? t("dash.noValue") : t("dash.days", { days: f.number(d.toShip.avgDays) })} />
          <Stat label={t("dash.dealsWon")} value={`${f.number(d.won.count)} · ${f.money(d.won.valueMinor)}`} to={deals ? "/deals?stage=won" : undefined} />
          {/* The fee list filters by month (YYYY-MM); credit notes are on the statements. */}
          <Stat
            label={t("dash.rebates")}
            value={f.money(d.credits.rebatesMinor)}
            to={d.canReadAccount ? `/fees?kind=rebate&from=${d.period.from.slice(0, 7)}&to=${d.period.to.slice(0, 7)}` : undefined}
          />
          <Stat label={t("dash.creditNotes")} value={f.money(d.credits.creditNotesMinor)} to={d.canReadAccount ? "/statements" : undefined} />
        </div>
        <ColumnChart
          title={t("dash.trend")}
          description={t("dash.trendDesc")}
          tableLabel={t("chart.dataTable")}
          valueLabel={t("dash.value")}
          labelHeader={t("dash.month")}
          emptyLabel={t("chart.noData")}
          categories={d.trend.map((m) => m.month)}
          series={[
            { name: t("dash.ordered"), values: d.trend.map((m) => m.orderedMinor), displays: d.trend.map((m) => f.money(m.orderedMinor)) },
            { name: t("dash.shipped"), values: d.trend.map((m) => m.shippedMinor), displays: d.trend.map((m) => f.money(m.shippedMinor)) },
          ]}
          formatValue={(v) => f.moneyCompact(v)}
        />
      </section>
    </div>
  );
}

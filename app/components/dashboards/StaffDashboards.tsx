import type { SerializeFrom } from "@remix-run/node";
import { Link } from "~/components/link";
import { DashBarChart, DashCard } from "./DashCard";
import { Stat } from "~/components/ui/layout";
import { useFormat, useLocale, useT } from "~/i18n/react";
import type { accountManagerDashboard, financeDashboard, opsDashboard } from "~/modules/reports/reports.server";
import type { approvalQueueSummary } from "~/modules/quotes/quotes.server";
import { PeriodForm } from "./DealerDashboard";
import { PipelineChart } from "./PipelineChart";
import { ScrollX } from "~/components/ui/scroll-x";

export function AccountManagerDashboard({ d }: { d: SerializeFrom<Awaited<ReturnType<typeof accountManagerDashboard>>> }) {
  const t = useT();
  const f = useFormat();
  return (
    <div className="space-y-6" data-testid="am-dashboard">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label={t("dash.conflicts")} value={f.number(d.attention.conflicts)} to="/deals?stage=conflict" />
        <Stat label={t("dash.expiring")} value={f.number(d.attention.expiringProtections)} to="/deals?expiring=14" />
        <Stat label={t("dash.quotesPending")} value={f.number(d.attention.quotesPending)} to="/deals?quotes=open" />
        <Stat
          label={t("dash.winRate")}
          value={d.winRate === null ? t("dash.noValue") : f.percent(d.winRate)}
          hint={`${f.number(d.won.count)} / ${f.number(d.won.count + d.lost)}`}
        />
      </div>
      <section className="card" aria-labelledby="am-pipe">
        <div className="mb-2 flex flex-wrap items-end justify-between gap-3">
          <h2 id="am-pipe" className="font-semibold">
            {t("dash.pipeline")}
          </h2>
          <PeriodForm from={d.period.from} to={d.period.to} />
        </div>
        <PipelineChart pipeline={d.pipeline} />
      </section>
      <div className="grid gap-6 lg:grid-cols-2">
        <DashCard id="am-aging" title={t("dash.dealAging")}>
          <DashBarChart
            title={t("dash.dealAging")}
            description={t("dash.dealAgingDesc")}
            valueLabel={t("dash.orders")}
            labelHeader={t("dash.age")}
            data={d.aging.map((a) => ({ label: a.bucket, value: a.count }))}
          />
        </DashCard>
        <DashCard id="am-rank" title={t("dash.ranking")}>
          {d.ranking.length === 0 ? (
            <p className="text-sm text-slate-500">{t("dash.empty")}</p>
          ) : (
            <ol className="divide-y divide-slate-100 text-sm">
              {d.ranking.map((r, i) => (
                <li key={r.dealerId} className="flex justify-between py-2">
                  <span>
                    {i + 1}. {r.code} · {r.name}
                  </span>
                  <span className="tabular-nums">{f.money(r.wonMinor)}</span>
                </li>
              ))}
            </ol>
          )}
        </DashCard>
      </div>
    </div>
  );
}

export function OpsDashboard({ d }: { d: SerializeFrom<Awaited<ReturnType<typeof opsDashboard>>> }) {
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const nowMs = Date.parse(d.now);
  return (
    <div className="space-y-6" data-testid="ops-dashboard">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label={t("dash.reviewQueue")} value={f.number(d.queue.total)} to="/review/orders" />
        <Stat
          label={t("dash.mtoDue")}
          value={`${f.number(d.due.lines)} · ${f.number(d.due.quantity)}`}
          to={`/review/due?from=${d.week.from}&to=${d.week.to}`}
        />
        <Stat label={t("dash.lowStock", { n: d.lowStockThreshold })} value={f.number(d.alerts.lowCount)} to="/stock/alerts?kind=low" />
        <Stat label={t("dash.lateIncoming")} value={f.number(d.alerts.lateCount)} to="/stock/alerts?kind=late" />
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <DashCard id="ops-q" title={t("dash.reviewQueue")}>
          {d.queue.rows.length === 0 ? (
            <p className="text-sm text-slate-500">{t("dash.empty")}</p>
          ) : (
            <ScrollX>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t("orders.number")}</th>
                    <th scope="col">{t("dash.dealer")}</th>
                    <th scope="col" className="text-right">
                      {t("dash.waiting")}
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {d.queue.rows.map((o) => (
                    <tr key={o.id}>
                      <td>
                        <Link className="link" to={`/orders/${o.number}`}>
                          {o.number}
                        </Link>
                      </td>
                      <td>{o.dealer_code}</td>
                      <td className="text-right tabular-nums">
                        {t("dash.hours", { hours: f.number(Math.max(0, Math.floor((nowMs - Date.parse(String(o.submitted_at))) / 3_600_000))) })}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollX>
          )}
        </DashCard>
        <DashCard id="ops-bo" title={t("dash.backorders")}>
          <DashBarChart
            title={t("dash.backorders")}
            description={t("dash.backordersDesc")}
            valueLabel={t("dash.units")}
            labelHeader={t("dash.product")}
            data={d.backorders.map((b) => ({
              label: `${b.sku} ${locale === "en" ? b.nameEn : b.nameZh}`,
              value: b.quantity,
              display: `${f.number(b.quantity)}${b.eta ? ` · ${f.date(b.eta)}` : ""}`,
              href: `/products/${encodeURIComponent(b.sku)}`,
            }))}
          />
        </DashCard>
      </div>
      <DashCard id="ops-low" title={t("dash.lowStock", { n: d.lowStockThreshold })}>
        {d.alerts.low.length === 0 ? (
          <p className="text-sm text-slate-500">{t("dash.empty")}</p>
        ) : (
          <ScrollX>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t("dash.product")}</th>
                  <th scope="col">{t("dash.warehouse")}</th>
                  <th scope="col" className="text-right">
                    {t("dash.units")}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {d.alerts.low.map((r, i) => (
                  <tr key={i}>
                    <td>
                      <Link className="link" to={`/products/${encodeURIComponent(r.sku)}`}>
                        {r.sku}
                      </Link>{" "}
                      {locale === "en" ? r.nameEn : r.nameZh}
                    </td>
                    <td>{r.warehouse}</td>
                    <td className="text-right tabular-nums">{f.number(r.available)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollX>
        )}
      </DashCard>
    </div>
  );
}

export function FinanceDashboard({ d }: { d: SerializeFrom<Awaited<ReturnType<typeof financeDashboard>>> }) {
  const t = useT();
  const f = useFormat();
  return (
    <div className="space-y-6" data-testid="finance-dashboard">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat
          label={t("dash.openDisputes")}
          value={`${f.number(d.disputes.count)} · ${f.money(d.disputes.amountMinor)}`}
          hint={d.disputes.oldestDays === null ? undefined : t("dash.oldestDays", { days: d.disputes.oldestDays })}
          to="/finance/disputes"
        />
        <Stat
          label={t("dash.confirmationRate", { period: d.confirmation.period })}
          value={d.confirmation.rate === null ? t("dash.noValue") : f.percent(d.confirmation.rate)}
          hint={`${f.number(d.confirmation.confirmed)} / ${f.number(d.confirmation.issued)}`}
          to={`/statements?period=${d.confirmation.period}`}
        />
        <Stat label={t("dash.overdueConfirmations")} value={f.number(d.confirmation.overdue)} to="/statements?status=overdue" />
        <Stat
          label={t("dash.creditHolds")}
          value={f.number(d.creditHolds.count)}
          hint={d.creditHolds.oldestDays === null ? undefined : t("dash.oldestDays", { days: d.creditHolds.oldestDays })}
          to="/finance/credit-holds"
        />
        <Stat label={t("nav.aging")} value="→" to="/finance/aging" />
      </div>
      <DashCard id="fin-util" title={t("dash.utilisation")}>
        <DashBarChart
          title={t("dash.utilisation")}
          description={t("dash.utilisationDesc")}
          valueLabel={t("dash.value")}
          labelHeader={t("dash.dealer")}
          data={d.utilisation.map((u) => ({
            label: `${u.code} ${u.name}`,
            value: Math.round((u.ratio ?? 0) * 1000) / 10,
            display: `${u.ratio === null ? t("dash.noValue") : f.percent(u.ratio)} · ${f.money(u.usedMinor)} / ${f.money(u.limitMinor)}`,
            href: `/finance/ledger/${u.dealerId}`,
            alert: u.ratio !== null && u.ratio > 1 ? t("dash.overLimit") : undefined,
          }))}
          formatValue={(v) => f.percent(v / 100)}
          reference={{ value: 100, label: t("dash.limitLine") }}
        />
      </DashCard>
    </div>
  );
}

/** What waits for an administrator's decision: quotes above the discount limit (the figure is the queue's total). */
export function ApprovalsPanel({ d }: { d: SerializeFrom<Awaited<ReturnType<typeof approvalQueueSummary>>> }) {
  const t = useT();
  const f = useFormat();
  const oldestDays = d.oldestRequestedAt === null ? null : Math.max(0, Math.floor((Date.parse(d.now) - Date.parse(d.oldestRequestedAt)) / 86_400_000));
  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="approvals-panel">
      <Stat
        label={t("dash.quoteApprovals")}
        value={f.number(d.count)}
        hint={oldestDays === null ? undefined : t("dash.oldestDays", { days: oldestDays })}
        to="/quotes/approvals"
      />
    </div>
  );
}

import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DealerDashboard } from "~/components/dashboards/DealerDashboard";
import { AccountManagerDashboard, ApprovalsPanel, FinanceDashboard, OpsDashboard } from "~/components/dashboards/StaffDashboards";
import { AnnouncementsPanel } from "~/components/AnnouncementsPanel";
import { ErrorPage } from "~/components/ErrorPage";
import { PageHeader, Stat } from "~/components/ui/layout";
import { useFormat, useT } from "~/i18n/react";
import { announcementsFor } from "~/modules/announcements/announcements.server";
import { PromotionsPanel } from "~/components/dashboards/PromotionsPanel";
import { runningForDealer } from "~/modules/promotions/promotions.server";
import { can, isDealerActor } from "~/modules/auth/actor";
import { approvalQueueSummary } from "~/modules/quotes/quotes.server";
import { requireActor } from "~/modules/auth/auth.server";
import { isDealerRole } from "~/modules/auth/permissions";
import { foundationFigures } from "~/modules/organisations/organisations.server";
import { PeriodQuery } from "~/modules/reports/period.server";
import { accountManagerDashboard, dealerDashboard, financeDashboard, opsDashboard } from "~/modules/reports/reports.server";
import { promiseRecord } from "~/modules/service/figures.server";
import { serviceSummary } from "~/modules/service/service.server";
import { ServicePanel } from "~/components/service";
import { AccountManagerMeasures, DealerMeasuresPanel } from "~/components/measures";
import { dealerMeasureList, dealerMeasures } from "~/modules/sellout/measures.server";
import { parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("dashboard.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "dashboard:read");
  const period = parseQuery(request, PeriodQuery);
  const [figures, announcements, service, serviceRecord, promotions] = await Promise.all([
    foundationFigures(actor),
    announcementsFor(actor),
    serviceSummary(actor),
    promiseRecord(actor),
    runningForDealer(actor),
  ]);
  const base = { name: actor.name, role: actor.role, figures, announcements, isDealer: isDealerActor(actor), service, serviceRecord, promotions };
  // The dealer-profit measures (issue #24 item 2): the dealer's own; the account manager's dealers and scorecard.
  if (isDealerRole(actor.role)) {
    const [measures, dealer] = await Promise.all([
      actor.dealerId !== null && can(actor, "measures:view") ? dealerMeasures(actor, actor.dealerId, { lists: "dashboard" }) : null,
      dealerDashboard(actor, period),
    ]);
    return json({ ...base, measures, amMeasures: null, dealer, am: null, ops: null, finance: null, approvals: null });
  }
  if (can(actor, "dashboard:pipeline")) {
    const [amMeasures, am] = await Promise.all([
      can(actor, "measures:view") ? dealerMeasureList(actor, { page: 1 }) : null,
      accountManagerDashboard(actor, period),
    ]);
    return json({ ...base, measures: null, amMeasures, dealer: null, am, ops: null, finance: null, approvals: null });
  }
  const ops = can(actor, "dashboard:order_desk") ? await opsDashboard(actor) : null;
  const finance = can(actor, "dashboard:finance") ? await financeDashboard(actor) : null;
  // Quotes above the discount limit wait for whoever may approve them (administrators).
  const approvals = can(actor, "quote:approve_discount") ? await approvalQueueSummary(actor) : null;
  return json({ ...base, measures: null, amMeasures: null, dealer: null, am: null, ops, finance, approvals });
});

export default function Dashboard() {
  const { name, figures, dealer, am, ops, finance, approvals, announcements, isDealer, service, serviceRecord, measures, amMeasures, promotions } =
    useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  return (
    <div className="space-y-6">
      <PageHeader title={t("dashboard.title")} />
      <p className="text-slate-600" data-testid="welcome">
        {t("dashboard.welcome", { name })}
      </p>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="dashboard-figures">
        {figures.kind === "dealer" ? (
          <>
            <Stat label={t("dashboard.creditLimit")} value={f.money(figures.dealer.credit_limit_minor, figures.dealer.currency)} />
            <Stat label={t("dashboard.dealerUsers")} value={f.number(figures.activeUsers)} />
          </>
        ) : figures.kind === "assigned" ? (
          <>
            <Stat label={t("dashboard.assignedDealers")} value={f.number(figures.assignedDealers)} />
            <Stat label={t("dashboard.keyAccounts")} value={f.number(figures.keyAccounts)} />
          </>
        ) : (
          <>
            <Stat label={t("dashboard.dealers")} value={f.number(figures.activeDealers)} />
            <Stat label={t("dashboard.users")} value={f.number(figures.activeUsers)} />
          </>
        )}
      </div>
      {isDealer ? <PromotionsPanel items={promotions} /> : null}
      {isDealer ? <AnnouncementsPanel items={announcements} /> : null}
      {dealer ? <DealerDashboard d={dealer} /> : null}
      {measures ? <DealerMeasuresPanel d={measures} /> : null}
      {am ? <AccountManagerDashboard d={am} /> : null}
      {amMeasures ? <AccountManagerMeasures d={amMeasures} /> : null}
      {approvals ? <ApprovalsPanel d={approvals} /> : null}
      {ops ? <OpsDashboard d={ops} /> : null}
      {finance ? <FinanceDashboard d={finance} /> : null}
      {service ? <ServicePanel d={service} dealer={isDealer} record={serviceRecord} /> : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DealerDashboard } from "~/components/dashboards/DealerDashboard";
import { AccountManagerMeasures, DealerMeasuresPanel } from "~/components/dashboards/MeasuresPanels";
import { PromotionsPanel } from "~/components/dashboards/PromotionsPanel";
import { AccountManagerDashboard, ApprovalsPanel, FinanceDashboard, OpsDashboard } from "~/components/dashboards/StaffDashboards";
import { AnnouncementsPanel } from "~/components/AnnouncementsPanel";
import { ServicePanel } from "~/components/service";
import { PageHeader, Stat } from "~/components/ui/layout";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { dashboard } from "~/modules/dashboard/dashboard.server";
import { PeriodQuery } from "~/modules/reports/period.server";
import { parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("dashboard.title");

// One domain call: each `.server` module a route imports is a script of its own in the browser (dashboard.server.ts).
export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "dashboard:read");
  return json(await dashboard(actor, parseQuery(request, PeriodQuery)));
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

export { ErrorBoundary } from "~/components/ErrorPage";

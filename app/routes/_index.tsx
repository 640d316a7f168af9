import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AnnouncementsPanel } from "~/components/AnnouncementsPanel";
import { ErrorPage } from "~/components/ErrorPage";
import { PageHeader, Stat } from "~/components/ui/layout";
import { useFormat, useT } from "~/i18n/react";
import { announcementsFor } from "~/modules/announcements/announcements.server";
import { isDealerActor } from "~/modules/auth/actor";
import { requireActor } from "~/modules/auth/auth.server";
import { foundationFigures } from "~/modules/organisations/organisations.server";
import { withLoader } from "~/utils/http.server";

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "dashboard:read");
  const [figures, announcements] = await Promise.all([foundationFigures(actor), announcementsFor(actor)]);
  return json({ name: actor.name, role: actor.role, figures, announcements, isDealer: isDealerActor(actor) });
});

export default function Dashboard() {
  const { name, figures, announcements, isDealer } = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  return (
    <div>
      <PageHeader title={t("dashboard.title")} />
      <p className="mb-6 text-slate-600" data-testid="welcome">
        {t("dashboard.welcome", { name })}
      </p>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="dashboard-figures">
        {figures.kind === "dealer" ? (
          <>
            <Stat label={t("dashboard.creditLimit")} value={f.money(figures.dealer.credit_limit_minor, figures.dealer.currency)} />
            <Stat label={t("dashboard.dealerUsers")} value={f.number(figures.activeUsers)} />
          </>
        ) : figures.kind === "account_manager" ? (
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
      {isDealer ? <AnnouncementsPanel items={announcements} /> : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

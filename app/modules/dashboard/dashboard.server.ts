/**
 * The dashboard (`/`): every figure the reader's role sees, in one call (issue #22 item 6).
 *
 * One module on purpose: the browser build replaces each `.server` module a route imports with an empty module,
 * and each one shared with other routes became a script of its own that the page preloaded (eight of the dealer
 * dashboard's 39). Imported by the dashboard only, this one folds into the route's own script.
 *
 * The measures are cut to what the dashboard draws: the sums behind each figure, the period dates and the page's
 * extras (categories, resolution) stay on the measures page, which is where the dashboard links.
 */
import type { Actor } from "~/modules/auth/actor";
import { can, isDealerActor } from "~/modules/auth/actor";
import { isDealerRole } from "~/modules/auth/permissions";
import { announcementsFor } from "~/modules/announcements/announcements.server";
import { foundationFigures } from "~/modules/organisations/organisations.server";
import { runningForDealer } from "~/modules/promotions/promotions.server";
import { approvalQueueSummary } from "~/modules/quotes/quotes.server";
import { accountManagerDashboard, dealerDashboard, financeDashboard, opsDashboard } from "~/modules/reports/reports.server";
import { dealerMeasureList, dealerMeasures } from "~/modules/sellout/measures.server";
import { promiseRecord } from "~/modules/service/figures.server";
import { serviceSummary } from "~/modules/service/service.server";
import { env } from "~/utils/env.server";
import { readVersions, snapshot, type Versions } from "~/utils/snapshots.server";
import { todayIn } from "~/utils/time";

type Period = Parameters<typeof dealerDashboard>[1];

/** The dealer's card: the four figures over 3 and 12 periods, each period's figures for the trend, the top of each list. */
function measuresCard(m: Awaited<ReturnType<typeof dealerMeasures>>) {
  return {
    dealer: { id: m.dealer.id },
    periods: m.periods.map((p) => ({ key: p.key, measures: p.measures })),
    trailing3: { measures: m.trailing3.measures },
    trailing12: { measures: m.trailing12.measures },
    lists: m.lists,
  };
}

/** The account manager's card: the scorecard and the first page of dealers, without the sums behind the figures. */
function dealersCard(l: Awaited<ReturnType<typeof dealerMeasureList>>) {
  return { scorecard: l.scorecard, rows: l.rows.map(({ m12Sums: _sums, ...r }) => r) };
}

/**
 * The cards every role has: the foundation figures, announcements, service and promotions. They depend on the
 * reader (scope, permissions, language) and the day, and are shared like the figures below: until the data moves
 * or a minute passes (decisions 076, 112; what counts the hours to a promise lags by at most that minute).
 */
function readersCards(actor: Actor, versions: Versions) {
  const today = todayIn(env().BUSINESS_TZ);
  const key = `dashboard:reader:${actor.kind}:${actor.userId}:${actor.role}:${actor.dealerId}:${actor.locale}:${today}`;
  return snapshot(
    key,
    async () => {
      const [figures, announcements, service, serviceRecord, promotions] = await Promise.all([
        foundationFigures(actor),
        announcementsFor(actor),
        serviceSummary(actor),
        promiseRecord(actor),
        runningForDealer(actor),
      ]);
      return { figures, announcements, service, serviceRecord, promotions };
    },
    versions,
  );
}

export async function dashboard(actor: Actor, period: Period) {
  // One read of the data versions serves every snapshot of the page.
  const versions = await readVersions();
  const cards = await readersCards(actor, versions);
  const base = { name: actor.name, role: actor.role, isDealer: isDealerActor(actor), ...cards };
  const none = { measures: null, amMeasures: null, dealer: null, am: null, ops: null, finance: null, approvals: null };
  // The dealer-profit measures (issue #24 item 2): the dealer's own; the account manager's dealers and scorecard.
  if (isDealerRole(actor.role)) {
    const [measures, dealer] = await Promise.all([
      actor.dealerId !== null && can(actor, "measures:view")
        ? dealerMeasures(actor, actor.dealerId, { lists: "dashboard", versions }).then(measuresCard)
        : null,
      dealerDashboard(actor, period, versions),
    ]);
    return { ...base, ...none, measures, dealer };
  }
  if (can(actor, "dashboard:pipeline")) {
    const [amMeasures, am] = await Promise.all([
      can(actor, "measures:view") ? dealerMeasureList(actor, { page: 1 }, versions).then(dealersCard) : null,
      accountManagerDashboard(actor, period, versions),
    ]);
    return { ...base, ...none, amMeasures, am };
  }
  const ops = can(actor, "dashboard:order_desk") ? await opsDashboard(actor, versions) : null;
  const finance = can(actor, "dashboard:finance") ? await financeDashboard(actor, versions) : null;
  // Quotes above the discount limit wait for whoever may approve them (administrators).
  const approvals = can(actor, "quote:approve_discount") ? await approvalQueueSummary(actor) : null;
  return { ...base, ...none, ops, finance, approvals };
}

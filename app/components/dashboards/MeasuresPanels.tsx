/**
 * The measures cards of the dashboard (issue #24 item 2): the dealer's own figures and the account manager's dealers.
 * Their data is cut to what they draw (dashboard.server.ts); the pieces are those of the measures pages.
 */
import type { SerializeFrom } from "@remix-run/node";
import { Link } from "~/components/link";
import { DealerMeasuresTable, ImprovementLists, MeasureFigures, MeasuresTrend, Scorecard } from "~/components/measures";
import { useT } from "~/i18n/react";
import type { dashboard } from "~/modules/dashboard/dashboard.server";

type Data = SerializeFrom<Awaited<ReturnType<typeof dashboard>>>;

/** The dealer's dashboard card: the four figures, their trend and the top of each list, linking to the page. */
export function DealerMeasuresPanel({ d }: { d: NonNullable<Data["measures"]> }) {
  const t = useT();
  return (
    <section className="card space-y-4" aria-labelledby="measures-h" data-testid="dealer-measures">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="measures-h" className="font-semibold">
            {t("measures.dashboard")}
          </h2>
          <p className="text-sm text-slate-600">{t("measures.dashboardIntro")}</p>
        </div>
        <Link to={`/measures/${d.dealer.id}`} className="btn-secondary">
          {t("measures.openPage")}
        </Link>
      </div>
      <MeasureFigures m3={d.trailing3.measures} m12={d.trailing12.measures} label3={t("measures.last3")} label12={t("measures.last12")} />
      <MeasuresTrend periods={d.periods} />
      <h3 className="font-semibold">{t("measures.improve")}</h3>
      <ImprovementLists lists={d.lists} />
    </section>
  );
}

/** The account manager's dashboard: their scorecard and each dealer's figures (the first page; the rest on /measures). */
export function AccountManagerMeasures({ d }: { d: NonNullable<Data["amMeasures"]> }) {
  const t = useT();
  return (
    <section className="card space-y-4" aria-labelledby="am-measures-h" data-testid="am-measures">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="am-measures-h" className="font-semibold">
          {t("measures.amDashboard")}
        </h2>
        <Link to="/measures" className="btn-secondary">
          {t("measures.openPage")}
        </Link>
      </div>
      {d.scorecard ? <Scorecard s={d.scorecard} /> : null}
      {d.rows.length ? <DealerMeasuresTable rows={d.rows} compact /> : <p className="text-sm text-slate-600">{t("measures.empty")}</p>}
    </section>
  );
}

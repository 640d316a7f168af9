import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ErrorPage } from "~/components/ErrorPage";
import { ListEmpty, ListHeader } from "~/components/list";
import { DealerMeasuresTable, Scorecard } from "~/components/measures";
import { useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { MeasuresListQuery } from "~/modules/sellout/measures.schema.server";
import { DEALER_CSV_HEADER, dealerMeasureList, exportDealerMeasures } from "~/modules/sellout/measures.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { pageMeta } from "~/utils/meta";
import { withLoader } from "~/utils/route";

export const meta = pageMeta("measures.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "measures:view");
  const query = parseQuery(request, MeasuresListQuery);
  if (query.format === "csv") return csvResponse("dealer-measures.csv", DEALER_CSV_HEADER, exportDealerMeasures(actor));
  return json({ list: await dealerMeasureList(actor, { page: query.page }) });
});

export default function Measures() {
  const { list } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="space-y-4">
      <ListHeader title={t("measures.title")} />
      <p className="text-sm text-slate-600">{t("measures.intro")}</p>
      {list.scorecard ? <Scorecard s={list.scorecard} /> : null}
      <h2 className="font-semibold">
        {t("measures.last3Months")} · {t("measures.months", { from: list.months.from, to: list.months.to })}
      </h2>
      <DealerMeasuresTable rows={list.rows} pager={list} empty={list.rows.length === 0 && <ListEmpty message={t("measures.empty")} />} />
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

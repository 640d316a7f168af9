import { localeOf } from "~/utils/request.server";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { EntriesTable, LedgerFilters } from "~/components/ledger-table";
import { ListEmpty, ListHeader } from "~/components/list";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { LEDGER_CSV_HEADER, dealerOptions, exportEntries, listEntries } from "~/modules/ledger/ledger.server";
import { LedgerListQuery } from "~/modules/ledger/ledger.schema.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("ledger.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "ledger:post");
  const query = parseQuery(request, LedgerListQuery);
  if (query.format === "csv") return csvResponse("ledger.csv", LEDGER_CSV_HEADER, exportEntries(actor, query, localeOf(request)));
  const [list, dealers] = await Promise.all([listEntries(actor, query), dealerOptions(actor)]);
  return json({ ...list, query, dealers });
});

export default function Ledger() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  return (
    <div className="space-y-4">
      <ListHeader
        title={t("ledger.title")}
        links={[
          { to: "/finance/fee-types", label: t("feeTypes.title") },
          { to: "/finance/payments/import", label: t("payments.importTitle") },
        ]}
        create={{ to: `/finance/ledger/new${data.query.dealerId ? `?dealerId=${data.query.dealerId}` : ""}`, label: t("ledger.postEntry") }}
      />
      <LedgerFilters query={data.query} dealers={data.dealers} basePath="/finance/ledger" />
      {data.query.dealerId ? (
        <p className="text-sm">
          <Link className="link" to={`/finance/ledger/${data.query.dealerId}`}>
            {t("ledger.viewDealer")} →
          </Link>
        </p>
      ) : null}
      {data.rows[0] ? <p className="text-sm text-slate-600">{t("ledger.sumFiltered", { amount: f.money(data.sumMinor, data.rows[0].currency) })}</p> : null}
      <EntriesTable rows={data.rows} showDealer showRunning={false} pager={data} empty={data.rows.length === 0 && <ListEmpty message={t("ledger.empty")} />} />
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

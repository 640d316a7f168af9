import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ErrorPage } from "~/components/ErrorPage";
import { DealerFilter, FilterBar, FilterSelect } from "~/components/filters";
import { Link } from "~/components/link";
import { ListHeader, ListTable, ListEmpty } from "~/components/list";
import { PeriodsTable, SelloutStatusBadge } from "~/components/sellout";
import { PageHeader, Stat } from "~/components/ui/layout";
import { Section } from "~/components/ui/record";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { DealerListQuery } from "~/modules/sellout/sellout.schema.server";
import { DEALER_CSV_HEADER, dealerOverview, exportDealers, listDealers } from "~/modules/sellout/sellout.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { pageMeta } from "~/utils/meta";
import { withLoader } from "~/utils/route";

export const meta = pageMeta("sellout.title");

/** A dealer's users: their own periods. Staff: the dealers in their scope and who has not reported the last period. */
export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "sellout:view");
  if (actor.dealerId !== null) return json({ kind: "dealer" as const, overview: await dealerOverview(actor, actor.dealerId) });
  const query = parseQuery(request, DealerListQuery);
  if (query.format === "csv") return csvResponse("sellout-dealers.csv", DEALER_CSV_HEADER, exportDealers(actor, query));
  return json({ kind: "staff" as const, list: await listDealers(actor, query), query });
});

export default function Sellout() {
  const data = useLoaderData<typeof loader>();
  return data.kind === "dealer" ? <DealerView overview={data.overview} /> : <StaffView list={data.list} query={data.query} />;
}

function DealerView({ overview }: { overview: Extract<ReturnType<typeof useLoaderData<typeof loader>>, { kind: "dealer" }>["overview"] }) {
  const t = useT();
  return (
    <div className="space-y-4">
      <PageHeader
        title={t("sellout.title")}
        crumbs={[{ label: t("nav.home"), to: "/" }, { label: t("sellout.title") }]}
        actions={
          overview.canReport ? (
            <Link to={`/sellout/${overview.dealer.id}/upload`} className="btn-primary">
              {t("sellout.upload")}
            </Link>
          ) : null
        }
      />
      <p className="max-w-3xl text-sm text-slate-600">{t("sellout.intro")}</p>
      <p className="text-sm">
        {t("sellout.frequency")}: {t(`sellout.frequency.${overview.dealer.frequency}`)}
      </p>
      <PeriodsTable dealerId={overview.dealer.id} currency={overview.dealer.currency} periods={overview.periods} />
    </div>
  );
}

type StaffData = Extract<ReturnType<typeof useLoaderData<typeof loader>>, { kind: "staff" }>;

function StaffView({ list, query }: { list: StaffData["list"]; query: StaffData["query"] }) {
  const t = useT();
  const f = useFormat();
  const missing = list.rows.filter((r) => !r.reportedAt);
  return (
    <div className="space-y-4">
      <ListHeader title={t("sellout.title")} />
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="sellout-counts">
        <Stat label={t("sellout.dealers")} value={f.number(list.total)} to="/sellout" />
        <Stat label={t("sellout.notReported")} value={f.number(list.notReported)} to="/sellout?missing=1" />
      </div>
      <Section title={t("sellout.notReported.title")} id="sellout-not-reported">
        {missing.length ? (
          <ul className="flex flex-wrap gap-2 text-sm" data-testid="sellout-not-reported">
            {missing.slice(0, 30).map((r) => (
              <li key={r.id}>
                <Link className="link" to={`/sellout/${r.id}`}>
                  {r.code} · {r.name}
                </Link>{" "}
                <span className="font-mono text-xs text-slate-500">{r.lastPeriod}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-600">{t("sellout.notReported.none")}</p>
        )}
      </Section>
      <FilterBar resetTo="/sellout" className="sm:grid-cols-4">
        <DealerFilter dealers={list.dealers} value={query.dealerId} wide />
        <FilterSelect
          name="missing"
          label={t("sellout.filter.show")}
          defaultValue={query.missing}
          all={t("ledger.allDealers")}
          options={[{ value: "1", label: t("sellout.filter.missing") }]}
        />
      </FilterBar>
      <ListTable
        testId="sellout-dealers"
        empty={list.rows.length === 0 && <ListEmpty message={t("sellout.empty")} />}
        head={
          <>
            <th scope="col">{t("sellout.dealer")}</th>
            <th scope="col">{t("sellout.region")}</th>
            <th scope="col">{t("sellout.accountManager")}</th>
            <th scope="col">{t("sellout.frequency")}</th>
            <th scope="col">{t("sellout.lastPeriod")}</th>
            <th scope="col">{t("sellout.status")}</th>
            <th scope="col">{t("sellout.reportedAt")}</th>
          </>
        }
      >
        {list.rows.map((r) => (
          <tr key={r.id} data-dealer={r.code}>
            <td className="wrap">
              <Link className="link" to={`/sellout/${r.id}`}>
                {r.code} · {r.name}
              </Link>
            </td>
            <td>{t(`region.${r.region}` as "region.east")}</td>
            <td>{r.accountManager ?? "—"}</td>
            <td>{t(`sellout.frequency.${r.frequency}` as "sellout.frequency.month")}</td>
            <td>
              <Link className="link font-mono" to={`/sellout/${r.id}/${r.lastPeriod}`}>
                {r.lastPeriod}
              </Link>
            </td>
            <td>
              <SelloutStatusBadge status={r.status} />
            </td>
            <td>{r.reportedAt ? f.dateTime(r.reportedAt) : "—"}</td>
          </tr>
        ))}
      </ListTable>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { ListTable, ListHeader, Th, ListEmpty } from "~/components/list";
import { Badge } from "~/components/ui/layout";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { exportDealers, listDealers } from "~/modules/organisations/organisations.server";
import { REGIONS, TIERS } from "~/modules/organisations/organisations.schema";
import { DealerListQuery } from "~/modules/organisations/organisations.schema.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { CodeFilter, FilterBar, SearchFilter } from "~/components/filters";

export const meta = pageMeta("dealers.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "dealer:manage");
  const query = parseQuery(request, DealerListQuery);
  if (query.format === "csv")
    return csvResponse("dealers.csv", ["code", "name", "region", "tier", "currency", "credit_limit", "status", "account_manager"], exportDealers(actor, query));
  return json({ ...(await listDealers(actor, query)), query });
});

export default function Dealers() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  return (
    <div>
      <ListHeader title={t("dealers.title")} create={{ to: "/admin/dealers/new", label: t("dealers.new") }} />
      <FilterBar resetTo="/admin/dealers" className="mb-4 sm:grid-cols-5">
        <SearchFilter value={data.query.q} placeholder={t("dealers.searchPlaceholder")} />
        <CodeFilter name="region" label={t("common.region")} value={data.query.region} codes={REGIONS} labels="region" />
        <CodeFilter name="tier" label={t("common.tier")} value={data.query.tier} codes={TIERS} labels="tier" />
      </FilterBar>
      <ListTable
        pager={data}
        empty={data.rows.length === 0 && <ListEmpty message={t("dealers.empty")} />}
        head={
          <>
            <Th>{t("dealers.code")}</Th>
            <Th>{t("common.name")}</Th>
            <Th>{t("common.region")}</Th>
            <Th>{t("common.tier")}</Th>
            <Th num>{t("dealers.creditLimit")}</Th>
            <Th>{t("dealers.accountManager")}</Th>
            <Th>{t("common.status")}</Th>
          </>
        }
      >
        {data.rows.map((d) => (
          <tr key={d.id}>
            <td>
              <Link className="link" to={`/admin/dealers/${d.id}`}>
                {d.code}
              </Link>
            </td>
            <td>{d.name}</td>
            <td>{t(`region.${d.region}` as "region.east")}</td>
            <td>{t(`tier.${d.tier}` as "tier.gold")}</td>
            <td className="text-right tabular-nums">{f.money(d.credit_limit_minor, d.currency)}</td>
            <td>{d.account_manager_name ?? t("dealers.unassigned")}</td>
            <td>
              <Badge tone={d.status === "active" ? "green" : "slate"}>{t(`status.${d.status}` as "status.active")}</Badge>
            </td>
          </tr>
        ))}
      </ListTable>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { ListTable, ListHeader, Th, ListEmpty } from "~/components/list";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { ACCOUNT_SIZES, INDUSTRIES, KEY_ACCOUNT_SORTS } from "~/modules/deals/deals.schema";
import { KeyAccountListQuery } from "~/modules/deals/deals.schema.server";
import { KEY_ACCOUNT_CSV_HEADER, exportKeyAccounts, keyAccountFormOptions, listKeyAccounts } from "~/modules/deals/key-accounts.server";
import { REGIONS } from "~/modules/organisations/organisations.schema";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { FilterBar, FilterSelect, SearchFilter } from "~/components/filters";

export const meta = pageMeta("keyAccounts.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "key_account:read");
  const query = parseQuery(request, KeyAccountListQuery);
  if (query.format === "csv") return csvResponse("key-accounts.csv", KEY_ACCOUNT_CSV_HEADER, exportKeyAccounts(actor, query));
  const [result, options] = await Promise.all([listKeyAccounts(actor, query), keyAccountFormOptions(actor)]);
  return json({ ...result, query, ...options });
});

export default function KeyAccounts() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const q = data.query;
  return (
    <div>
      <ListHeader title={t("keyAccounts.title")} create={{ to: "/key-accounts/new", label: t("keyAccounts.new") }} />
      <FilterBar resetTo="/key-accounts" className="mb-4 sm:grid-cols-4">
        <SearchFilter value={q.q} placeholder={t("keyAccounts.searchPlaceholder")} />
        <FilterSelect
          name="industry"
          label={t("keyAccounts.industry")}
          defaultValue={q.industry}
          all
          options={INDUSTRIES.map((i) => ({ value: i, label: t(`keyAccounts.industry.${i}`) }))}
        />
        <FilterSelect
          name="region"
          label={t("common.region")}
          defaultValue={q.region}
          all
          options={REGIONS.map((r) => ({ value: r, label: t(`region.${r}`) }))}
        />
        <FilterSelect
          name="size"
          label={t("keyAccounts.size")}
          defaultValue={q.size}
          all
          options={ACCOUNT_SIZES.map((s) => ({ value: s, label: t(`keyAccounts.size.${s}`) }))}
        />
        {data.isAdmin ? (
          <FilterSelect
            name="ownerId"
            label={t("keyAccounts.owner")}
            defaultValue={q.ownerId}
            all
            options={data.accountManagers.map((a) => ({ value: a.id, label: a.name }))}
          />
        ) : null}
        <FilterSelect
          name="sort"
          label={t("common.sort")}
          defaultValue={q.sort}
          options={KEY_ACCOUNT_SORTS.map((s) => ({ value: s, label: t(`keyAccounts.sort.${s}`) }))}
        />
      </FilterBar>
      <ListTable
        pager={data}
        empty={data.rows.length === 0 && <ListEmpty message={t("keyAccounts.empty")} create={{ to: "/key-accounts/new", label: t("keyAccounts.new") }} />}
        testId="key-accounts-table"
        head={
          <>
            <Th>{t("common.name")}</Th>
            <Th>{t("keyAccounts.creditCode")}</Th>
            <Th>{t("keyAccounts.industry")}</Th>
            <Th>{t("common.region")}</Th>
            <Th>{t("keyAccounts.size")}</Th>
            <Th>{t("keyAccounts.owner")}</Th>
            <Th num>{t("keyAccounts.openDeals")}</Th>
          </>
        }
      >
        {data.rows.map((k) => (
          <tr key={k.id}>
            <td>
              <Link className="link" to={`/key-accounts/${k.id}`}>
                {k.name}
              </Link>
            </td>
            <td className="font-mono text-xs">{k.credit_code ?? "—"}</td>
            <td>{t(`keyAccounts.industry.${k.industry}` as "keyAccounts.industry.other")}</td>
            <td>{k.region ? t(`region.${k.region}` as "region.east") : "—"}</td>
            <td>{t(`keyAccounts.size.${k.size}` as "keyAccounts.size.medium")}</td>
            <td>{k.owner_name}</td>
            <td className="text-right tabular-nums">{f.number(k.open_deals)}</td>
          </tr>
        ))}
      </ListTable>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

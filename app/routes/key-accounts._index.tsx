import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { ErrorPage } from "~/components/ErrorPage";
import { CsvLink, ListPager } from "~/components/list";
import { EmptyState, PageHeader } from "~/components/ui/layout";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { ACCOUNT_SIZES, INDUSTRIES, KEY_ACCOUNT_SORTS, KeyAccountListQuery } from "~/modules/deals/deals.schema";
import { KEY_ACCOUNT_CSV_HEADER, exportKeyAccounts, keyAccountFormOptions, listKeyAccounts } from "~/modules/deals/key-accounts.server";
import { REGIONS } from "~/modules/organisations/organisations.schema";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { ScrollX } from "~/components/ui/scroll-x";

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
      <PageHeader
        title={t("keyAccounts.title")}
        crumbs={[{ label: t("nav.home"), to: "/" }, { label: t("keyAccounts.title") }]}
        breadcrumbLabel={t("nav.breadcrumb")}
        actions={
          <>
            <CsvLink />
            <Link to="/key-accounts/new" className="btn-primary">{t("keyAccounts.new")}</Link>
          </>
        }
      />
      <Form method="get" className="card mb-4 grid gap-3 sm:grid-cols-4" role="search">
        <div className="sm:col-span-2">
          <label htmlFor="q" className="label">{t("common.search")}</label>
          <input id="q" name="q" className="input" defaultValue={q.q ?? ""} placeholder={t("keyAccounts.searchPlaceholder")} />
        </div>
        <div>
          <label htmlFor="industry" className="label">{t("keyAccounts.industry")}</label>
          <select id="industry" name="industry" className="input" defaultValue={q.industry ?? ""}>
            <option value="">{t("common.all")}</option>
            {INDUSTRIES.map((i) => <option key={i} value={i}>{t(`keyAccounts.industry.${i}`)}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="region" className="label">{t("common.region")}</label>
          <select id="region" name="region" className="input" defaultValue={q.region ?? ""}>
            <option value="">{t("common.all")}</option>
            {REGIONS.map((r) => <option key={r} value={r}>{t(`region.${r}`)}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="size" className="label">{t("keyAccounts.size")}</label>
          <select id="size" name="size" className="input" defaultValue={q.size ?? ""}>
            <option value="">{t("common.all")}</option>
            {ACCOUNT_SIZES.map((s) => <option key={s} value={s}>{t(`keyAccounts.size.${s}`)}</option>)}
          </select>
        </div>
        {data.isAdmin ? (
          <div>
            <label htmlFor="ownerId" className="label">{t("keyAccounts.owner")}</label>
            <select id="ownerId" name="ownerId" className="input" defaultValue={q.ownerId ?? ""}>
              <option value="">{t("common.all")}</option>
              {data.accountManagers.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
            </select>
          </div>
        ) : null}
        <div>
          <label htmlFor="sort" className="label">{t("common.sort")}</label>
          <select id="sort" name="sort" className="input" defaultValue={q.sort}>
            {KEY_ACCOUNT_SORTS.map((s) => <option key={s} value={s}>{t(`keyAccounts.sort.${s}`)}</option>)}
          </select>
        </div>
        <div className="flex items-end gap-2">
          <button type="submit" className="btn-primary">{t("common.apply")}</button>
          <Link to="/key-accounts" className="btn-secondary">{t("common.reset")}</Link>
        </div>
      </Form>
      {data.rows.length === 0 ? (
        <EmptyState message={t("keyAccounts.empty")} action={<Link to="/key-accounts/new" className="btn-primary">{t("keyAccounts.new")}</Link>} />
      ) : (
        <ScrollX className="card p-0">
          <table className="table" data-testid="key-accounts-table">
            <thead>
              <tr>
                <th scope="col">{t("common.name")}</th>
                <th scope="col">{t("keyAccounts.creditCode")}</th>
                <th scope="col">{t("keyAccounts.industry")}</th>
                <th scope="col">{t("common.region")}</th>
                <th scope="col">{t("keyAccounts.size")}</th>
                <th scope="col">{t("keyAccounts.owner")}</th>
                <th scope="col" className="text-right">{t("keyAccounts.openDeals")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.rows.map((k) => (
                <tr key={k.id}>
                  <td><Link className="link" to={`/key-accounts/${k.id}`}>{k.name}</Link></td>
                  <td className="font-mono text-xs">{k.credit_code ?? "—"}</td>
                  <td>{t(`keyAccounts.industry.${k.industry}` as "keyAccounts.industry.other")}</td>
                  <td>{k.region ? t(`region.${k.region}` as "region.east") : "—"}</td>
                  <td>{t(`keyAccounts.size.${k.size}` as "keyAccounts.size.medium")}</td>
                  <td>{k.owner_name}</td>
                  <td className="text-right tabular-nums">{f.number(k.open_deals)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollX>
      )}
      <ListPager page={data.page} pageSize={data.pageSize} total={data.total} />
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

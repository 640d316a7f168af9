import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { ErrorPage } from "~/components/ErrorPage";
import { CsvLink, ListPager } from "~/components/list";
import { Badge, EmptyState, PageHeader } from "~/components/ui/layout";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { PRODUCT_CSV_HEADER, ProductListQuery } from "~/modules/catalog/catalog.schema";
import { exportProducts, listProducts } from "~/modules/catalog/catalog.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { ScrollX } from "~/components/ui/scroll-x";

export const meta = pageMeta("products.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "product:manage");
  const query = parseQuery(request, ProductListQuery);
  const { page, format, ...filter } = query;
  // The export is the products import format: export → edit → import round-trips.
  if (format === "csv") return csvResponse("products.csv", [...PRODUCT_CSV_HEADER], exportProducts(actor, filter));
  return json({ ...(await listProducts(actor, { ...filter, page })), query });
});

export default function AdminProducts() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const q = data.query;
  const nameOf = (x: { name_en: string; name_zh: string }) => (locale === "en" ? x.name_en : x.name_zh);
  const catName = new Map(data.categories.map((c) => [c.code, nameOf(c)]));
  return (
    <div>
      <PageHeader
        title={t("products.title")}
        crumbs={[{ label: t("nav.home"), to: "/" }, { label: t("products.title") }]}
        breadcrumbLabel={t("nav.breadcrumb")}
        actions={
          <>
            <CsvLink />
            <Link to="/stock/import" className="btn-secondary">{t("import.title")}</Link>
            <Link to="/admin/holidays" className="btn-secondary">{t("holidays.title")}</Link>
            <Link to="/admin/warehouses" className="btn-secondary">{t("warehouses.title")}</Link>
            <Link to="/admin/products/new" className="btn-primary">{t("products.new")}</Link>
          </>
        }
      />
      <Form method="get" className="card mb-4 grid gap-3 sm:grid-cols-6" role="search">
        <div className="sm:col-span-2">
          <label htmlFor="q" className="label">{t("common.search")}</label>
          <input id="q" name="q" type="search" className="input" defaultValue={q.q ?? ""} placeholder={t("stock.searchPlaceholder")} />
        </div>
        <div>
          <label htmlFor="category" className="label">{t("stock.category")}</label>
          <select id="category" name="category" className="input" defaultValue={q.category ?? ""}>
            <option value="">{t("common.all")}</option>
            {data.categories.map((c) => <option key={c.code} value={c.code}>{nameOf(c)}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="line" className="label">{t("stock.productLine")}</label>
          <select id="line" name="line" className="input" defaultValue={q.line ?? ""}>
            <option value="">{t("common.all")}</option>
            {data.lines.map((c) => <option key={c.code} value={c.code}>{nameOf(c)}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="status" className="label">{t("common.status")}</label>
          <select id="status" name="status" className="input" defaultValue={q.status ?? ""}>
            <option value="">{t("common.all")}</option>
            <option value="active">{t("products.status.active")}</option>
            <option value="discontinued">{t("products.status.discontinued")}</option>
          </select>
        </div>
        <div>
          <label htmlFor="mto" className="label">{t("stock.madeToOrder")}</label>
          <select id="mto" name="mto" className="input" defaultValue={q.mto ?? ""}>
            <option value="">{t("common.all")}</option>
            <option value="only">{t("stock.mtoOnly")}</option>
            <option value="exclude">{t("stock.mtoExclude")}</option>
          </select>
        </div>
        <div className="flex items-end gap-2 sm:col-span-6">
          <button type="submit" className="btn-primary">{t("common.apply")}</button>
          <Link to="/admin/products" className="btn-secondary">{t("common.reset")}</Link>
        </div>
      </Form>
      {data.rows.length === 0 ? (
        <EmptyState message={t("products.empty")} action={<Link to="/admin/products/new" className="btn-primary">{t("products.new")}</Link>} />
      ) : (
        <ScrollX className="card p-0">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t("stock.sku")}</th>
                <th scope="col">{t("stock.product")}</th>
                <th scope="col">{t("stock.category")}</th>
                <th scope="col" className="text-right">{t("stock.listPrice")}</th>
                <th scope="col">{t("common.status")}</th>
                <th scope="col">{t("common.updated")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.rows.map((p) => (
                <tr key={p.id}>
                  <td className="font-mono text-xs"><Link className="link" to={`/admin/products/${p.id}`}>{p.sku}</Link></td>
                  <td>
                    {nameOf(p)} {p.made_to_order ? <Badge tone="blue">{t("stock.madeToOrder")}</Badge> : null}
                  </td>
                  <td>{catName.get(p.category_code) ?? p.category_code}</td>
                  <td className="text-right tabular-nums">{f.money(p.list_price_minor, p.currency)}</td>
                  <td><Badge tone={p.status === "active" ? "green" : "slate"}>{t(`products.status.${p.status}` as "products.status.active")}</Badge></td>
                  <td className="whitespace-nowrap">{f.dateTime(p.updated_at)}</td>
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

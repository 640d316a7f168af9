import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { CategoryLineFilters, MadeToOrderFilter, ProductStatusFilter } from "~/components/catalog/CatalogFilters";
import { ListTable, ListHeader, Th, ListEmpty } from "~/components/list";
import { Badge } from "~/components/ui/layout";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { PRODUCT_CSV_HEADER } from "~/modules/catalog/catalog.schema";
import { ProductListQuery } from "~/modules/catalog/catalog.schema.server";
import { exportProducts, listProducts } from "~/modules/catalog/catalog.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { FilterBar, SearchFilter } from "~/components/filters";

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
      <ListHeader
        title={t("products.title")}
        links={[
          { to: "/stock/import", label: t("import.title") },
          { to: "/admin/holidays", label: t("holidays.title") },
          { to: "/admin/warehouses", label: t("warehouses.title") },
        ]}
        create={{ to: "/admin/products/new", label: t("products.new") }}
      />
      <FilterBar resetTo="/admin/products" className="mb-4 sm:grid-cols-6" actionsClassName="sm:col-span-6">
        <SearchFilter value={q.q} placeholder={t("stock.searchPlaceholder")} />
        <CategoryLineFilters categories={data.categories} lines={data.lines} category={q.category} line={q.line} />
        <ProductStatusFilter value={q.status} />
        <MadeToOrderFilter value={q.mto} />
      </FilterBar>
      <ListTable
        pager={data}
        empty={data.rows.length === 0 && <ListEmpty message={t("products.empty")} create={{ to: "/admin/products/new", label: t("products.new") }} />}
        head={
          <>
            <Th>{t("stock.sku")}</Th>
            <Th>{t("stock.product")}</Th>
            <Th>{t("stock.category")}</Th>
            <Th num>{t("stock.listPrice")}</Th>
            <Th>{t("common.status")}</Th>
            <Th>{t("common.updated")}</Th>
          </>
        }
      >
        {data.rows.map((p) => (
          <tr key={p.id}>
            <td className="font-mono text-xs">
              <Link className="link" to={`/admin/products/${p.id}`}>
                {p.sku}
              </Link>
            </td>
            <td>
              {nameOf(p)} {p.made_to_order ? <Badge tone="blue">{t("stock.madeToOrder")}</Badge> : null}
            </td>
            <td>{catName.get(p.category_code) ?? p.category_code}</td>
            <td className="text-right tabular-nums">{f.money(p.list_price_minor, p.currency)}</td>
            <td>
              <Badge tone={p.status === "active" ? "green" : "slate"}>{t(`products.status.${p.status}` as "products.status.active")}</Badge>
            </td>
            <td className="whitespace-nowrap">{f.dateTime(p.updated_at)}</td>
          </tr>
        ))}
      </ListTable>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

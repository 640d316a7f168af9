import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useLocation } from "@remix-run/react";
import { AvailabilityForm, AvailabilityResult, type AvailabilityView } from "~/components/catalog/Availability";
import { CategoryLineFilters, MadeToOrderFilter, ProductStatusFilter } from "~/components/catalog/CatalogFilters";
import { ListTable, ListHeader, Th, ListEmpty } from "~/components/list";
import { stockRowsHtml } from "~/components/catalog/stock-rows";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { can } from "~/modules/auth/actor";
import { requireActor } from "~/modules/auth/auth.server";
import { answerAvailability } from "~/modules/catalog/availability.server";
import { STOCK_SORTS } from "~/modules/catalog/catalog.schema";
import { StockQuery } from "~/modules/catalog/catalog.schema.server";
import { exportStock, listStock } from "~/modules/catalog/catalog.server";
import { REGIONS } from "~/modules/organisations/organisations.schema";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { localeOf } from "~/utils/request.server";
import { unitLabel } from "~/i18n";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { FilterBar, FilterSelect, SearchFilter } from "~/components/filters";

export const meta = pageMeta("stock.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "catalog:read");
  const query = parseQuery(request, StockQuery);
  const { page, format, check, checkSku, checkQty, checkDate, checkRegion, ...filter } = query;
  if (format === "csv") {
    const { header, batches } = await exportStock(actor, filter);
    return csvResponse("stock.csv", header, batches);
  }
  const [data, answer] = await Promise.all([
    listStock(actor, { ...filter, page }),
    check ? answerAvailability(request, actor, { sku: checkSku, quantity: checkQty, neededBy: checkDate, region: checkRegion }) : Promise.resolve(null),
  ]);
  // Lean loader data (it is serialised into the document): the row fields the table
  // shows, the name in the viewer's language, availability as one number per shown warehouse.
  const en = localeOf(request) === "en";
  const rows = data.rows.map((r) => ({
    id: r.id,
    sku: r.sku,
    name: en ? r.name_en : r.name_zh,
    category_code: r.category_code,
    product_line_code: r.product_line_code,
    unit: unitLabel(localeOf(request), r.unit),
    currency: r.currency,
    status: r.status,
    made_to_order: r.made_to_order,
    lead_time_days: r.lead_time_days,
    price_minor: r.price_minor,
    byWarehouse: data.warehouses.map((w) => r.availableIn[w.id] ?? 0),
    available: r.available,
    nextIncoming: r.nextIncoming,
    promiseDate: r.promiseDate,
  }));
  // Every warehouse (for the filter) only when a region or warehouse narrows the columns.
  const allWarehouses = data.warehouses.length === data.allWarehouses.length ? null : data.allWarehouses;
  return json({ ...data, allWarehouses, rows, query, answer: answer as AvailabilityView | null, canImport: can(actor, "stock:import") });
});

const FILTER_KEYS = ["q", "category", "line", "region", "warehouse", "availableOnly", "mto", "status", "sort", "page"] as const;

export default function Stock() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const location = useLocation();
  const q = data.query;
  const nameOf = (x: { name_en: string; name_zh: string }) => (locale === "en" ? x.name_en : x.name_zh);
  const catName = new Map(data.categories.map((c) => [c.code, nameOf(c)]));
  const lineName = new Map(data.lines.map((c) => [c.code, nameOf(c)]));
  const hidden: Record<string, string> = {};
  const sp = new URLSearchParams(location.search);
  for (const k of FILTER_KEYS) {
    const v = sp.get(k);
    if (v) hidden[k] = v;
  }
  // The row links keep the filters (no checkSku among them) and add the SKU (letters,
  // digits, ".", "-", "_": the same in either encoding).
  const filters = new URLSearchParams(hidden).toString();
  const checkHref = (sku: string) => `/stock?${filters ? `${filters}&` : ""}checkSku=${encodeURIComponent(sku)}#availability`;
  const priceLabel = data.tier ? t("stock.yourPrice") : t("stock.listPrice");
  const rowsHtml = stockRowsHtml(data.rows, {
    f,
    categoryName: (code) => catName.get(code) ?? code,
    lineName: (code) => lineName.get(code) ?? code,
    checkHref,
    checkLabel: t("avail.checkShort"),
    noPromise: t("stock.noPromise"),
    discontinued: t("products.status.discontinued"),
    mtoBadge: (days) => t("stock.mtoBadge", { days }),
    labels: {
      sku: t("stock.sku"),
      product: t("stock.product"),
      price: priceLabel,
      warehouses: data.warehouses.map((w) => `${w.code} ${t(`region.${w.region}` as "region.east")}`),
      available: t("stock.availableTotal"),
      nextIncoming: t("stock.nextIncoming"),
      promiseDate: t("stock.promiseDate"),
    },
  });
  const answer = data.answer;
  return (
    <div className="space-y-4">
      <ListHeader title={t("stock.title")} links={[data.canImport && { to: "/stock/import", label: t("import.title") }]} />
      <details id="availability" className="card" open={Boolean(answer) || Boolean(q.checkSku)}>
        <summary className="cursor-pointer font-semibold">{t("avail.title")}</summary>
        <p className="mb-3 mt-1 text-sm text-slate-600">{t("avail.help")}</p>
        <AvailabilityForm
          hidden={hidden}
          showSku
          today={data.today}
          defaults={{ sku: q.checkSku, quantity: q.checkQty, neededBy: q.checkDate, region: q.checkRegion ?? data.dealerRegion ?? undefined }}
          errors={answer && !answer.ok ? answer.fieldErrors : undefined}
        />
        {answer && answer.ok ? (
          <div className="mt-4">
            <AvailabilityResult answer={answer} />
          </div>
        ) : null}
      </details>
      <FilterBar resetTo="/stock" className="sm:grid-cols-4 lg:grid-cols-6" actionsClassName="sm:col-span-2">
        <SearchFilter value={q.q} placeholder={t("stock.searchPlaceholder")} />
        <CategoryLineFilters categories={data.categories} lines={data.lines} category={q.category} line={q.line} />
        <FilterSelect
          name="region"
          label={t("common.region")}
          defaultValue={q.region}
          all
          options={REGIONS.map((r) => ({ value: r, label: t(`region.${r}`) }))}
        />
        <FilterSelect
          name="warehouse"
          label={t("stock.warehouse")}
          defaultValue={q.warehouse || ""}
          all
          options={(data.allWarehouses ?? data.warehouses).map((w) => ({ value: w.id, label: `${w.code} · ${nameOf(w)}` }))}
        />
        <MadeToOrderFilter value={q.mto} />
        <ProductStatusFilter value={q.status} allAsValue />
        <FilterSelect
          name="sort"
          label={t("common.sort")}
          defaultValue={q.sort}
          options={STOCK_SORTS.map((s) => ({ value: s, label: t(`stock.sort.${s}`) }))}
        />
        <div className="flex items-end">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="availableOnly" value="1" defaultChecked={q.availableOnly} className="h-4 w-4" />
            {t("stock.availableOnly")}
          </label>
        </div>
      </FilterBar>
      <ListTable
        testId="stock-table"
        pager={data}
        empty={data.rows.length === 0 && <ListEmpty message={t("stock.empty")} reset="/stock" />}
        head={
          <>
            <Th>{t("stock.sku")}</Th>
            <Th>{t("stock.product")}</Th>
            <Th num>{priceLabel}</Th>
            <Th num>{t("stock.availableTotal")}</Th>
            <Th>{t("stock.promiseDate")}</Th>
            <Th>{t("stock.nextIncoming")}</Th>
            {data.warehouses.map((w) => (
              <th key={w.id} scope="col" className="text-right" title={nameOf(w)}>
                {w.code}
                <span className="block text-xs font-normal text-slate-500">{t(`region.${w.region}` as "region.east")}</span>
              </th>
            ))}
          </>
        }
        /* Rendered as one string: the largest element count of any page (decision 078). */
        rowsHtml={rowsHtml}
      />
      <p className="text-xs text-slate-500">{t("stock.footnote", { date: f.date(data.today) })}</p>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

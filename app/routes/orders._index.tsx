import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { Link } from "~/components/link";
import { ListTable, ListHeader, Th, ListEmpty } from "~/components/list";
import { OrderStatusBadge } from "~/components/orders/OrderStatusBadge";
import { Notice } from "~/components/ui/form";
import type { MessageKey } from "~/i18n";
import { useFormat, useT } from "~/i18n/react";
import { can } from "~/modules/auth/actor";
import { requireActor } from "~/modules/auth/auth.server";
import { SORTS } from "~/modules/orders/orders.schema";
import { OrderListQuery } from "~/modules/orders/orders.schema.server";
import { dealerFilterOptions, exportOrders, listOrders, ORDER_CSV_HEADER } from "~/modules/orders/orders.views.server";
import { ORDER_STATUSES } from "~/modules/orders/state";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { FilterBar, FilterInput, FilterSelect, DealerFilter } from "~/components/filters";

export const meta = pageMeta("orders.title");

export const loader = /* @__PURE__ */ withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "order:read");
  const query = parseQuery(request, OrderListQuery);
  if (query.format === "csv") return csvResponse("orders.csv", ORDER_CSV_HEADER, exportOrders(actor, query));
  const [result, dealers] = await Promise.all([listOrders(actor, query), dealerFilterOptions(actor)]);
  return json({ ...result, query, dealers, canCreate: can(actor, "order:create"), canManageAddresses: can(actor, "address:manage") });
});

export default function Orders() {
  const data = useLoaderData<typeof loader>();
  const [sp] = useSearchParams();
  const t = useT();
  const f = useFormat();
  const q = data.query;
  const filtered = Boolean(q.status || q.from || q.to || q.q || q.sku || q.dealId || q.dealerId);
  return (
    <div>
      <ListHeader
        title={t("orders.title")}
        links={[data.canManageAddresses && { to: "/orders/addresses", label: t("orders.addresses") }]}
        create={data.canCreate && { to: "/orders/new", label: t("orders.new") }}
      />
      <Notice message={sp.get("deleted") ? t("orders.draftDeleted") : undefined} />
      <FilterBar resetTo="/orders" className="mb-4 sm:grid-cols-2 lg:grid-cols-4">
        <FilterInput name="q" label={t("orders.searchNumberPo")} defaultValue={q.q} placeholder="SO-2026-… / PO" />
        <FilterSelect
          name="status"
          label={t("common.status")}
          defaultValue={q.status}
          all
          options={ORDER_STATUSES.map((s) => ({ value: s, label: t(`orders.status.${s}` as MessageKey) }))}
        />
        <FilterInput name="sku" label={t("orders.productSku")} defaultValue={q.sku} />
        {data.dealers.length ? <DealerFilter dealers={data.dealers} value={q.dealerId || ""} /> : null}
        <FilterInput name="from" type="date" label={t("orders.createdFrom")} defaultValue={q.from} />
        <FilterInput name="to" type="date" label={t("orders.createdTo")} defaultValue={q.to} />
        <FilterInput name="dealId" inputMode="numeric" label={t("orders.dealId")} defaultValue={q.dealId || ""} />
        <FilterSelect
          name="sort"
          label={t("common.sort")}
          defaultValue={q.sort}
          options={SORTS.map((s) => ({ value: s, label: t(`orders.sort.${s}` as MessageKey) }))}
        />
      </FilterBar>
      <ListTable
        testId="orders-table"
        pager={data}
        empty={
          data.rows.length === 0 && (
            <ListEmpty
              message={filtered ? t("common.noResults") : data.canCreate ? t("orders.emptyDealer") : t("orders.empty")}
              create={!filtered && data.canCreate && { to: "/orders/new", label: t("orders.new") }}
            />
          )
        }
        head={
          <>
            <Th>{t("orders.number")}</Th>
            <Th>{t("common.status")}</Th>
            {data.dealers.length ? <Th>{t("orders.dealer")}</Th> : null}
            <Th>{t("orders.poReference")}</Th>
            <Th num>{t("orders.total")}</Th>
            <Th>{t("orders.requestedDate")}</Th>
            <Th>{t("orders.promisedDate")}</Th>
            <Th>{t("common.created")}</Th>
          </>
        }
      >
        {data.rows.map((o) => (
          <tr key={o.id}>
            <td>
              {o.number ? (
                <Link className="link font-mono" to={`/orders/${o.number}`}>
                  {o.number}
                </Link>
              ) : data.canCreate ? (
                <Link className="link" to={`/orders/drafts/${o.id}`}>
                  {t("orders.draftN", { id: o.id })}
                </Link>
              ) : (
                t("orders.draftN", { id: o.id })
              )}
              {/* Only who may create orders edits a draft (a sent-back order included): no link that answers 403. */}
              {o.status === "draft" && o.number && data.canCreate ? (
                <Link className="link ml-2 text-xs" to={`/orders/drafts/${o.id}`}>
                  {t("common.edit")}
                </Link>
              ) : null}
            </td>
            <td>
              <OrderStatusBadge status={o.status} />
            </td>
            {data.dealers.length ? (
              <td>
                {o.dealer_code} · {o.dealer_name}
              </td>
            ) : null}
            <td>{o.po_reference || "—"}</td>
            <td className="text-right">{f.money(o.total_minor, o.currency)}</td>
            <td>{f.date(o.requested_date)}</td>
            <td>{f.date(o.promised_date)}</td>
            <td>{f.dateTime(o.created_at)}</td>
          </tr>
        ))}
      </ListTable>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

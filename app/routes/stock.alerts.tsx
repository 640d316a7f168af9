import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { ListTable, ListHeader, Th, ListEmpty } from "~/components/list";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { STOCK_ALERT_KINDS } from "~/modules/reports/ops-lists.schema";
import { StockAlertsQuery } from "~/modules/reports/ops-lists.schema.server";
import { exportStockAlerts, stockAlertList } from "~/modules/reports/reports.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("alerts.title");

/** The lists behind the ops dashboard's stock-alert figures (their totals equal the figures). */
export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "order:review");
  const query = parseQuery(request, StockAlertsQuery);
  if (query.format === "csv") {
    const header =
      query.kind === "low"
        ? ["sku", "name_zh", "name_en", "warehouse", "on_hand", "reserved", "available"]
        : ["sku", "name_zh", "name_en", "warehouse", "quantity", "eta", "source", "reference"];
    return csvResponse(`stock-alerts-${query.kind}.csv`, header, exportStockAlerts(actor, query.kind));
  }
  return json(await stockAlertList(actor, query));
});

export default function StockAlerts() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const name = (r: { name_en: string; name_zh: string }) => (locale === "en" ? r.name_en : r.name_zh);
  const n = d.threshold;
  return (
    <div className="space-y-4">
      <ListHeader title={t("alerts.title")} parent={{ label: t("stock.title"), to: "/stock" }} />
      <nav className="flex gap-2" aria-label={t("alerts.kinds")}>
        {STOCK_ALERT_KINDS.map((k) => (
          <Link key={k} to={`?kind=${k}`} className={d.kind === k ? "btn-primary" : "btn-secondary"} aria-current={d.kind === k ? "page" : undefined}>
            {k === "low" ? t("alerts.low", { n }) : t("alerts.late")}
          </Link>
        ))}
      </nav>
      <p className="text-sm text-slate-600" data-testid="alerts-help">
        {d.kind === "low" ? t("alerts.help.low", { n, total: f.number(d.total) }) : t("alerts.help.late", { total: f.number(d.total) })}
      </p>
      <ListTable
        pager={d}
        empty={d.total === 0 && <ListEmpty message={d.kind === "low" ? t("alerts.empty.low", { n }) : t("alerts.empty.late")} />}
        testId="alerts-table"
        head={
          <>
            <Th>{t("stock.sku")}</Th>
            <Th>{t("stock.product")}</Th>
            <Th>{t("stock.warehouse")}</Th>
            {d.kind === "low" ? (
              <>
                <Th num>{t("stock.onHand")}</Th>
                <Th num>{t("stock.reserved")}</Th>
                <Th num>{t("stock.available")}</Th>
              </>
            ) : (
              <>
                <Th num>{t("alerts.quantity")}</Th>
                <Th>{t("stock.eta")}</Th>
                <Th>{t("alerts.reference")}</Th>
              </>
            )}
          </>
        }
      >
        {d.kind === "low"
          ? d.rows.map((r) => (
              <tr key={`${r.sku}-${r.warehouse}`}>
                <td className="whitespace-nowrap font-mono text-xs">
                  <Link className="link" to={`/products/${encodeURIComponent(r.sku)}`}>
                    {r.sku}
                  </Link>
                </td>
                <td>{name(r)}</td>
                <td>{r.warehouse}</td>
                <td className="num">{f.number(r.on_hand)}</td>
                <td className="num">{f.number(r.reserved)}</td>
                <td className="num font-semibold">{f.number(r.available)}</td>
              </tr>
            ))
          : d.late.map((r, i) => (
              <tr key={`${r.sku}-${r.warehouse}-${r.eta}-${i}`}>
                <td className="whitespace-nowrap font-mono text-xs">
                  <Link className="link" to={`/products/${encodeURIComponent(r.sku)}`}>
                    {r.sku}
                  </Link>
                </td>
                <td>{name(r)}</td>
                <td>{r.warehouse}</td>
                <td className="num">{f.number(r.quantity)}</td>
                <td className="whitespace-nowrap text-red-700">{f.date(r.eta)}</td>
                <td className="text-xs">
                  {t(`stock.source.${r.source}` as "stock.source.purchase")} {r.reference ?? ""}
                </td>
              </tr>
            ))}
      </ListTable>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

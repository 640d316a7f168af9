import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { ListTable, ListHeader, Th, ListEmpty } from "~/components/list";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { MadeToOrderDueQuery } from "~/modules/reports/ops-lists.schema.server";
import { exportMadeToOrderDue, madeToOrderDueList } from "~/modules/reports/reports.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { FilterBar, FilterInput } from "~/components/filters";

export const meta = pageMeta("due.title");

/** The made-to-order lines behind the ops dashboard's "due this week" figure (its total equals the figure). */
export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "order:review");
  const query = parseQuery(request, MadeToOrderDueQuery);
  if (query.format === "csv") {
    return csvResponse(
      "made-to-order-due.csv",
      ["order", "dealer_code", "dealer_name", "line", "sku", "name_zh", "name_en", "quantity", "shipped", "promise_date"],
      exportMadeToOrderDue(actor, query),
    );
  }
  return json(await madeToOrderDueList(actor, query));
});

export default function MadeToOrderDue() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  return (
    <div className="space-y-4">
      <ListHeader title={t("due.title")} parent={{ label: t("review.title"), to: "/review/orders" }} />
      <FilterBar resetTo="/review/due" inline>
        <FilterInput name="from" type="date" label={t("common.from")} defaultValue={d.from} />
        <FilterInput name="to" type="date" label={t("common.to")} defaultValue={d.to} />
      </FilterBar>
      <p className="text-sm text-slate-600">{t("due.help", { from: f.date(d.from), to: f.date(d.to) })}</p>
      <p className="font-semibold" data-testid="due-summary">
        {t("due.summary", { lines: f.number(d.total), quantity: f.number(d.quantity) })}
      </p>
      <ListTable
        pager={d}
        empty={d.total === 0 && <ListEmpty message={t("due.empty")} />}
        testId="due-table"
        head={
          <>
            <Th>{t("due.promise")}</Th>
            <Th>{t("due.order")}</Th>
            <Th>{t("due.dealer")}</Th>
            <Th>{t("due.line")}</Th>
            <Th>{t("stock.product")}</Th>
            <Th num>{t("due.ordered")}</Th>
            <Th num>{t("due.shipped")}</Th>
          </>
        }
      >
        {d.rows.map((r) => (
          <tr key={`${r.number}-${r.line_no}`}>
            <td className="whitespace-nowrap">{f.date(r.promise_date)}</td>
            <td className="whitespace-nowrap font-mono text-xs">
              {r.number ? (
                <Link className="link" to={`/orders/${r.number}`}>
                  {r.number}
                </Link>
              ) : (
                "—"
              )}
            </td>
            <td>
              {r.dealer_code} · {r.dealer_name}
            </td>
            <td className="num">{r.line_no}</td>
            <td>
              <span className="font-mono text-xs text-slate-500">{r.sku}</span> {locale === "en" ? r.name_en : r.name_zh}
            </td>
            <td className="num">{f.number(r.quantity)}</td>
            <td className="num">{f.number(r.shipped_qty)}</td>
          </tr>
        ))}
      </ListTable>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

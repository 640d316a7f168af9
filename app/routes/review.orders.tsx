import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { Link } from "~/components/link";
import { ListTable, ListHeader, Th, ListEmpty } from "~/components/list";
import { Notice, SubmitButton } from "~/components/ui/form";
import { Badge } from "~/components/ui/layout";
import type { MessageKey } from "~/i18n";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { can } from "~/modules/auth/actor";
import { ReviewQuery } from "~/modules/orders/orders.schema.server";
import { exportReviewQueue, reviewQueue } from "~/modules/orders/orders.views.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("review.title");

export const loader = /* @__PURE__ */ withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "order:review");
  const query = parseQuery(request, ReviewQuery);
  if (query.format === "csv")
    return csvResponse(
      "order-review.csv",
      ["number", "status", "dealer_code", "dealer_name", "currency", "total", "lines", "requested_date", "submitted_at", "age_hours"],
      exportReviewQueue(actor, query),
    );
  return json({ ...(await reviewQueue(actor, query)), query, canRelease: can(actor, "credit:release") });
});

function age(fromIso: string | null, nowIso: string): { hours: number; days: number } | null {
  if (!fromIso) return null;
  const hours = Math.max(0, Math.floor((Date.parse(nowIso) - Date.parse(fromIso)) / 3_600_000));
  return { hours, days: Math.floor(hours / 24) };
}

export default function ReviewOrders() {
  const data = useLoaderData<typeof loader>();
  const [sp] = useSearchParams();
  const t = useT();
  const f = useFormat();
  const done = sp.get("done");
  const doneOrder = sp.get("order");
  return (
    <div>
      <ListHeader title={t("review.title")} />
      <Notice message={done && doneOrder ? t("review.done", { number: doneOrder, action: t(`orders.done.${done}` as MessageKey) }) : undefined} />
      <nav className="mb-4 flex gap-2" aria-label={t("review.queues")}>
        {(["submitted", "credit_hold"] as const).map((s) => (
          <Link
            key={s}
            to={`?status=${s}`}
            className={data.query.status === s ? "btn-primary" : "btn-secondary"}
            aria-current={data.query.status === s ? "page" : undefined}
          >
            {t(`orders.status.${s}`)}
          </Link>
        ))}
      </nav>
      <p className="mb-3 text-sm text-slate-600">
        {data.query.status === "submitted" ? t("review.helpSubmitted") : t("review.helpHold")}
        {data.query.status === "credit_hold" && data.canRelease ? (
          <>
            {" "}
            <Link className="link" to="/finance/credit-holds">
              {t("review.holdQueue")}
            </Link>
          </>
        ) : null}
      </p>
      <ListTable
        pager={data}
        empty={data.rows.length === 0 && <ListEmpty message={data.query.status === "submitted" ? t("review.empty") : t("review.emptyHold")} />}
        testId="review-table"
        head={
          <>
            <Th>{t("orders.number")}</Th>
            <Th>{t("orders.dealer")}</Th>
            <Th>{t("review.age")}</Th>
            <Th num>{t("orders.total")}</Th>
            <Th>{t("orders.lines")}</Th>
            <Th>{t("orders.requestedDate")}</Th>
            <Th>{t("common.actions")}</Th>
          </>
        }
      >
        {data.rows.map((o) => {
          const a = age(o.submitted_at, data.now);
          return (
            <tr key={o.id}>
              <td>
                <Link className="link font-mono" to={`/orders/${o.number}`}>
                  {o.number}
                </Link>
                {o.po_reference ? <div className="text-xs text-slate-500">PO {o.po_reference}</div> : null}
              </td>
              <td>
                {o.dealer_code} · {o.dealer_name}
              </td>
              <td>
                {a ? (
                  <Badge tone={a.hours >= 48 ? "red" : a.hours >= 24 ? "amber" : "slate"}>
                    {a.days >= 1 ? t("review.ageDays", { days: a.days, hours: a.hours % 24 }) : t("review.ageHours", { hours: a.hours })}
                  </Badge>
                ) : (
                  "—"
                )}
                <div className="text-xs text-slate-500">{f.dateTime(o.submitted_at)}</div>
              </td>
              <td className="text-right">{f.money(o.total_minor, o.currency)}</td>
              <td>
                {o.line_count}
                {o.custom_lines ? <span className="ml-1 text-xs text-slate-500">({t("review.customLines", { n: o.custom_lines })})</span> : null}
              </td>
              <td>{f.date(o.requested_date)}</td>
              <td>
                <div className="flex flex-wrap gap-2">
                  {o.status === "submitted" ? (
                    <Form method="post" action={`/orders/${o.number}`}>
                      <input type="hidden" name="intent" value="approve" />
                      <input type="hidden" name="orderId" value={o.id} />
                      <input type="hidden" name="version" value={o.version} />
                      <input type="hidden" name="returnTo" value={`/review/orders?status=${data.query.status}`} />
                      <SubmitButton className="btn-primary" aria-label={t("review.approveN", { number: o.number ?? "" })}>
                        {t("orders.approve")}
                      </SubmitButton>
                    </Form>
                  ) : null}
                  <Link className="btn-secondary" to={`/orders/${o.number}`}>
                    {t("review.open")}
                  </Link>
                </div>
              </td>
            </tr>
          );
        })}
      </ListTable>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

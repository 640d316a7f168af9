import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useLocation, useSearchParams } from "@remix-run/react";
import { Link } from "~/components/link";
import { ListTable, ListHeader, Th, ListEmpty } from "~/components/list";
import { Notice, SubmitButton } from "~/components/ui/form";
import { Badge } from "~/components/ui/layout";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { CreditHoldDecisionSchema, CreditHoldQuery } from "~/modules/orders/orders.schema.server";
import { cancelHeldOrder, releaseHeldOrder } from "~/modules/orders/orders.server";
import { CREDIT_HOLD_CSV_HEADER, creditHoldQueue, exportCreditHoldQueue } from "~/modules/orders/orders.views.server";
import { csvResponse, parseForm, parseQuery } from "~/utils/http.server";
import { pageMeta } from "~/utils/meta";
import { withAction, withLoader } from "~/utils/route";
import { FilterBar, DealerFilter } from "~/components/filters";

export const meta = pageMeta("creditHolds.title");

/** Orders on credit hold, longest held first, beside their dealer's credit (finance and administrators). */
export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "credit:release");
  const query = parseQuery(request, CreditHoldQuery);
  if (query.format === "csv") return csvResponse("credit-holds.csv", CREDIT_HOLD_CSV_HEADER, exportCreditHoldQueue(actor, query));
  return json({ ...(await creditHoldQueue(actor, query)), query });
});

/** Release one held order to review, or cancel it with a reason; back to the same page of the list. */
export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "credit:release");
  // The list's filters and page stay; parsed first (a bad query changes nothing), and only known parameters go back.
  const query = parseQuery(request, CreditHoldQuery);
  const form = await parseForm(request, CreditHoldDecisionSchema);
  if (!form.ok) return json(form, { status: 400 });
  const { decision, orderId, version, note } = form.data;
  const done = decision === "release" ? await releaseHeldOrder(actor, orderId, { version, note }) : await cancelHeldOrder(actor, orderId, { version, note });
  const back = new URLSearchParams();
  if (query.dealerId) back.set("dealerId", String(query.dealerId));
  if (query.page > 1) back.set("page", String(query.page));
  back.set("done", decision);
  back.set("order", done.number);
  return redirect(`/finance/credit-holds?${back.toString()}`);
});

function held(fromIso: string | null, nowIso: string): { hours: number; days: number } | null {
  if (!fromIso) return null;
  const hours = Math.max(0, Math.floor((Date.parse(nowIso) - Date.parse(fromIso)) / 3_600_000));
  return { hours, days: Math.floor(hours / 24) };
}

type Failure = { ok: false; formError: string; fieldErrors: Record<string, string>; values: Record<string, unknown> };

export default function CreditHolds() {
  const d = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as Failure | undefined;
  const [sp] = useSearchParams();
  const location = useLocation();
  const t = useT();
  const f = useFormat();
  const done = sp.get("done");
  const doneOrder = sp.get("order");
  // Decisions post back to this list as it is shown (its filter and page), without the last notice.
  const listSearch = new URLSearchParams(location.search);
  listSearch.delete("done");
  listSearch.delete("order");
  const formAction = `/finance/credit-holds${listSearch.toString() ? `?${listSearch.toString()}` : ""}`;
  const failedId = failure && !failure.ok ? String(failure.values.orderId ?? "") : "";
  return (
    <div className="space-y-4">
      <ListHeader title={t("creditHolds.title")} />
      <Notice
        message={
          doneOrder && (done === "release" || done === "cancel")
            ? t(done === "release" ? "creditHolds.released" : "creditHolds.cancelled", { number: doneOrder })
            : undefined
        }
      />
      <p className="text-sm text-slate-600">{t("creditHolds.help")}</p>
      <FilterBar resetTo="/finance/credit-holds" inline>
        <DealerFilter dealers={d.dealers} value={d.query.dealerId} />
      </FilterBar>
      <p className="font-semibold" data-testid="credit-holds-summary">
        {t("creditHolds.summary", { n: f.number(d.total) })}
      </p>
      <ListTable
        pager={d}
        empty={
          d.rows.length === 0 && (
            <ListEmpty
              message={d.query.dealerId ? t("creditHolds.emptyFiltered") : t("creditHolds.empty")}
              reset={Boolean(d.query.dealerId) && "/finance/credit-holds"}
            />
          )
        }
        testId="credit-holds-table"
        head={
          <>
            <Th>{t("creditHolds.order")}</Th>
            <Th>{t("orders.dealer")}</Th>
            <Th num>{t("creditHolds.orderValue")}</Th>
            <Th>{t("creditHolds.dealerCredit")}</Th>
            <Th>{t("creditHolds.decision")}</Th>
          </>
        }
      >
        {d.rows.map((r) => {
          const h = held(r.held_since, d.now);
          const cur = r.currency;
          const failed = failedId === String(r.id) ? failure : undefined;
          const errorId = `hold-error-${r.id}`;
          const number = r.number ?? "";
          return (
            <tr key={r.id} className="align-top">
              <td className="whitespace-nowrap">
                <Link className="link font-mono" to={`/orders/${number}`}>
                  {number}
                </Link>
                {r.po_reference ? <div className="text-xs text-slate-500">PO {r.po_reference}</div> : null}
                <div className="mt-1">
                  {h ? (
                    <Badge tone={h.hours >= 48 ? "red" : h.hours >= 24 ? "amber" : "slate"}>
                      {t("creditHolds.heldFor", {
                        age: h.days >= 1 ? t("review.ageDays", { days: h.days, hours: h.hours % 24 }) : t("review.ageHours", { hours: h.hours }),
                      })}
                    </Badge>
                  ) : null}
                </div>
                {r.held_since ? (
                  <div className="max-w-[9rem] whitespace-normal text-xs text-slate-500">{t("creditHolds.heldSince", { at: f.dateTime(r.held_since) })}</div>
                ) : null}
              </td>
              <td className="min-w-[9rem] whitespace-normal">
                <Link className="link" to={`/finance/ledger/${r.dealer_id}`}>
                  {r.dealer_code} · {r.dealer_name}
                </Link>
              </td>
              <td className="whitespace-nowrap text-right tabular-nums">
                {f.money(r.total_minor, cur)}
                <div className="mt-1 text-xs">
                  {r.overByMinor > 0 ? (
                    <span className="font-semibold text-red-700">{t("creditHolds.overBy", { amount: f.money(r.overByMinor, cur) })}</span>
                  ) : (
                    <Badge tone="green">{t("creditHolds.fitsNow")}</Badge>
                  )}
                </div>
              </td>
              <td className="whitespace-nowrap">
                <dl className="space-y-0.5 text-xs">
                  {(
                    [
                      ["creditHolds.limit", r.credit.limitMinor],
                      ["creditHolds.balance", r.credit.balanceMinor],
                      ["creditHolds.openOrders", r.credit.openOrdersMinor],
                    ] as const
                  ).map(([label, minor]) => (
                    <div key={label} className="flex justify-between gap-4">
                      <dt className="text-slate-500">{t(label)}</dt>
                      <dd className="tabular-nums">{f.money(minor, cur)}</dd>
                    </div>
                  ))}
                  <div className="flex justify-between gap-4 font-medium">
                    <dt>{t("creditHolds.available")}</dt>
                    <dd className={`tabular-nums ${r.credit.availableMinor < 0 ? "text-red-700" : ""}`}>{f.money(r.credit.availableMinor, cur)}</dd>
                  </div>
                </dl>
              </td>
              <td className="whitespace-normal">
                <Form method="post" action={formAction} className="flex min-w-[12rem] flex-col gap-2" noValidate>
                  <input type="hidden" name="orderId" value={r.id} />
                  <input type="hidden" name="version" value={r.version} />
                  <label htmlFor={`note-${r.id}`} className="text-xs text-slate-600">
                    {t("creditHolds.note")}
                  </label>
                  <input
                    id={`note-${r.id}`}
                    name="note"
                    className="input"
                    maxLength={1000}
                    defaultValue={failed ? String(failed.values.note ?? "") : ""}
                    aria-invalid={failed?.fieldErrors.note ? true : undefined}
                    aria-describedby={failed ? errorId : undefined}
                  />
                  {failed ? (
                    <p id={errorId} className="text-sm text-red-700" role="alert">
                      {failed.fieldErrors.note ?? failed.formError}
                    </p>
                  ) : null}
                  <div className="flex flex-wrap gap-2">
                    <SubmitButton name="decision" value="release" className="btn-primary" aria-label={t("creditHolds.releaseN", { number })}>
                      {t("creditHolds.release")}
                    </SubmitButton>
                    <SubmitButton name="decision" value="cancel" className="btn-danger" aria-label={t("creditHolds.cancelN", { number })}>
                      {t("creditHolds.cancel")}
                    </SubmitButton>
                  </div>
                </Form>
              </td>
            </tr>
          );
        })}
      </ListTable>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

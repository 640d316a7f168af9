import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { bpText } from "~/components/deals";
import { ListTable, ListHeader, Th, ListEmpty } from "~/components/list";
import { Badge } from "~/components/ui/layout";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { ApprovalQueueQuery } from "~/modules/quotes/quotes.schema.server";
import { APPROVAL_CSV_HEADER, approvalQueue, exportApprovalQueue } from "~/modules/quotes/quotes.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { pageMeta } from "~/utils/meta";
import { withLoader } from "~/utils/route";
import { FilterBar, FilterSelect, DealerFilter } from "~/components/filters";

export const meta = pageMeta("approvals.title");

/** Quotes above the discount limit waiting for an administrator, oldest request first (approve or refuse on the quote page). */
export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "quote:approve_discount");
  const query = parseQuery(request, ApprovalQueueQuery);
  if (query.format === "csv") return csvResponse("quote-approvals.csv", APPROVAL_CSV_HEADER, exportApprovalQueue(actor, query));
  return json({ ...(await approvalQueue(actor, query)), query });
});

function waited(fromIso: string | null, nowIso: string): { hours: number; days: number } | null {
  if (!fromIso) return null;
  const hours = Math.max(0, Math.floor((Date.parse(nowIso) - Date.parse(fromIso)) / 3_600_000));
  return { hours, days: Math.floor(hours / 24) };
}

export default function QuoteApprovals() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const filtered = d.query.dealerId !== undefined || d.query.accountManagerId !== undefined;
  return (
    <div className="space-y-4">
      <ListHeader title={t("approvals.title")} />
      <p className="text-sm text-slate-600">{t("approvals.help", { limit: bpText(d.limitBp) })}</p>
      <FilterBar resetTo="/quotes/approvals" inline>
        <DealerFilter dealers={d.choices.dealers} value={d.query.dealerId} />
        <FilterSelect
          name="accountManagerId"
          label={t("approvals.accountManager")}
          defaultValue={d.query.accountManagerId}
          all
          options={d.choices.accountManagers.map((u) => ({ value: u.id, label: u.name }))}
        />
      </FilterBar>
      <p className="font-semibold" data-testid="approvals-summary">
        {t("approvals.summary", { n: f.number(d.total) })}
      </p>
      <ListTable
        testId="approvals-table"
        pager={d}
        empty={
          d.rows.length === 0 && <ListEmpty message={filtered ? t("approvals.emptyFiltered") : t("approvals.empty")} reset={filtered && "/quotes/approvals"} />
        }
        head={
          <>
            <Th>{t("approvals.requested")}</Th>
            <Th>{t("approvals.deal")}</Th>
            <Th>{t("approvals.parties")}</Th>
            <Th num>{t("approvals.total")}</Th>
            <Th num>{t("approvals.discount")}</Th>
            <Th>{t("common.actions")}</Th>
          </>
        }
      >
        {d.rows.map((r) => {
          const w = waited(r.approval_requested_at, d.now);
          const validityPassed = r.valid_until < d.today;
          const protectionLapsed = !r.protection_expires_on || r.protection_expires_on < d.today;
          return (
            <tr key={r.id} className="align-top">
              <td className="whitespace-nowrap">
                {w ? (
                  <Badge tone={w.hours >= 48 ? "red" : w.hours >= 24 ? "amber" : "slate"}>
                    {w.days >= 1 ? t("review.ageDays", { days: w.days, hours: w.hours % 24 }) : t("review.ageHours", { hours: w.hours })}
                  </Badge>
                ) : (
                  "—"
                )}
                {r.approval_requested_at ? (
                  <div className="text-xs text-slate-500">
                    <time dateTime={r.approval_requested_at} title={f.dateTime(r.approval_requested_at)}>
                      {f.date(r.approval_requested_at)}
                    </time>
                  </div>
                ) : null}
              </td>
              <td className="min-w-[10rem] whitespace-normal">
                <Link className="link" to={`/deals/${r.deal_id}`}>
                  {r.deal_title}
                </Link>
                <div className="text-xs text-slate-500">{r.key_account_name}</div>
                <div className="text-xs">
                  <Link className="link" to={`/quotes/${r.id}`}>
                    {t("quotes.version", { n: r.version })}
                  </Link>{" "}
                  <span className="text-slate-500">· {t("approvals.lines", { n: r.line_count })}</span>
                </div>
              </td>
              <td className="min-w-[8rem] whitespace-normal">
                {r.dealer_code} · {r.dealer_name}
                <div className="text-xs text-slate-500">{t("approvals.byAccountManager", { name: r.account_manager_name })}</div>
              </td>
              <td className="whitespace-nowrap text-right tabular-nums">
                {f.money(r.total_minor, r.currency)}
                <div className="text-xs text-slate-500">{t("approvals.listTotal", { amount: f.money(r.list_total_minor, r.currency) })}</div>
                <div className="text-xs text-slate-500">{t("approvals.validUntil", { date: f.date(r.valid_until) })}</div>
                {validityPassed || protectionLapsed ? (
                  <div className="mt-1">
                    <Badge tone="red">{validityPassed ? t("approvals.validityPassed") : t("approvals.protectionLapsed")}</Badge>
                  </div>
                ) : null}
              </td>
              <td className="whitespace-nowrap text-right tabular-nums">
                {t("approvals.vsList", { pct: bpText(r.list_discount_bp) })}
                <div className="text-xs text-slate-500">{t("approvals.vsTier", { pct: bpText(r.tier_discount_bp) })}</div>
                <div className="mt-1">
                  <Badge tone={r.max_discount_bp > d.limitBp ? "amber" : "slate"}>{t("approvals.maxLine", { pct: bpText(r.max_discount_bp) })}</Badge>
                </div>
              </td>
              <td>
                <Link
                  className="btn-secondary whitespace-nowrap"
                  to={`/quotes/${r.id}`}
                  aria-label={t("approvals.reviewN", { deal: r.deal_title, n: r.version })}
                >
                  {t("approvals.review")}
                </Link>
              </td>
            </tr>
          );
        })}
      </ListTable>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { ListTable, ListHeader, Th, ListEmpty } from "~/components/list";
import { OutboxStatusBadge, useOutboxKindLabel } from "~/components/notifications";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { OUTBOX_STATUSES } from "~/modules/notifications/notifications.schema";
import { OutboxListQuery } from "~/modules/notifications/notifications.schema.server";
import { exportOutbox, listOutbox, outboxDelivery } from "~/modules/notifications/outbox.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { CodeFilter, FilterBar, FilterSelect, SearchFilter } from "~/components/filters";

export const meta = pageMeta("outbox.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "outbox:read");
  const query = parseQuery(request, OutboxListQuery);
  if (query.format === "csv")
    return csvResponse(
      "outbox.csv",
      ["id", "created_at", "kind", "to", "locale", "subject", "status", "attempts", "next_attempt_at", "sent_at", "last_error"],
      exportOutbox(actor, query),
    );
  return json({ ...(await listOutbox(actor, query)), query, delivery: outboxDelivery() });
});

export default function Outbox() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const kindLabel = useOutboxKindLabel();
  const f = useFormat();
  return (
    <div>
      <ListHeader title={t("outbox.title")} />
      <div className="card mb-4 space-y-1 text-sm text-slate-600" data-testid="delivery">
        <p className={data.delivery.smtpConfigured ? "" : "text-amber-800"}>
          {data.delivery.smtpConfigured ? t("outbox.smtpOn", { from: data.delivery.mailFrom }) : t("outbox.smtpOff")}
        </p>
        <p>{t("outbox.counts", { pending: data.counts.pending ?? 0, sent: data.counts.sent ?? 0, failed: data.counts.failed ?? 0 })}</p>
      </div>
      <FilterBar resetTo="/admin/outbox" className="mb-4 sm:grid-cols-5">
        <SearchFilter value={data.query.q} placeholder={t("outbox.searchPlaceholder")} />
        <CodeFilter name="status" label={t("common.status")} value={data.query.status} codes={OUTBOX_STATUSES} labels="outbox.status" />
        <FilterSelect
          name="kind"
          label={t("outbox.kind")}
          defaultValue={data.query.kind}
          all
          options={data.kinds.map((k) => ({ value: k, label: kindLabel(k) }))}
        />
      </FilterBar>
      <ListTable
        pager={data}
        empty={data.rows.length === 0 && <ListEmpty message={t("outbox.empty")} />}
        testId="outbox-table"
        head={
          <>
            <Th>{t("outbox.col.created")}</Th>
            <Th>{t("outbox.col.to")}</Th>
            <Th>{t("outbox.col.subject")}</Th>
            <Th>{t("outbox.kind")}</Th>
            <Th>{t("common.status")}</Th>
            <Th>{t("outbox.col.attempts")}</Th>
            <Th>{t("outbox.col.sentAt")}</Th>
            <Th>{t("outbox.col.lastError")}</Th>
          </>
        }
      >
        {data.rows.map((r) => (
          <tr key={r.id}>
            <td className="whitespace-nowrap">{f.dateTime(r.created_at)}</td>
            <td>{r.to_address}</td>
            <td className="max-w-md">
              <Link className="link" to={`/admin/outbox/${r.id}`} lang={r.locale}>
                {r.subject}
              </Link>
            </td>
            <td>{kindLabel(r.kind)}</td>
            <td>
              <OutboxStatusBadge status={r.status} />
            </td>
            <td>{r.attempts}</td>
            <td className="whitespace-nowrap">{f.dateTime(r.sent_at)}</td>
            <td className="max-w-xs truncate text-xs text-red-700" title={r.last_error ?? ""}>
              {r.last_error ?? ""}
            </td>
          </tr>
        ))}
      </ListTable>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { ListTable, ListHeader, Th, ListEmpty } from "~/components/list";
import { translate } from "~/i18n";
import { useFormat, useT } from "~/i18n/react";
import {
  auditActionGroups,
  auditActionKey,
  auditEntityKey,
  auditRecordHref,
  AUDIT_ENTITY_TYPES,
  isAuditAction,
  isAuditEntityType,
} from "~/modules/audit/audit-actions";
import { requireActor } from "~/modules/auth/auth.server";
import { exportAudit, listAudit } from "~/modules/organisations/organisations.server";
import { AuditListQuery } from "~/modules/organisations/organisations.schema.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { FilterBar, FilterInput, FilterSelect } from "~/components/filters";

export const meta = pageMeta("audit.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "audit:read");
  const query = parseQuery(request, AuditListQuery, { invalid: { action: "audit.invalidAction", entityType: "audit.invalidEntity" } });
  if (query.format === "csv") {
    // Codes as stored, for machines; the action's label last, in the reader's language (empty for an unlisted code).
    const label = (action: string) => (isAuditAction(action) ? translate(actor.locale, auditActionKey(action)) : "");
    return csvResponse(
      "audit-log.csv",
      ["occurred_at", "actor", "ip", "action", "entity_type", "entity_id", "summary", "action_label"],
      exportAudit(actor, query, label),
    );
  }
  return json({ ...(await listAudit(actor, query)), query });
});

/** The action in the reader's language, its code underneath for support; an unlisted (older) code as it is. */
function ActionCell({ action }: { action: string }) {
  const t = useT();
  if (!isAuditAction(action))
    return (
      <code translate="no" className="break-all font-mono text-xs">
        {action}
      </code>
    );
  return (
    <>
      <span className="block">{t(auditActionKey(action))}</span>
      <code translate="no" className="block break-all font-mono text-[11px] text-slate-500">
        {action}
      </code>
    </>
  );
}

/** The record's kind in the reader's language and its number (an order's own number), linked when its page opens for the reader. */
function RecordCell({
  type,
  id,
  orderNumber,
  linkable,
  context,
}: {
  type: string;
  id: string;
  orderNumber: string | null;
  linkable: readonly string[];
  context: { action: string; dealerId: number | null };
}) {
  const t = useT();
  if (!isAuditEntityType(type)) {
    return (
      <code translate="no" className="break-all font-mono text-xs">
        {`${type}#${id}`}
      </code>
    );
  }
  const href = auditRecordHref(type, id, linkable, orderNumber, context);
  const text = (
    <>
      {t(auditEntityKey(type))}{" "}
      <span translate="no" className="break-all font-mono text-xs">
        {orderNumber ?? `#${id}`}
      </span>
    </>
  );
  return href ? (
    <Link className="link" to={href}>
      {text}
    </Link>
  ) : (
    <span>{text}</span>
  );
}

export default function Audit() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  return (
    <div>
      <ListHeader title={t("audit.title")} />
      <FilterBar resetTo="/admin/audit" className="mb-4 sm:grid-cols-2 lg:grid-cols-4">
        <FilterSelect name="action" label={t("audit.action")} defaultValue={data.query.action} all={t("audit.allActions")}>
          {auditActionGroups().map((g) => (
            <optgroup key={g.entityType} label={t(auditEntityKey(g.entityType))}>
              {g.actions.map((a) => (
                <option key={a} value={a}>
                  {t(auditActionKey(a))}
                </option>
              ))}
            </optgroup>
          ))}
        </FilterSelect>
        <FilterSelect
          name="entityType"
          label={t("audit.entity")}
          defaultValue={data.query.entityType}
          all={t("audit.allEntities")}
          options={AUDIT_ENTITY_TYPES.map((e) => ({ value: e, label: t(auditEntityKey(e)) }))}
        />
        <FilterInput name="entityId" label={t("audit.entityId")} defaultValue={data.query.entityId} />
        <FilterInput name="from" type="date" label={t("common.from")} defaultValue={data.query.from} />
        <FilterInput name="to" type="date" label={t("common.to")} defaultValue={data.query.to} />
      </FilterBar>
      <ListTable
        pager={data}
        empty={data.rows.length === 0 && <ListEmpty message={t("audit.empty")} />}
        head={
          <>
            <Th>{t("audit.when")}</Th>
            <Th>{t("audit.actor")}</Th>
            <Th>{t("audit.action")}</Th>
            <Th>{t("audit.entity")}</Th>
            <Th>{t("audit.summary")}</Th>
            <Th>{t("audit.ip")}</Th>
          </>
        }
      >
        {data.rows.map((r) => (
          <tr key={r.id}>
            <td className="whitespace-nowrap">{f.dateTime(r.occurred_at)}</td>
            <td>{r.actor_name ?? t("audit.system")}</td>
            <td className="min-w-[10rem]">
              <ActionCell action={r.action} />
            </td>
            <td className="min-w-[8rem]">
              <RecordCell
                type={r.entity_type}
                id={r.entity_id}
                orderNumber={r.order_number}
                linkable={data.linkable}
                context={{ action: r.action, dealerId: r.organisation_id }}
              />
            </td>
            <td className="min-w-[12rem] max-w-md">
              {/* A technical record (field names and values as stored), not interface text. */}
              {r.summary ? (
                <code translate="no" className="block whitespace-pre-wrap break-all font-mono text-xs text-slate-600">
                  {r.summary}
                </code>
              ) : null}
            </td>
            <td className="font-mono text-xs">{r.ip}</td>
          </tr>
        ))}
      </ListTable>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { ErrorPage } from "~/components/ErrorPage";
import { CsvLink, ListPager } from "~/components/list";
import { EmptyState, PageHeader } from "~/components/ui/layout";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { exportAudit, listAudit } from "~/modules/organisations/organisations.server";
import { AuditListQuery } from "~/modules/organisations/organisations.schema";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { ScrollX } from "~/components/ui/scroll-x";

export const meta = pageMeta("audit.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "audit:read");
  const query = parseQuery(request, AuditListQuery);
  if (query.format === "csv") return csvResponse("audit-log.csv", ["occurred_at", "actor", "ip", "action", "entity_type", "entity_id", "summary"], exportAudit(actor, query));
  return json({ ...(await listAudit(actor, query)), query });
});

export default function Audit() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  return (
    <div>
      <PageHeader title={t("audit.title")} crumbs={[{ label: t("nav.home"), to: "/" }, { label: t("audit.title") }]} breadcrumbLabel={t("nav.breadcrumb")} actions={<CsvLink />} />
      <Form method="get" className="card mb-4 grid gap-3 sm:grid-cols-6" role="search">
        <div>
          <label htmlFor="action" className="label">{t("audit.action")}</label>
          <input id="action" name="action" className="input" defaultValue={data.query.action ?? ""} />
        </div>
        <div>
          <label htmlFor="entityType" className="label">{t("audit.entity")}</label>
          <input id="entityType" name="entityType" className="input" defaultValue={data.query.entityType ?? ""} />
        </div>
        <div>
          <label htmlFor="entityId" className="label">ID</label>
          <input id="entityId" name="entityId" className="input" defaultValue={data.query.entityId ?? ""} />
        </div>
        <div>
          <label htmlFor="from" className="label">{t("common.from")}</label>
          <input id="from" name="from" type="date" className="input" defaultValue={data.query.from ?? ""} />
        </div>
        <div>
          <label htmlFor="to" className="label">{t("common.to")}</label>
          <input id="to" name="to" type="date" className="input" defaultValue={data.query.to ?? ""} />
        </div>
        <div className="flex items-end gap-2">
          <button type="submit" className="btn-primary">{t("common.apply")}</button>
          <Link to="/admin/audit" className="btn-secondary">{t("common.reset")}</Link>
        </div>
      </Form>
      {data.rows.length === 0 ? (
        <EmptyState message={t("audit.empty")} />
      ) : (
        <ScrollX className="card p-0">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t("audit.when")}</th>
                <th scope="col">{t("audit.actor")}</th>
                <th scope="col">{t("audit.action")}</th>
                <th scope="col">{t("audit.entity")}</th>
                <th scope="col">{t("audit.summary")}</th>
                <th scope="col">{t("audit.ip")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.rows.map((r) => (
                <tr key={r.id}>
                  <td className="whitespace-nowrap">{f.dateTime(r.occurred_at)}</td>
                  <td>{r.actor_name ?? t("audit.system")}</td>
                  <td className="font-mono text-xs">{r.action}</td>
                  <td className="font-mono text-xs">{r.entity_type}#{r.entity_id}</td>
                  <td className="max-w-md break-all font-mono text-xs text-slate-600">{r.summary}</td>
                  <td className="font-mono text-xs">{r.ip}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollX>
      )}
      <ListPager page={data.page} pageSize={data.pageSize} total={data.total} />
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

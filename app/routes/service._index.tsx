import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { CsvLink, ListTable, Th, ListEmpty } from "~/components/list";
import { FilterBar, FilterSelect, SearchFilter } from "~/components/filters";
import { PromiseBadge, ServiceStatusBadge } from "~/components/service";
import { Badge, PageHeader, Stat } from "~/components/ui/layout";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { SERVICE_FLAGS, SERVICE_PRIORITIES, SERVICE_STATUSES } from "~/modules/service/service.schema";
import { ServiceListQuery } from "~/modules/service/service.schema.server";
import { SERVICE_CSV_HEADER, exportCases, listCases } from "~/modules/service/service.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { pageMeta } from "~/utils/meta";
import { withLoader } from "~/utils/route";

export const meta = pageMeta("service.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "service:read");
  const query = parseQuery(request, ServiceListQuery);
  if (query.format === "csv") return csvResponse("service-cases.csv", SERVICE_CSV_HEADER, exportCases(actor, query));
  return json({ ...(await listCases(actor, query)), query });
});

export default function ServiceCases() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const q = data.query;
  const staff = data.dealers.length > 0 || data.isDesk;
  const newLink = data.canOpen ? (
    <Link to="/service/new" className="btn-primary">
      {t("service.new")}
    </Link>
  ) : null;
  return (
    <div>
      <PageHeader
        title={t("service.title")}
        crumbs={[{ label: t("nav.home"), to: "/" }, { label: t("service.title") }]}
        actions={
          <>
            <CsvLink />
            {data.canFigures ? (
              <Link to="/service/figures" className="btn-secondary">
                {t("service.figures.link")}
              </Link>
            ) : null}
            {newLink}
          </>
        }
      />
      <div className={`mb-4 grid grid-cols-2 gap-3 sm:grid-cols-4 ${data.seesCallbacks ? "lg:grid-cols-5" : ""}`} data-testid="service-counts">
        <Stat label={t("service.counts.open")} value={f.number(data.counts.open)} to="/service?status=open" />
        <Stat label={t("service.counts.dueSoon")} value={f.number(data.counts.dueSoon)} to="/service?flag=due_soon" />
        <Stat label={t("service.counts.overdue")} value={f.number(data.counts.overdue)} to="/service?flag=overdue" />
        {data.isDesk ? <Stat label={t("service.counts.unassigned")} value={f.number(data.counts.unassigned)} to="/service?status=open&assignee=none" /> : null}
        {data.seesCallbacks ? <Stat label={t("service.filter.callbackOpen")} value={f.number(data.counts.callbacks)} to="/service?callback=open" /> : null}
      </div>
      <FilterBar resetTo="/service" className="mb-4 sm:grid-cols-4">
        <SearchFilter value={q.q} placeholder={t("service.searchPlaceholder")} />
        <FilterSelect
          name="status"
          label={t("service.status")}
          defaultValue={q.status}
          all
          options={[{ value: "open", label: t("service.status.open") }, ...SERVICE_STATUSES.map((s) => ({ value: s, label: t(`service.status.${s}`) }))]}
        />
        <FilterSelect
          name="priority"
          label={t("service.priority")}
          defaultValue={q.priority}
          all
          options={SERVICE_PRIORITIES.map((p) => ({ value: p, label: t(`service.priority.${p}`) }))}
        />
        <FilterSelect
          name="flag"
          label={t("service.filter.flag")}
          defaultValue={q.flag}
          all
          options={SERVICE_FLAGS.map((s) => ({ value: s, label: t(`service.flag.${s}`) }))}
        />
        {data.seesCallbacks ? (
          <FilterSelect
            name="callback"
            label={t("service.filter.callback")}
            defaultValue={q.callback}
            all
            options={[{ value: "open", label: t("service.filter.callbackOpen") }]}
          />
        ) : null}
        {data.dealers.length ? (
          <FilterSelect
            name="dealerId"
            label={t("service.dealer")}
            defaultValue={q.dealerId}
            all
            options={data.dealers.map((d) => ({ value: d.id, label: d.name }))}
          />
        ) : null}
        {data.isDesk ? (
          <FilterSelect
            name="assignee"
            label={t("service.filter.assignee")}
            defaultValue={q.assignee}
            all
            options={[
              { value: "me", label: t("service.filter.me") },
              { value: "none", label: t("service.filter.none") },
              ...data.assignees.map((a) => ({ value: a.id, label: a.name })),
            ]}
          />
        ) : null}
      </FilterBar>
      <ListTable
        pager={data}
        testId="service-table"
        empty={
          data.rows.length === 0 && (
            <ListEmpty message={staff ? t("service.emptyDesk") : t("service.empty")} create={data.canOpen && { to: "/service/new", label: t("service.new") }} />
          )
        }
        head={
          <>
            <Th>{t("service.number")}</Th>
            <Th>{t("service.subject")}</Th>
            {staff ? <Th>{t("service.dealer")}</Th> : null}
            <Th>{t("service.priority")}</Th>
            <Th>{t("service.status")}</Th>
            <Th>{t("service.assignee")}</Th>
            <Th>{t("service.resolutionDue")}</Th>
            <Th>{t("service.promise")}</Th>
          </>
        }
      >
        {data.rows.map((c) => (
          <tr key={c.id} data-case={c.number}>
            <td>
              <Link className="link font-mono" to={`/service/${c.id}`}>
                {c.number}
              </Link>
            </td>
            <td className="wrap">{c.subject}</td>
            {staff ? <td className="wrap">{c.dealer_name}</td> : null}
            <td>{t(`service.priority.${c.priority}` as "service.priority.normal")}</td>
            <td>
              <span className="inline-flex flex-wrap gap-1">
                <ServiceStatusBadge status={c.status} />
                {c.openCallback ? (
                  <span data-callback="open">
                    <Badge tone="amber">{t("service.callback.badge")}</Badge>
                  </span>
                ) : null}
              </span>
            </td>
            <td>{c.assignee_name ?? t("service.unassigned")}</td>
            <td>{f.dateTime(c.resolution_due_at)}</td>
            <td>
              <PromiseBadge flag={c.flag} />
            </td>
          </tr>
        ))}
      </ListTable>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { Link } from "~/components/link";
import { useEffect } from "react";
import { ImportStatusBadge } from "~/components/catalog/ImportStatus";
import { ImportErrors } from "~/components/imports";
import { PageHeader } from "~/components/ui/layout";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { getImportJob } from "~/modules/catalog/import.server";
import { withLoader } from "~/utils/route";
import { idParam } from "~/utils/params.server";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta<typeof loader>("import.job", ({ job }) => `#${job.id}`);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "stock:import");
  return json({ job: await getImportJob(actor, idParam(params.id)) });
});

export default function ImportJob() {
  const { job } = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const revalidator = useRevalidator();
  const running = job.status === "running";
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => revalidator.revalidate(), 1000);
    return () => clearInterval(timer);
  }, [running]);
  const pct = job.total_rows ? Math.round((100 * (job.processed_rows + job.written_rows)) / (2 * job.total_rows)) : 0;
  const summaryKey =
    job.status === "succeeded"
      ? "import.summary.succeeded"
      : job.status === "partial"
        ? "import.summary.partial"
        : job.status === "rejected"
          ? "import.summary.rejected"
          : job.status === "error"
            ? "import.summary.error"
            : "import.summary.running";
  return (
    <div className="space-y-4">
      {running ? (
        <noscript>
          <meta httpEquiv="refresh" content="2" />
        </noscript>
      ) : null}
      <PageHeader
        title={`${t("import.job")} #${job.id}`}
        crumbs={[{ label: t("stock.title"), to: "/stock" }, { label: t("import.title"), to: "/stock/import" }, { label: `#${job.id}` }]}
      />
      <div className="card space-y-2" role="status" aria-live="polite" data-testid="import-job" data-status={job.status}>
        <p className="flex flex-wrap items-center gap-2">
          <ImportStatusBadge status={job.status} />
          <span>
            {t(`import.kind.${job.kind}` as "import.kind.stock")} · {job.filename} · {t(`import.mode.short.${job.mode}` as "import.mode.short.valid_rows")}
          </span>
        </p>
        <p className="font-semibold" data-testid="import-summary">
          {t(summaryKey, { total: f.number(job.total_rows), written: f.number(job.written_rows), errors: f.number(job.error_count) })}
        </p>
        {running ? (
          <div className="h-2 w-full overflow-hidden rounded bg-slate-200" aria-hidden="true">
            <div className="h-2 bg-brand-500 transition-all" style={{ width: `${pct}%` }} />
          </div>
        ) : null}
        <p className="text-sm text-slate-600">
          {t("import.progress", { validated: f.number(job.processed_rows), written: f.number(job.written_rows), total: f.number(job.total_rows) })}
        </p>
        {job.allocated_units ? (
          <p className="text-sm text-emerald-700" data-testid="import-allocated">
            {t("import.allocated", { units: f.number(job.allocated_units) })}
          </p>
        ) : null}
        <p className="text-xs text-slate-500">
          {f.dateTime(job.created_at)}
          {job.finished_at ? ` → ${f.dateTime(job.finished_at)}` : ""}
        </p>
      </div>
      <ImportErrors errors={job.errors} total={job.error_count} />
      <Link to="/stock/import" className="btn-secondary">
        {t("import.another")}
      </Link>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

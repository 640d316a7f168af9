import type { ActionFunctionArgs, LoaderFunctionArgs, TypedResponse } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ImportStatusBadge } from "~/components/catalog/ImportStatus";
import { ErrorPage } from "~/components/ErrorPage";
import { ImportErrors, ImportFileField, ImportJobsTable, ImportModeChoice, UploadProgress } from "~/components/imports";
import { Link } from "~/components/link";
import { FormError, SelectField } from "~/components/ui/form";
import { EmptyState, PageHeader } from "~/components/ui/layout";
import { Section } from "~/components/ui/record";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { getSelloutImport, importSellout, recentSelloutImports, selloutTemplate } from "~/modules/sellout/import.server";
import { UploadFormSchema, UploadPageQuery } from "~/modules/sellout/sellout.schema.server";
import { dealerOverview } from "~/modules/sellout/sellout.server";
import { env } from "~/utils/env.server";
import { parseQuery } from "~/utils/http.server";
import { pageMeta } from "~/utils/meta";
import { idParam } from "~/utils/params.server";
import { withAction, withLoader } from "~/utils/route";
import { parseFileUpload } from "~/utils/upload.server";

export const meta = pageMeta("sellout.upload.title");

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "sellout:view");
  const dealerId = idParam(params.dealerId);
  const query = parseQuery(request, UploadPageQuery);
  if (query.format) {
    const file = await selloutTemplate(actor, dealerId, query.format);
    return new Response(Buffer.from(file.body), {
      headers: {
        "Content-Type": file.contentType,
        "Content-Disposition": `attachment; filename="${file.filename}"`,
        "Cache-Control": "private, no-store",
      },
    }) as unknown as TypedResponse<never>;
  }
  const overview = await dealerOverview(actor, dealerId);
  const recent = await recentSelloutImports(actor, dealerId);
  const latest = recent.find((j) => j.created_by === actor.userId) ?? null;
  return json(
    {
      dealer: overview.dealer,
      canReport: overview.canReport,
      periods: overview.periods.filter((p) => p.status !== "closed").map((p) => p.key),
      recent,
      progress: latest,
      job: query.job ? await getSelloutImport(actor, dealerId, query.job) : null,
      limitMb: Math.floor(env().UPLOAD_LIMIT_BYTES / 1_048_576),
    },
    { headers: { "Cache-Control": "no-store" } },
  );
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "sellout:report");
  const dealerId = idParam(params.dealerId);
  const upload = await parseFileUpload(request, actor.locale, UploadFormSchema);
  if (!upload.ok) return upload.response;
  const { data, file } = upload;
  const { jobId } = await importSellout(actor, dealerId, { period: data.period, mode: data.mode, filename: file.name || "upload", bytes: file.bytes });
  return redirect(`/sellout/${dealerId}/upload?job=${jobId}`);
});

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

export default function SelloutUpload() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const failure = actionData && "ok" in actionData && actionData.ok === false ? actionData : undefined;
  const values = (failure?.values ?? {}) as Record<string, unknown>;
  const { dealer, job } = data;
  const base = `/sellout/${dealer.id}/upload`;
  const chosen = String(values.period ?? params.get("period") ?? data.periods[0] ?? "");
  return (
    <div className="space-y-4">
      <PageHeader
        title={t("sellout.upload.title")}
        crumbs={[
          { label: t("nav.home"), to: "/" },
          { label: t("sellout.title"), to: "/sellout" },
          { label: dealer.code, to: `/sellout/${dealer.id}` },
          { label: t("sellout.upload") },
        ]}
      />
      {job ? <JobResult job={job} dealerId={dealer.id} /> : null}
      <div className="grid gap-4 lg:grid-cols-3">
        {data.canReport ? (
          data.periods.length ? (
            <Form method="post" encType="multipart/form-data" className="card space-y-4 lg:col-span-2" noValidate>
              <FormError message={failure?.formError} />
              <SelectField
                name="period"
                label={t("sellout.period")}
                defaultValue={chosen}
                error={failure?.fieldErrors.period}
                options={data.periods.map((p) => ({ value: p, label: p }))}
              />
              <ImportFileField
                label={t("sellout.upload.file")}
                accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                help={t("sellout.upload.fileHelp", { max: data.limitMb })}
                error={failure?.fieldErrors.file}
              />
              <ImportModeChoice value={values.mode} />
              <button type="submit" className="btn-primary">
                {t("import.start")}
              </button>
              <UploadProgress<Data> actionPrefix={base} progressUrl={base} pick={(d) => d.progress} />
            </Form>
          ) : (
            <div className="card lg:col-span-2">
              <EmptyState message={t("sellout.upload.noOpenPeriods")} />
            </div>
          )
        ) : null}
        <Section title={t("sellout.template")} id="sellout-template" help={t("sellout.template.help")}>
          <div className="flex flex-wrap gap-2">
            <Link reloadDocument className="btn-secondary" to={`${base}?format=xlsx`}>
              {t("sellout.template.xlsx")}
            </Link>
            <Link reloadDocument className="btn-secondary" to={`${base}?format=csv`}>
              {t("sellout.template.csv")}
            </Link>
          </div>
        </Section>
      </div>
      <section className="space-y-2">
        <h2 className="font-semibold">{t("sellout.upload.recent")}</h2>
        <ImportJobsTable
          testId="sellout-uploads"
          jobs={data.recent}
          href={(j) => `${base}?job=${j.id}`}
          target={{ label: t("sellout.period"), cell: (j) => <td className="font-mono">{j.target ?? "—"}</td> }}
        />
      </section>
    </div>
  );
}

function JobResult({ job, dealerId }: { job: NonNullable<Data["job"]>; dealerId: number }) {
  const t = useT();
  const f = useFormat();
  const summaryKey =
    (
      {
        succeeded: "import.summary.succeeded",
        partial: "import.summary.partial",
        rejected: "import.summary.rejected",
        error: "import.summary.error",
      } as const
    )[job.status as "succeeded"] ?? "import.summary.running";
  return (
    <div className="space-y-3">
      {job.status === "running" ? (
        <noscript>
          <meta httpEquiv="refresh" content="2" />
        </noscript>
      ) : null}
      <div className="card space-y-2" role="status" aria-live="polite" data-testid="import-job" data-status={job.status}>
        <h2 className="font-semibold">{t("sellout.upload.result")}</h2>
        <p className="flex flex-wrap items-center gap-2">
          <ImportStatusBadge status={job.status} />
          <span>
            {job.period ?? "—"} · {job.filename} · {t(`import.mode.short.${job.mode}` as "import.mode.short.valid_rows")}
          </span>
        </p>
        <p className="font-semibold" data-testid="import-summary">
          {t(summaryKey, { total: f.number(job.total_rows), written: f.number(job.written_rows), errors: f.number(job.error_count) })}
        </p>
        <p className="text-sm text-slate-600">
          {t("import.progress", { validated: f.number(job.processed_rows), written: f.number(job.written_rows), total: f.number(job.total_rows) })}
        </p>
        {job.period && job.written_rows > 0 ? (
          <Link className="link" to={`/sellout/${dealerId}/${job.period}`}>
            {t("sellout.periodTitle", { period: job.period })}
          </Link>
        ) : null}
      </div>
      <ImportErrors errors={job.errors} total={job.error_count} />
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

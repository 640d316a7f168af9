import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { UploadProgress, type ProgressJob } from "~/components/imports";
import { ImportStatusBadge } from "~/components/catalog/ImportStatus";
import { ErrorPage } from "~/components/ErrorPage";
import { FormError } from "~/components/ui/form";
import { EmptyState, PageHeader } from "~/components/ui/layout";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { PRODUCT_CSV_HEADER } from "~/modules/catalog/catalog.schema";
import { ImportFormSchema, ImportPageQuery } from "~/modules/catalog/catalog.schema.server";
import { exportProducts } from "~/modules/catalog/catalog.server";
import { recentImportJobs, runImport } from "~/modules/catalog/import.server";
import { STOCK_CSV_HEADER } from "~/modules/stock/stock.schema";
import { exportStockLevels } from "~/modules/stock/stock.server";
import { env } from "~/utils/env.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withAction, withLoader } from "~/utils/route";
import { parseFileUpload } from "~/utils/upload.server";
import { pageMeta } from "~/utils/meta";
import { ListTable } from "~/components/list";

export const meta = pageMeta("import.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "stock:import");
  const query = parseQuery(request, ImportPageQuery);
  if (query.format === "csv") {
    if (query.kind === "stock") return csvResponse("stock-levels.csv", [...STOCK_CSV_HEADER], exportStockLevels(actor));
    return csvResponse("products.csv", [...PRODUCT_CSV_HEADER], exportProducts(actor, {}));
  }
  return json({ jobs: await recentImportJobs(actor), limitMb: Math.floor(env().UPLOAD_LIMIT_BYTES / 1_048_576) });
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "stock:import");
  const upload = await parseFileUpload(request, actor.locale, ImportFormSchema);
  if (!upload.ok) return upload.response;
  const { data, file } = upload;
  const { jobId } = await runImport(actor, { kind: data.kind, mode: data.mode, filename: file.name || "upload.csv", bytes: file.bytes });
  return redirect(`/stock/import/${jobId}`);
});

type Progress = { job: ProgressJob };

export default function ImportPage() {
  const { jobs, limitMb } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const f = useFormat();
  const failure = data && "ok" in data && data.ok === false ? data : undefined;
  const fileError = failure?.fieldErrors.file;
  const values = (failure?.values ?? {}) as Record<string, unknown>;
  return (
    <div className="space-y-6">
      <PageHeader title={t("import.title")} crumbs={[{ label: t("stock.title"), to: "/stock" }, { label: t("import.title") }]} />
      <div className="grid gap-4 lg:grid-cols-3">
        <Form method="post" encType="multipart/form-data" className="card space-y-4 lg:col-span-2" noValidate>
          <FormError message={failure?.formError} />
          <fieldset>
            <legend className="label">{t("import.kind")}</legend>
            <div className="flex flex-wrap gap-4 text-sm">
              <label className="flex items-center gap-2">
                <input type="radio" name="kind" value="products" defaultChecked={String(values.kind ?? "products") === "products"} />{" "}
                {t("import.kind.products")}
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" name="kind" value="stock" defaultChecked={values.kind === "stock"} /> {t("import.kind.stock")}
              </label>
            </div>
          </fieldset>
          <div>
            <label htmlFor="file" className="label">
              {t("import.file")}
            </label>
            <input
              id="file"
              name="file"
              type="file"
              accept=".csv,text/csv"
              className="block w-full text-sm"
              required
              aria-invalid={fileError ? true : undefined}
              aria-describedby="file-help"
            />
            <p id="file-help" className="mt-1 text-xs text-slate-500">
              {t("import.fileHelp", { max: limitMb })}
            </p>
            {fileError ? (
              <p className="mt-1 text-sm text-red-600" role="alert">
                {fileError}
              </p>
            ) : null}
          </div>
          <fieldset>
            <legend className="label">{t("import.mode")}</legend>
            <div className="space-y-1 text-sm">
              <label className="flex items-start gap-2">
                <input
                  type="radio"
                  name="mode"
                  value="all_or_nothing"
                  defaultChecked={String(values.mode ?? "all_or_nothing") === "all_or_nothing"}
                  className="mt-1"
                />{" "}
                <span>{t("import.mode.all_or_nothing")}</span>
              </label>
              <label className="flex items-start gap-2">
                <input type="radio" name="mode" value="valid_rows" defaultChecked={values.mode === "valid_rows"} className="mt-1" />{" "}
                <span>{t("import.mode.valid_rows")}</span>
              </label>
            </div>
          </fieldset>
          <button type="submit" className="btn-primary">
            {t("import.start")}
          </button>
          <UploadProgress<Progress> actionPrefix="/stock/import" progressUrl="/stock/import/progress" pick={(d) => d.job} />
        </Form>
        <aside className="card space-y-3 text-sm">
          <h2 className="font-semibold">{t("import.formats")}</h2>
          <p>{t("import.productsFormat")}</p>
          <p className="break-all font-mono text-xs" translate="no">
            {PRODUCT_CSV_HEADER.join(",")}
          </p>
          <Link reloadDocument className="btn-secondary" to="/stock/import?format=csv&kind=products">
            {t("import.exportProducts")}
          </Link>
          <p>{t("import.stockFormat")}</p>
          <p className="break-all font-mono text-xs" translate="no">
            {STOCK_CSV_HEADER.join(",")}
          </p>
          <Link reloadDocument className="btn-secondary" to="/stock/import?format=csv&kind=stock">
            {t("import.exportStock")}
          </Link>
        </aside>
      </div>
      <section className="space-y-2">
        <h2 className="font-semibold">{t("import.recent")}</h2>
        <ListTable
          empty={jobs.length === 0 && <EmptyState message={t("import.noJobs")} />}
          head={
            <>
              <th scope="col">{t("common.created")}</th>
              <th scope="col">{t("import.kind")}</th>
              <th scope="col">{t("import.file")}</th>
              <th scope="col">{t("common.status")}</th>
              <th scope="col" className="text-right">
                {t("import.rows")}
              </th>
              <th scope="col" className="text-right">
                {t("import.written")}
              </th>
              <th scope="col" className="text-right">
                {t("import.errors")}
              </th>
              <th scope="col">{t("stock.by")}</th>
            </>
          }
        >
          {jobs.map((j) => (
            <tr key={j.id}>
              <td className="whitespace-nowrap">
                <Link className="link" to={`/stock/import/${j.id}`}>
                  {f.dateTime(j.created_at)}
                </Link>
              </td>
              <td>{t(`import.kind.${j.kind}` as "import.kind.stock")}</td>
              <td className="max-w-[12rem] truncate">{j.filename}</td>
              <td>
                <ImportStatusBadge status={j.status} />
              </td>
              <td className="text-right tabular-nums">{f.number(j.total_rows)}</td>
              <td className="text-right tabular-nums">{f.number(j.written_rows)}</td>
              <td className="text-right tabular-nums">{f.number(j.error_count)}</td>
              <td>{j.created_by_name ?? "—"}</td>
            </tr>
          ))}
        </ListTable>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

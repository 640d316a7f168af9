import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { ImportFileField, ImportJobsTable, ImportModeChoice, UploadProgress, type ProgressJob } from "~/components/imports";
import { FormError } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
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
          <ImportFileField label={t("import.file")} accept=".csv,text/csv" help={t("import.fileHelp", { max: limitMb })} error={fileError} />
          <ImportModeChoice value={values.mode} />
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
        <ImportJobsTable
          jobs={jobs}
          href={(j) => `/stock/import/${j.id}`}
          target={{ label: t("import.kind"), cell: (j) => <td>{t(`import.kind.${j.kind}` as "import.kind.stock")}</td> }}
        />
      </section>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

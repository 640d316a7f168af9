/**
 * Pieces of the file-import pages (stock and products, sell-out): the file and mode fields of the upload form,
 * the progress shown while an upload request runs (polling the caller's latest import job), the table of the
 * recent imports and the table of errors per line, in the reader's language.
 */
import { useFetcher, useNavigation } from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { ImportStatusBadge } from "~/components/catalog/ImportStatus";
import { Link } from "~/components/link";
import { ListTable, Th, ListEmpty } from "~/components/list";
import { useFormat, useT } from "~/i18n/react";

/** The upload form's file input (id `file`), with what it takes (`help`) and its error. */
export function ImportFileField({ label, accept, help, error }: { label: string; accept: string; help: string; error?: string }) {
  return (
    <div>
      <label htmlFor="file" className="label">
        {label}
      </label>
      <input
        id="file"
        name="file"
        type="file"
        accept={accept}
        className="block w-full text-sm"
        required
        aria-invalid={error ? true : undefined}
        aria-describedby="file-help"
      />
      <p id="file-help" className="mt-1 text-xs text-slate-500">
        {help}
      </p>
      {error ? (
        <p className="mt-1 text-sm text-red-600" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The upload form's choice of what a file with bad rows does: nothing, or write its valid rows (`value`: as sent). */
export function ImportModeChoice({ value }: { value: unknown }) {
  const t = useT();
  return (
    <fieldset>
      <legend className="label">{t("import.mode")}</legend>
      <div className="space-y-1 text-sm">
        {(["all_or_nothing", "valid_rows"] as const).map((m) => (
          <label key={m} className="flex items-start gap-2">
            <input type="radio" name="mode" value={m} defaultChecked={String(value ?? "all_or_nothing") === m} className="mt-1" />{" "}
            <span>{t(`import.mode.${m}`)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

type ImportJobRow = {
  id: number;
  created_at: string;
  filename: string;
  status: string;
  total_rows: number;
  written_rows: number;
  error_count: number;
  created_by_name: string | null;
};

/**
 * The reader's recent imports, newest first, each linking to its page (`href`); `target` is the column that says
 * what each one imported (its head and its cell).
 */
export function ImportJobsTable<J extends ImportJobRow>({
  jobs,
  href,
  target,
  testId,
}: {
  jobs: J[];
  href: (job: J) => string;
  target: { label: string; cell: (job: J) => ReactNode };
  testId?: string;
}) {
  const t = useT();
  const f = useFormat();
  return (
    <ListTable
      testId={testId}
      empty={jobs.length === 0 && <ListEmpty message={t("import.noJobs")} />}
      head={
        <>
          <Th>{t("common.created")}</Th>
          <Th>{target.label}</Th>
          <Th>{t("import.file")}</Th>
          <Th>{t("common.status")}</Th>
          <Th num>{t("import.rows")}</Th>
          <Th num>{t("import.written")}</Th>
          <Th num>{t("import.errors")}</Th>
          <Th>{t("stock.by")}</Th>
        </>
      }
    >
      {jobs.map((j) => (
        <tr key={j.id}>
          <td className="whitespace-nowrap">
            <Link className="link" to={href(j)}>
              {f.dateTime(j.created_at)}
            </Link>
          </td>
          {target.cell(j)}
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
  );
}

export type ProgressJob = { status: string; total_rows: number; processed_rows: number; written_rows: number } | null | undefined;

/** While the upload request to `actionPrefix` runs, poll `progressUrl` and show how far the latest job got (`pick` finds it in the answer). */
export function UploadProgress<T>({ actionPrefix, progressUrl, pick }: { actionPrefix: string; progressUrl: string; pick: (data: T) => ProgressJob }) {
  const nav = useNavigation();
  const fetcher = useFetcher<T>();
  const t = useT();
  const f = useFormat();
  const submitting = nav.state === "submitting" && nav.formAction?.startsWith(actionPrefix);
  useEffect(() => {
    if (!submitting) return;
    const timer = setInterval(() => fetcher.load(progressUrl), 700);
    return () => clearInterval(timer);
  }, [submitting]);
  if (!submitting) return null;
  const job = fetcher.data ? pick(fetcher.data as T) : null;
  const running = job && job.status === "running" ? job : null;
  const total = running?.total_rows ?? 0;
  const done = running ? Math.max(running.processed_rows, running.written_rows) : 0;
  const pct = total ? Math.round((100 * (running!.processed_rows + running!.written_rows)) / (2 * total)) : 0;
  return (
    <div className="card space-y-2" role="status" aria-live="polite" data-testid="upload-progress">
      <p className="text-sm">
        {running
          ? t("import.progress", { validated: f.number(running.processed_rows), written: f.number(running.written_rows), total: f.number(total) })
          : t("import.uploading")}
      </p>
      <div className="h-2 w-full overflow-hidden rounded bg-slate-200" aria-hidden="true">
        <div className="h-2 bg-brand-500 transition-all" style={{ width: `${running ? pct : 5}%` }} />
      </div>
      <span className="sr-only">{done}</span>
    </div>
  );
}

export type RowError = { line: number; column: string; key: string; params?: Record<string, string | number> };

/** The errors of an import, line by line, in the reader's language. */
export function ImportErrors({ errors, total }: { errors: RowError[]; total: number }) {
  const t = useT();
  const f = useFormat();
  if (!errors.length) return null;
  return (
    <section className="card overflow-x-auto p-0">
      <h2 className="px-4 pt-4 font-semibold">{t("import.errorList", { shown: f.number(errors.length), total: f.number(total) })}</h2>
      <table className="table" data-testid="import-errors">
        <thead>
          <tr>
            <Th>{t("import.line")}</Th>
            <Th>{t("import.column")}</Th>
            <Th>{t("import.problem")}</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {errors.map((e, i) => (
            <tr key={i}>
              <td className="tabular-nums">{e.line || "—"}</td>
              <td className="font-mono text-xs" translate="no">
                {e.column || "—"}
              </td>
              <td>{t(e.key as "import.required", e.params)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

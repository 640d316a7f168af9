/**
 * Pieces of the file-import pages (stock and products, sell-out): the progress shown while an upload request
 * runs (polling the caller's latest import job) and the table of errors per line, in the reader's language.
 */
import { useFetcher, useNavigation } from "@remix-run/react";
import { useEffect } from "react";
import { useFormat, useT } from "~/i18n/react";

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
            <th scope="col">{t("import.line")}</th>
            <th scope="col">{t("import.column")}</th>
            <th scope="col">{t("import.problem")}</th>
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

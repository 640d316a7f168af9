/**
 * The job row of a file import (catalog products and stock, a dealer's sell-out): created when the file is read,
 * updated as rows are checked and written, closed with its outcome and the first errors. The row is written outside
 * the import's own transaction, so the progress shows while the import runs and a failed import still says so.
 */
import { db } from "../../../db/client";
import type { Actor } from "~/modules/auth/actor";
import { now } from "~/utils/time";

export type ImportRowError = { line: number; column: string; key: string; params?: Record<string, string | number> };

/** How many of an import's errors its row keeps (the count keeps them all). */
const STORED_ERRORS = 500;

/** Starts the job row of an import (status running); returns its id. */
export async function createImportJob(
  actor: Actor,
  job: { kind: string; filename: string; mode: string; totalRows: number; dealerId?: number; target?: string },
): Promise<number> {
  const r = await db
    .insertInto("import_jobs")
    .values({
      kind: job.kind,
      filename: job.filename.slice(0, 255),
      mode: job.mode,
      status: "running",
      total_rows: job.totalRows,
      created_by: actor.userId,
      ...(job.dealerId === undefined ? {} : { dealer_id: job.dealerId }),
      ...(job.target === undefined ? {} : { target: job.target }),
    })
    .executeTakeFirstOrThrow();
  return Number(r.insertId);
}

export async function importProgress(jobId: number, set: { processed_rows?: number; written_rows?: number }): Promise<void> {
  await db.updateTable("import_jobs").set(set).where("id", "=", jobId).execute();
}

/** Closes the job row with its outcome: the rows written and processed, the errors in line order (the first STORED_ERRORS of them). */
export async function finishImportJob(jobId: number, status: string, written: number, total: number, errors: ImportRowError[]): Promise<void> {
  errors.sort((a, b) => a.line - b.line);
  await db
    .updateTable("import_jobs")
    .set({
      status,
      written_rows: written,
      processed_rows: total,
      error_count: errors.length,
      errors: errors.length ? JSON.stringify(errors.slice(0, STORED_ERRORS)) : null,
      finished_at: now(),
    })
    .where("id", "=", jobId)
    .execute();
}

/** Closes the job row of an import that failed unexpectedly: one error that says so. */
export async function failImportJob(jobId: number): Promise<void> {
  await db
    .updateTable("import_jobs")
    .set({ status: "error", finished_at: now(), errors: JSON.stringify([{ line: 0, column: "", key: "import.failed" }]), error_count: 1 })
    .where("id", "=", jobId)
    .execute();
}

/** The errors a job row keeps (none when the column is empty or unreadable). */
export function storedErrors(json: string | null): ImportRowError[] {
  try {
    return json ? (JSON.parse(json) as ImportRowError[]) : [];
  } catch {
    return [];
  }
}

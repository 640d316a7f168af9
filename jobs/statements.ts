/**
 * Monthly statements (1st of the month, 02:00): issues last month's statement
 * for every dealer through the statements domain's issueStatements(actor,
 * { period }) — one statement per dealer per period, so a re-run is a no-op.
 * The handler is pluggable: when the statements module is not present the
 * run is recorded as skipped with a clear message.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Actor } from "../app/modules/auth/actor";
import type { JobHandler, JobOutcome } from "../app/modules/notifications/jobs.server";
import { previousMonth } from "../app/modules/notifications/slots";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Where the statements domain may live; the first file that exports issueStatements wins. */
export const STATEMENT_MODULES = ["app/modules/statements/statements.server.ts", "app/modules/ledger/statements.server.ts", "app/modules/ledger/ledger.server.ts"];

type IssueStatements = (actor: Actor, input: { period: string }) => Promise<unknown>;

export async function findIssueStatements(candidates = STATEMENT_MODULES): Promise<{ fn: IssueStatements; module: string } | null> {
  for (const rel of candidates) {
    const file = path.join(root, rel);
    if (!existsSync(file)) continue;
    const mod = (await import(pathToFileURL(file).href)) as { issueStatements?: unknown };
    if (typeof mod.issueStatements === "function") return { fn: mod.issueStatements as IssueStatements, module: rel };
  }
  return null;
}

export const run: JobHandler = async (ctx): Promise<JobOutcome> => {
  const period = previousMonth(ctx.period);
  const found = await findIssueStatements();
  if (!found) return { status: "skipped", message: { key: "jobs.result.statementsMissing", params: { period } }, details: { looked: STATEMENT_MODULES } };
  await ctx.progress(`issuing statements for ${period}`);
  const result = await found.fn(ctx.actor, { period });
  const details = result && typeof result === "object" ? (result as Record<string, unknown>) : { result };
  return { message: { key: "jobs.result.statements", params: { period } }, details: { module: found.module, ...details } };
};

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Duration, RunOutcome, RunStatus } from "~/components/notifications";
import { CsvLink, ListTable, ListHeader, Th, ListEmpty } from "~/components/list";
import { FormError, Notice, SubmitButton } from "~/components/ui/form";
import { Badge } from "~/components/ui/layout";
import { translate, type MessageKey } from "~/i18n";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { JOB_NAMES, RUN_STATUSES, jobDefinition } from "~/modules/notifications/jobs.catalog";
import { exportRuns, jobsOverview, listRuns, queueManualRun } from "~/modules/notifications/jobs.server";
import { RunListQuery, RunNowSchema } from "~/modules/notifications/notifications.schema.server";
import { csvResponse, parseForm, parseQuery } from "~/utils/http.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { FilterBar, FilterSelect } from "~/components/filters";

export const meta = pageMeta("jobs.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "job:manage");
  const query = parseQuery(request, RunListQuery);
  if (query.format === "csv")
    return csvResponse(
      "job-runs.csv",
      ["job", "slot", "trigger", "status", "attempts", "started_at", "finished_at", "duration_ms", "progress", "summary", "error", "runner"],
      exportRuns(actor, query),
    );
  const [overview, runs] = await Promise.all([jobsOverview(actor), listRuns(actor, query)]);
  return json({ overview, runs, query });
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "job:manage");
  const form = await parseForm(request, RunNowSchema);
  if (!form.ok) return json(form, { status: 400 });
  await queueManualRun(actor, form.data.job);
  return json({ ok: true as const, message: translate(actor.locale, "jobs.runQueued", { job: translate(actor.locale, jobDefinition(form.data.job).title) }) });
});

export default function Jobs() {
  const { overview, runs, query } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const f = useFormat();
  return (
    <div className="space-y-6">
      <ListHeader title={t("jobs.title")} csv={false} />
      <FormError message={data && data.ok === false ? data.formError : undefined} />
      <Notice message={data && data.ok === true ? data.message : undefined} />
      <div className="card space-y-1 text-sm text-slate-600" data-testid="runner-status">
        <p>{t("jobs.intro", { tz: overview.timeZone })}</p>
        <p>{overview.runnerLastSeen ? t("jobs.runnerLastSeen", { at: f.dateTime(overview.runnerLastSeen) }) : t("jobs.runnerNever")}</p>
        {!overview.jobsEnabled ? <p className="text-amber-700">{t("jobs.runnerOff")}</p> : null}
      </div>
      <ListTable
        testId="jobs-table"
        head={
          <>
            <Th>{t("jobs.col.job")}</Th>
            <Th>{t("jobs.col.schedule")}</Th>
            <Th>{t("jobs.col.nextRun")}</Th>
            <Th>{t("jobs.col.lastRun")}</Th>
            <Th>{t("common.actions")}</Th>
          </>
        }
      >
        {overview.jobs.map((j) => (
          <tr key={j.name} data-job={j.name}>
            <td className="wrap">
              <div className="font-medium">{t(j.title as MessageKey)}</div>
              <div className="text-xs text-slate-500">{t(j.description as MessageKey)}</div>
            </td>
            <td>
              <code className="text-xs">{j.cron}</code>
            </td>
            <td className="whitespace-nowrap">{f.dateTime(j.nextRun)}</td>
            <td className="text-sm">
              {j.last ? (
                <div className="space-y-1">
                  <div className="flex flex-wrap items-center gap-2">
                    <RunStatus status={j.last.status} />
                    <span className="whitespace-nowrap">{f.dateTime(j.last.startedAt)}</span>
                    <span className="text-slate-500">
                      <Duration ms={j.last.durationMs} />
                    </span>
                  </div>
                  {j.last.status === "running" && j.last.progress ? <div className="text-xs text-slate-500">{j.last.progress}</div> : null}
                  <div className="text-xs text-slate-600">
                    <RunOutcome run={j.last} />
                  </div>
                </div>
              ) : (
                <span className="text-slate-500">{t("jobs.never")}</span>
              )}
            </td>
            <td>
              {j.queued ? (
                <Badge tone="amber">{t("jobs.queuedBadge")}</Badge>
              ) : j.running ? (
                <RunStatus status="running" />
              ) : (
                <Form method="post">
                  <input type="hidden" name="job" value={j.name} />
                  <SubmitButton
                    className="btn-secondary whitespace-nowrap"
                    pendingText={t("common.submitting")}
                    aria-label={`${t("jobs.runNow")}: ${t(j.title as MessageKey)}`}
                  >
                    {t("jobs.runNow")}
                  </SubmitButton>
                </Form>
              )}
            </td>
          </tr>
        ))}
      </ListTable>

      <section>
        <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
          <h2 className="text-lg font-semibold">{t("jobs.history")}</h2>
          <CsvLink />
        </div>
        <FilterBar resetTo="/admin/jobs" className="mb-4 sm:grid-cols-4">
          <FilterSelect
            name="job"
            label={t("jobs.col.job")}
            defaultValue={query.job}
            all
            options={JOB_NAMES.map((n) => ({ value: n, label: t(jobDefinition(n).title) }))}
          />
          <FilterSelect
            name="status"
            label={t("common.status")}
            defaultValue={query.status}
            all
            options={RUN_STATUSES.map((s) => ({ value: s, label: t(`jobs.status.${s}`) }))}
          />
          <FilterSelect
            name="trigger"
            label={t("jobs.col.trigger")}
            defaultValue={query.trigger}
            all
            options={(["schedule", "manual", "recovery"] as const).map((s) => ({ value: s, label: t(`jobs.trigger.${s}`) }))}
          />
        </FilterBar>
        <ListTable
          pager={runs}
          empty={runs.rows.length === 0 && <ListEmpty message={t("jobs.empty")} />}
          testId="runs-table"
          head={
            <>
              <Th>{t("jobs.col.started")}</Th>
              <Th>{t("jobs.col.job")}</Th>
              <Th>{t("jobs.col.slot")}</Th>
              <Th>{t("jobs.col.trigger")}</Th>
              <Th>{t("common.status")}</Th>
              <Th>{t("jobs.col.attempts")}</Th>
              <Th>{t("jobs.col.duration")}</Th>
              <Th>{t("jobs.col.progress")}</Th>
              <Th>{t("jobs.col.result")}</Th>
              <Th>{t("jobs.col.owner")}</Th>
            </>
          }
        >
          {runs.rows.map((r) => (
            <tr key={r.id}>
              <td className="whitespace-nowrap">{f.dateTime(r.startedAt)}</td>
              <td>{(JOB_NAMES as readonly string[]).includes(r.jobName) ? t(jobDefinition(r.jobName as (typeof JOB_NAMES)[number]).title) : r.jobName}</td>
              <td>
                <code className="text-xs">{r.slot}</code>
              </td>
              <td>{t(`jobs.trigger.${r.trigger}` as MessageKey)}</td>
              <td>
                <RunStatus status={r.status} />
              </td>
              <td>{r.attempts}</td>
              <td className="whitespace-nowrap">
                <Duration ms={r.durationMs} />
              </td>
              <td className="text-xs">{r.progress ?? "—"}</td>
              <td className="max-w-md text-xs">
                <RunOutcome run={r} />
              </td>
              <td className="max-w-[12rem] truncate text-xs text-slate-500" title={r.owner}>
                {r.owner}
              </td>
            </tr>
          ))}
        </ListTable>
      </section>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

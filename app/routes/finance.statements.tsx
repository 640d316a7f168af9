import { ListTable, Th, ListEmpty } from "~/components/list";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { Field, FormError, Notice, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { translate } from "~/i18n";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { issueStatements } from "~/modules/statements/issue.server";
import { periodsOverview } from "~/modules/statements/statements.server";
import { IssueSchema } from "~/modules/statements/statements.schema.server";
import { parseForm } from "~/utils/http.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("statements.issueTitle");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "statement:issue");
  return json(await periodsOverview(actor));
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "statement:issue");
  const form = await parseForm(request, IssueSchema);
  if (!form.ok) return json(form, { status: 400 });
  const r = await issueStatements(actor, { period: form.data.period });
  return json({
    ok: true as const,
    message: translate(actor.locale, "statements.issueResult", {
      period: r.period,
      issued: r.issued,
      already: r.alreadyIssued,
      gaps: r.skippedGap,
      none: r.noActivity,
    }),
  });
});

export default function IssueStatements() {
  const { periods, suggested } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const f = useFormat();
  const failure = data && data.ok === false ? data : undefined;
  return (
    <div className="space-y-4">
      <PageHeader title={t("statements.issueTitle")} crumbs={[{ label: t("nav.home"), to: "/" }, { label: t("statements.issueTitle") }]} />
      <Form method="post" className="card space-y-3" noValidate>
        <p className="text-sm text-slate-600">{t("statements.issueHelp")}</p>
        <FormError message={failure?.formError} />
        <Notice message={data && data.ok ? data.message : undefined} />
        <div className="flex flex-wrap items-end gap-3">
          <div className="w-48">
            <Field
              name="period"
              type="month"
              label={t("statements.period")}
              defaultValue={String(failure?.values.period ?? suggested)}
              error={failure?.fieldErrors.period}
              required
            />
          </div>
          <SubmitButton pendingText={t("common.submitting")}>{t("statements.issueSubmit")}</SubmitButton>
        </div>
      </Form>
      {periods.length === 0 ? (
        <ListEmpty message={t("statements.empty")} />
      ) : (
        <section className="card p-0">
          <h2 className="px-4 pt-4 font-semibold">{t("statements.periodsOverview")}</h2>
          <ListTable
            testId="periods"
            bare
            head={
              <>
                <Th>{t("statements.period")}</Th>
                <Th>{t("statements.issuedAt")}</Th>
                <Th num>{t("statements.count")}</Th>
                <Th num>{t("statements.status.issued")}</Th>
                <Th num>{t("statements.status.overdue")}</Th>
                <Th num>{t("statements.status.confirmed")}</Th>
                <Th num>{t("statements.status.disputed")}</Th>
                <Th num>{t("statements.status.resolved")}</Th>
              </>
            }
          >
            {periods.map((p) => (
              <tr key={p.period}>
                <td>
                  <Link className="link" to={`/statements?period=${p.period}`}>
                    {p.period}
                  </Link>
                </td>
                <td>{f.dateTime(p.issuedAt)}</td>
                <td className="text-right">{p.n}</td>
                <td className="text-right">
                  <Link className="link" to={`/statements?period=${p.period}&status=issued`}>
                    {p.issued}
                  </Link>
                </td>
                <td className={`text-right ${p.overdue ? "font-semibold text-red-700" : ""}`}>
                  <Link className="link" to={`/statements?period=${p.period}&status=overdue`}>
                    {p.overdue}
                  </Link>
                </td>
                <td className="text-right">{p.confirmed}</td>
                <td className="text-right">
                  <Link className="link" to={`/statements?period=${p.period}&status=disputed`}>
                    {p.disputed}
                  </Link>
                </td>
                <td className="text-right">{p.resolved}</td>
              </tr>
            ))}
          </ListTable>
        </section>
      )}
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import { localeOf } from "~/utils/request.server";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Link } from "~/components/link";
import { Amount, DisputeStatus, EntryDescription, EntryType, SourceLinks, StatementStatus } from "~/components/ledger";
import { Field, FormError, Notice, SelectField, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { useFormat, useT } from "~/i18n/react";
import { can } from "~/modules/auth/actor";
import { requireActor } from "~/modules/auth/auth.server";
import { ListTable, Th } from "~/components/list";
import { STATEMENT_LINES_CSV_HEADER, confirmStatement, disputeLine, exportStatementLines, getStatementPage } from "~/modules/statements/statements.server";
import { DISPUTE_REASONS, STATEMENT_LINE_VIEWS, statementResponses } from "~/modules/statements/statements.schema";
import { ConfirmSchema, DisputeSchema, StatementPageQuery } from "~/modules/statements/statements.schema.server";
import { csvResponse, parseForm, parseQuery } from "~/utils/http.server";
import { intentAction } from "~/utils/intent.server";
import { withAction, withLoader } from "~/utils/route";
import { minorToDecimal } from "~/utils/money";
import { idParam } from "~/utils/params.server";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta<typeof loader>("statements.statement", ({ statement: s }) => `${s.dealer_code} ${s.period}`);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "ledger:read");
  const id = idParam(params.id);
  const query = parseQuery(request, StatementPageQuery);
  if (query.format === "csv") {
    const { statement } = await getStatementPage(actor, id, { ...query, page: 1 });
    return csvResponse(
      `statement-${statement.dealer_code}-${statement.period}.csv`,
      STATEMENT_LINES_CSV_HEADER,
      exportStatementLines(actor, id, localeOf(request)),
    );
  }
  const data = await getStatementPage(actor, id, query);
  const canRespond = can(actor, "statement:respond");
  // What this reader may do here: the same rule the actions apply (statementResponses).
  const respond = canRespond ? statementResponses(data.statement) : { confirm: false, dispute: false };
  return json({ ...data, respond, finance: can(actor, "dispute:resolve") });
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "statement:respond");
  const id = idParam(params.id);
  return intentAction(request, {
    confirm: (ctx) => ctx.submit(ConfirmSchema, (data) => confirmStatement(actor, id, data), "statements.confirmed"),
    // A failure (a parse failure or a rule such as "more than the line") comes back with the typed
    // values, the line's id among them: the page shows it on that line's form.
    dispute: async (ctx) => {
      const form = await parseForm(request, DisputeSchema, ctx.form);
      if (!form.ok) return ctx.fail(form);
      const { lineNo } = await disputeLine(actor, id, form.data);
      return ctx.done("statements.disputed", { line: lineNo });
    },
  });
});

export default function StatementDetail() {
  const { statement: s, lines, filter, overdue, daysToConfirm, respond, finance, openDisputes, disputedLines, disputedMinor } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const f = useFormat();
  const failure = data && data.ok === false ? data : undefined;
  // The line whose dispute form was refused (its id travels with the typed values); the form is shown again there.
  const failedLine = failure && "intent" in failure && failure.intent === "dispute" ? Number(failure.values.lineId) || null : null;
  const failureOnLine = failedLine !== null && respond.dispute && lines.some((l) => l.id === failedLine && !l.dispute_id);
  // The dispute form is rendered for the one line asked for (?dispute=<line id>), not for every line of the page.
  const [sp] = useSearchParams();
  const withParam = (k: string, v: string | null) => {
    const p = new URLSearchParams(sp);
    if (v === null) p.delete(k);
    else p.set(k, v);
    const q = p.toString();
    return q ? `?${q}` : `/statements/${s.id}`;
  };
  return (
    <div className="space-y-4">
      <PageHeader
        title={t("statements.detailTitle", { period: s.period })}
        crumbs={[{ label: t("statements.title"), to: "/statements" }, { label: `${s.dealer_code} · ${s.period}` }]}
        actions={
          <div className="no-print flex flex-wrap gap-2">
            <Link className="btn-secondary" to={`/statements/${s.id}?format=csv`} reloadDocument>
              {t("statements.downloadCsv")}
            </Link>
            <Link className="btn-secondary" to={`/statements/${s.id}/pdf`} reloadDocument>
              {t("documents.downloadPdf")}
            </Link>
            <Link className="btn-secondary" to={`/statements/${s.id}/print?lang=zh-CN`}>
              {t("statements.printZh")}
            </Link>
            <Link className="btn-secondary" to={`/statements/${s.id}/print?lang=en`}>
              {t("statements.printEn")}
            </Link>
          </div>
        }
      />
      <FormError message={failure && !failureOnLine ? failure.formError : undefined} />
      <Notice message={data && data.ok === true ? data.message : undefined} />
      <section className="card grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="statement-summary">
        <div>
          <div className="text-xs text-slate-500">{t("ledger.dealer")}</div>
          <div className="font-medium">
            {s.dealer_code} · {s.dealer_name}
          </div>
          <div className="text-xs text-slate-500">
            {f.date(s.period_start)} – {f.date(s.period_end)}
          </div>
        </div>
        <div>
          <div className="text-xs text-slate-500">{t("statements.opening")}</div>
          <div className="text-lg">
            <Amount minor={s.opening_minor} currency={s.currency} />
          </div>
          <div className="text-xs text-slate-500">
            {t("statements.debits")} <Amount minor={s.debit_minor} currency={s.currency} /> · {t("statements.credits")}{" "}
            <Amount minor={-s.credit_minor} currency={s.currency} />
          </div>
        </div>
        <div>
          <div className="text-xs text-slate-500">{t("statements.closing")}</div>
          <div className="text-lg font-semibold" data-testid="closing">
            <Amount minor={s.closing_minor} currency={s.currency} />
          </div>
          {s.confirmed_closing_minor !== null ? (
            <div className="text-xs text-slate-500">
              {t("statements.agreedBalance")}: <Amount minor={s.confirmed_closing_minor} currency={s.currency} />
            </div>
          ) : null}
        </div>
        <div>
          <div className="text-xs text-slate-500">{t("common.status")}</div>
          <div data-testid="statement-status">
            <StatementStatus status={s.status} overdue={overdue} />
          </div>
          {s.status === "issued" ? (
            <div className={`mt-1 text-xs ${overdue ? "font-semibold text-red-700" : "text-slate-600"}`}>
              {overdue
                ? t("statements.overdue", { date: f.date(s.confirm_by) })
                : t("statements.daysLeft", { date: f.date(s.confirm_by), days: daysToConfirm })}
            </div>
          ) : null}
          {s.confirmed_at ? (
            <div className="mt-1 text-xs text-slate-600">
              {t("statements.confirmedBy", {
                name: s.confirmed_by_name ?? "—",
                date: f.dateTime(s.confirmed_at),
                amount: f.money(s.confirmed_closing_minor ?? s.closing_minor, s.currency),
              })}
            </div>
          ) : null}
        </div>
      </section>

      <nav className="no-print flex flex-wrap items-center gap-2" aria-label={t("statements.linesView")} data-testid="line-views">
        {STATEMENT_LINE_VIEWS.map((v) => (
          <Link
            key={v}
            to={v === "all" ? `/statements/${s.id}` : `/statements/${s.id}?lines=${v}`}
            className={filter.lines === v ? "btn-primary" : "btn-secondary"}
            aria-current={filter.lines === v ? "page" : undefined}
            preventScrollReset
          >
            {v === "all" ? t("statements.linesAll", { n: s.line_count }) : t("statements.linesDisputed", { n: disputedLines })}
          </Link>
        ))}
      </nav>

      <ListTable
        testId="statement-lines"
        pager={filter}
        printable
        head={
          <>
            <Th>#</Th>
            <Th>{t("ledger.businessDate")}</Th>
            <Th>{t("ledger.type")}</Th>
            <Th>{t("ledger.description")}</Th>
            <Th>{t("ledger.dueDate")}</Th>
            <Th num>{t("ledger.debit")}</Th>
            <Th num>{t("ledger.credit")}</Th>
            <Th num>{t("ledger.balance")}</Th>
            <th scope="col" className="no-print">
              {t("common.actions")}
            </th>
          </>
        }
      >
        {filter.lines === "all" && filter.first ? (
          <tr className="bg-slate-50">
            <td />
            <td>{f.date(s.period_start)}</td>
            <td colSpan={5} className="font-medium">
              {t("statements.openingRow")}
            </td>
            <td className="whitespace-nowrap text-right font-medium" data-testid="opening-balance">
              <Amount minor={s.opening_minor} currency={s.currency} />
            </td>
            <td className="no-print" />
          </tr>
        ) : null}
        {lines.length === 0 && filter.lines === "disputed" ? (
          <tr>
            <td colSpan={9} className="text-sm text-slate-600">
              {t("statements.noDisputedLines")}
            </td>
          </tr>
        ) : null}
        {lines.map((l) => (
          <tr
            key={l.id}
            id={`line-${l.line_no}`}
            data-testid={`line-${l.line_no}`}
            className={filter.line === l.line_no ? "bg-amber-50 outline outline-2 outline-amber-400" : undefined}
            aria-current={filter.line === l.line_no ? "true" : undefined}
          >
            <td>{l.line_no}</td>
            <td className="whitespace-nowrap">{f.date(l.business_date)}</td>
            <td className="whitespace-nowrap">
              <EntryType type={l.entry_type} />
            </td>
            <td className="wrap">
              <div>
                <EntryDescription e={l} />
              </div>
              <SourceLinks e={l} finance={finance} />
              {l.dispute_id ? (
                <div className="mt-1 space-y-0.5 text-xs">
                  <span className="mr-1">{t("statements.disputeStatus", { status: "" })}</span>
                  <DisputeStatus status={l.dispute_status ?? "open"} /> <Amount minor={l.dispute_amount_minor ?? 0} currency={s.currency} /> ·{" "}
                  {t(`statements.reason.${l.dispute_reason}` as "statements.reason.other")}
                  {l.dispute_resolution_note ? <div className="text-slate-600">{l.dispute_resolution_note}</div> : null}
                  {finance ? (
                    <Link className="link ml-1" to={`/finance/disputes/${l.dispute_id}`}>
                      {t("statements.viewDispute")}
                    </Link>
                  ) : null}
                </div>
              ) : null}
            </td>
            <td className="whitespace-nowrap">{f.date(l.due_date)}</td>
            <td className="whitespace-nowrap text-right">{l.amount_minor > 0 ? <Amount minor={l.amount_minor} currency={s.currency} /> : null}</td>
            <td className="whitespace-nowrap text-right">{l.amount_minor < 0 ? <Amount minor={-l.amount_minor} currency={s.currency} /> : null}</td>
            <td className="whitespace-nowrap text-right" data-testid={`balance-${l.line_no}`}>
              <Amount minor={l.balance_minor} currency={s.currency} />
            </td>
            <td className="no-print actions">
              {respond.dispute && !l.dispute_id && filter.dispute !== l.id && failedLine !== l.id ? (
                <Link className="text-sm text-brand-700" to={withParam("dispute", String(l.id))} preventScrollReset>
                  {t("statements.dispute")}
                </Link>
              ) : null}
              {respond.dispute && !l.dispute_id && (filter.dispute === l.id || failedLine === l.id) ? (
                <div id={`dispute-${l.id}`} className="whitespace-normal">
                  <Form method="post" className="w-64 space-y-2" noValidate>
                    <input type="hidden" name="intent" value="dispute" />
                    <input type="hidden" name="lineId" value={l.id} />
                    <p className="text-xs font-medium">{t("statements.disputeTitle", { line: l.line_no })}</p>
                    {failedLine === l.id ? <FormError message={failure?.formError} /> : null}
                    <SelectField
                      id={`reason-${l.id}`}
                      name="reasonCode"
                      label={t("statements.reason")}
                      options={DISPUTE_REASONS.map((r) => ({ value: r, label: t(`statements.reason.${r}`) }))}
                      defaultValue={failedLine === l.id ? String(failure?.values.reasonCode ?? "") : undefined}
                      error={failedLine === l.id ? failure?.fieldErrors.reasonCode : undefined}
                    />
                    <Field
                      id={`amount-${l.id}`}
                      name="amount"
                      label={t("statements.amountInQuestion")}
                      inputMode="decimal"
                      defaultValue={failedLine === l.id ? String(failure?.values.amount ?? "") : minorToDecimal(Math.abs(l.amount_minor), s.currency)}
                      error={failedLine === l.id ? failure?.fieldErrors.amount : undefined}
                    />
                    <Field
                      id={`comment-${l.id}`}
                      name="comment"
                      label={t("statements.comment")}
                      maxLength={2000}
                      defaultValue={failedLine === l.id ? String(failure?.values.comment ?? "") : ""}
                    />
                    <SubmitButton name="intent" value="dispute" className="btn-secondary w-full">
                      {t("statements.dispute")}
                    </SubmitButton>
                    <Link className="link block text-center text-xs" to={withParam("dispute", null)} preventScrollReset>
                      {t("common.cancel")}
                    </Link>
                  </Form>
                </div>
              ) : null}
            </td>
          </tr>
        ))}
        {filter.lines === "all" && filter.last ? (
          <tr className="bg-slate-50">
            <td />
            <td>{f.date(s.period_end)}</td>
            <td colSpan={5} className="font-semibold">
              {t("statements.closingRow")}
            </td>
            <td className="whitespace-nowrap text-right font-semibold" data-testid="closing-balance">
              <Amount minor={s.closing_minor} currency={s.currency} />
            </td>
            <td className="no-print" />
          </tr>
        ) : null}
      </ListTable>

      {respond.confirm ? (
        <Form method="post" className="card no-print flex flex-wrap items-center justify-between gap-3">
          <input type="hidden" name="intent" value="confirm" />
          <input type="hidden" name="version" value={s.version} />
          <p className="text-sm text-slate-700">
            {s.status === "resolved"
              ? t("statements.confirmResolvedHelp", { amount: f.money(s.closing_minor - disputedMinor, s.currency) })
              : openDisputes > 0 || s.status === "disputed"
                ? t("statements.confirmRestHelp", { amount: f.money(s.closing_minor - disputedMinor, s.currency) })
                : t("statements.confirmHelp", { amount: f.money(s.closing_minor, s.currency) })}
            {filter.total > filter.pageSize || filter.lines !== "all" ? (
              <span className="block text-xs text-slate-500">{t("statements.confirmCoversAll")}</span>
            ) : null}
          </p>
          <SubmitButton name="intent" value="confirm" pendingText={t("common.submitting")}>
            {s.status === "disputed" ? t("statements.confirmRest") : t("statements.confirm")}
          </SubmitButton>
        </Form>
      ) : null}
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

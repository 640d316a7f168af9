import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { FormError, Notice, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import type { MessageKey } from "~/i18n";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { getPaymentImport, importPayments, listPaymentImports, type ImportRowReport } from "~/modules/ledger/payments-import.server";
import { ImportQuery } from "~/modules/ledger/ledger.schema.server";
import { ValidationError } from "~/utils/errors";
import { parseQuery } from "~/utils/http.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { ScrollX } from "~/components/ui/scroll-x";
import { Th } from "~/components/list";

export const meta = pageMeta("payments.importTitle");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "ledger:post");
  const q = parseQuery(request, ImportQuery);
  const [history, selected] = await Promise.all([listPaymentImports(actor), q.import ? getPaymentImport(actor, q.import) : null]);
  return json({ history, selected });
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "ledger:post");
  const fd = await request.formData();
  const file = fd.get("file");
  if (!file || typeof file === "string" || file.size === 0) throw new ValidationError("payments.noFile");
  const report = await importPayments(actor, { filename: file.name || "bank.csv", bytes: new Uint8Array(await file.arrayBuffer()) });
  return json({ ok: true as const, report });
});

function ProblemTable({ rows }: { rows: ImportRowReport[] }) {
  const t = useT();
  if (!rows.length) return <p className="text-sm text-slate-600">{t("payments.noProblems")}</p>;
  return (
    <ScrollX>
      <table className="table" data-testid="import-problems">
        <thead>
          <tr>
            <Th>{t("payments.row")}</Th>
            <Th>{t("ledger.bankReference")}</Th>
            <Th>{t("payments.date")}</Th>
            <Th>{t("payments.payer")}</Th>
            <Th>{t("ledger.reference")}</Th>
            <Th num>{t("ledger.amount")}</Th>
            <Th>{t("payments.problem")}</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.row}>
              <td>{r.row}</td>
              <td className="font-mono text-xs">{r.bankRef}</td>
              <td>{r.date}</td>
              <td>{r.payer}</td>
              <td>{r.reference}</td>
              <td className="text-right tabular-nums">{r.amount}</td>
              <td className="text-red-700">{t(`payments.problem.${r.problem}` as MessageKey, { candidates: (r.candidates ?? []).join(", ") })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollX>
  );
}

export default function ImportPayments() {
  const { history, selected } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const f = useFormat();
  const failure = data && data.ok === false ? data : undefined;
  const report = data && data.ok === true ? data.report : null;
  return (
    <div className="space-y-4">
      <PageHeader title={t("payments.importTitle")} crumbs={[{ label: t("ledger.title"), to: "/finance/ledger" }, { label: t("payments.importTitle") }]} />
      <Form method="post" encType="multipart/form-data" className="card space-y-3" noValidate>
        <FormError message={failure ? (failure.fieldErrors.file ?? failure.formError) : undefined} />
        <div>
          <label htmlFor="file" className="label">
            {t("payments.file")}
          </label>
          <input id="file" name="file" type="file" accept=".csv,text/csv" className="input" required aria-describedby="file-help" />
          <p id="file-help" className="mt-1 text-xs text-slate-500">
            {t("payments.fileHelp")}
          </p>
        </div>
        <SubmitButton pendingText={t("common.submitting")}>{t("payments.upload")}</SubmitButton>
      </Form>
      {report ? (
        <section className="space-y-3" data-testid="import-report">
          <Notice
            message={t("payments.result", {
              id: report.importId,
              posted: report.posted.length,
              total: report.total,
              amount: f.money(report.postedMinor, "CNY"),
            })}
          />
          {report.posted.length ? (
            <ScrollX className="card p-0">
              <h2 className="px-4 pt-4 font-semibold">{t("payments.posted")}</h2>
              <table className="table">
                <thead>
                  <tr>
                    <Th>{t("payments.row")}</Th>
                    <Th>{t("ledger.dealer")}</Th>
                    <Th>{t("ledger.bankReference")}</Th>
                    <Th>{t("ledger.reference")}</Th>
                    <Th num>{t("ledger.amount")}</Th>
                    <Th>#</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {report.posted.map((r) => (
                    <tr key={r.row}>
                      <td>{r.row}</td>
                      <td>{r.dealerCode}</td>
                      <td className="font-mono text-xs">{r.bankRef}</td>
                      <td>{r.reference}</td>
                      <td className="text-right tabular-nums">{r.amount}</td>
                      <td>
                        <Link className="link" to={`/finance/ledger/entries/${r.entryId}`}>
                          {r.entryId}
                        </Link>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollX>
          ) : null}
          <ScrollX className="card p-0">
            <h2 className="px-4 pt-4 font-semibold">{t("payments.problems")}</h2>
            <ProblemTable rows={report.problems} />
          </ScrollX>
        </section>
      ) : null}
      {selected ? (
        <section className="card p-0" data-testid="import-detail">
          <h2 className="px-4 pt-4 font-semibold">
            #{selected.id} · {selected.filename} · {f.dateTime(selected.createdAt)} · {selected.matched}/{selected.total}
          </h2>
          <ProblemTable rows={selected.problems} />
        </section>
      ) : null}
      <section className="card p-0">
        <h2 className="px-4 pt-4 font-semibold">{t("payments.history")}</h2>
        <ScrollX>
          <table className="table">
            <thead>
              <tr>
                <Th>#</Th>
                <Th>{t("payments.file")}</Th>
                <Th>{t("common.created")}</Th>
                <Th num>{t("payments.rows")}</Th>
                <Th num>{t("payments.matched")}</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {history.map((h) => (
                <tr key={h.id}>
                  <td>
                    <Link className="link" to={`?import=${h.id}`}>
                      {h.id}
                    </Link>
                  </td>
                  <td>{h.filename}</td>
                  <td>
                    {f.dateTime(h.created_at)} · {h.created_by_name ?? ""}
                  </td>
                  <td className="text-right">{h.total_rows}</td>
                  <td className="text-right">{h.matched_rows}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollX>
      </section>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

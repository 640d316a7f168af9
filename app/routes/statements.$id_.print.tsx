import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Fragment, type ReactNode } from "react";
import { DocHead, DocTable, PartiesBlock, Sheet, Signatures, Toolbar, docT, documentClientLoader } from "~/components/documents";
import { type MessageKey } from "~/i18n";
import { formattersFor, useBusinessTz } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { documentLanguage, statementDocument, statementNumber } from "~/modules/documents/documents.server";
import { describeEntry, references } from "~/modules/ledger/descriptions";
import { PrintQuery } from "~/modules/statements/statements.schema.server";
import { parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { idParam } from "~/utils/params.server";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta<typeof loader>("statements.printTitle", ({ statement: s }) => `${s.dealer_code} ${s.period}`);

/** The statement as a document: who reads the statement (ledger:read, in scope) reads it; another dealer's is a 404. */
export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "ledger:read");
  const { lang } = parseQuery(request, PrintQuery);
  const data = await statementDocument(actor, idParam(params.id));
  return json({ ...data, number: statementNumber(data.statement), ...documentLanguage(actor, lang) });
});

export const clientLoader = documentClientLoader;

/** The opening or the closing balance: its date, its label across the line columns, the balance. */
function BalanceRow({ className, testId, date, label, children }: { className: string; testId: string; date: string; label: string; children: ReactNode }) {
  return (
    <tr className={className} data-testid={testId}>
      <td />
      <td className="whitespace-nowrap py-1 pr-2">{date}</td>
      <td colSpan={4} className="py-1 pr-2">
        {label}
      </td>
      <td className="whitespace-nowrap py-1 text-right">{children}</td>
    </tr>
  );
}

/**
 * A clean A4 statement in the language asked for: the issuer and the dealer, the opening balance, every line with
 * its debit or credit and running balance, the period's totals and the closing balance — the columns of the page,
 * the CSV and the PDF.
 */
export default function StatementPrint() {
  const { statement: s, lines, parties, number, lang, messages, today } = useLoaderData<typeof loader>();
  const t = docT(lang);
  const f = formattersFor(lang, useBusinessTz());
  const money = (m: number) => f.money(m, s.currency);
  return (
    <Sheet lang={lang} messages={messages} testId="statement-print">
      <Toolbar lang={lang} back={`/statements/${s.id}`} pdf={`/statements/${s.id}/pdf?lang=${lang}`} />
      <DocHead
        lang={lang}
        title={
          <>
            {t("statements.printTitle")} · <span className="whitespace-nowrap">{s.period}</span>
          </>
        }
        number={number}
        meta={[
          `${f.date(s.period_start)} – ${f.date(s.period_end)}`,
          `${t("common.status")}: ${t(`statements.status.${s.status}` as MessageKey)}`,
          `${t("statements.confirmBy")}: ${f.date(s.confirm_by)}`,
          t("statements.printedAt", { date: f.date(today) }),
        ]}
      />
      <PartiesBlock lang={lang} parties={parties} />
      <DocTable
        columns={[
          { label: "#" },
          { label: t("ledger.businessDate") },
          { label: t("ledger.type") },
          { label: t("ledger.description") },
          { label: t("ledger.debit"), right: true },
          { label: t("ledger.credit"), right: true },
          { label: t("ledger.balance"), right: true },
        ]}
      >
        <BalanceRow
          className="border-b border-slate-300 font-semibold"
          testId="statement-opening"
          date={f.date(s.period_start)}
          label={t("statements.openingRow")}
        >
          {money(s.opening_minor)}
        </BalanceRow>
        {lines.map((l) => (
          <tr key={l.id} className="break-inside-avoid border-b border-slate-200 align-top" data-testid="document-line">
            <td className="py-1 pr-2">{l.line_no}</td>
            <td className="whitespace-nowrap py-1 pr-2">{f.date(l.business_date)}</td>
            <td className="whitespace-nowrap py-1 pr-2">{t(`ledger.type.${l.entry_type}` as MessageKey)}</td>
            <td className="min-w-[10rem] py-1 pr-2">
              {describeEntry(lang, l)}
              {references(l).length > 0 ? (
                <span className="block font-mono text-[8pt]">
                  {references(l).map((r, i) => (
                    <Fragment key={r}>
                      {i > 0 ? " · " : null}
                      <span className="whitespace-nowrap">{r}</span>
                    </Fragment>
                  ))}
                </span>
              ) : null}
              {l.dispute_status ? (
                <span className="block text-[8.5pt]">
                  {t("statements.disputeStatus", { status: t(`disputes.status.${l.dispute_status}` as MessageKey) })} {money(l.dispute_amount_minor ?? 0)}
                </span>
              ) : null}
            </td>
            <td className="whitespace-nowrap py-1 pr-2 text-right">{l.amount_minor > 0 ? money(l.amount_minor) : ""}</td>
            <td className="whitespace-nowrap py-1 pr-2 text-right">{l.amount_minor < 0 ? money(-l.amount_minor) : ""}</td>
            <td className="whitespace-nowrap py-1 text-right">{money(l.balance_minor)}</td>
          </tr>
        ))}
        <tr className="border-b border-black">
          <td colSpan={4} className="py-1 pr-2 text-right">
            {t("common.total")}
          </td>
          <td className="whitespace-nowrap py-1 pr-2 text-right">{money(s.debit_minor)}</td>
          <td className="whitespace-nowrap py-1 pr-2 text-right">{money(-s.credit_minor)}</td>
          <td />
        </tr>
        <BalanceRow className="font-bold" testId="statement-closing" date={f.date(s.period_end)} label={t("statements.closingRow")}>
          <span data-testid="document-total">{money(s.closing_minor)}</span>
        </BalanceRow>
      </DocTable>
      {s.confirmed_at ? (
        <p className="mt-4 text-sm">
          {t("statements.confirmedBy", {
            name: s.confirmed_by_name ?? "—",
            date: f.dateTime(s.confirmed_at),
            amount: money(s.confirmed_closing_minor ?? s.closing_minor),
          })}
        </p>
      ) : null}
      <Signatures labels={[t("statements.signature"), t("documents.issuerSignature")]} />
    </Sheet>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

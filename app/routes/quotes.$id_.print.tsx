import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { bpText } from "~/components/deals";
import {
  DocHead,
  DocLine,
  DocNote,
  Facts,
  PartiesBlock,
  Sheet,
  Signatures,
  Toolbar,
  docT,
  documentClientLoader,
  DocTable,
  productColumns,
} from "~/components/documents";
import { unitLabel, type MessageKey } from "~/i18n";
import { formattersFor, useBusinessTz } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { DocumentQuery } from "~/modules/documents/documents.schema.server";
import { documentLanguage, quoteDocument } from "~/modules/documents/documents.server";
import { parseQuery } from "~/utils/http.server";
import { pageMeta } from "~/utils/meta";
import { idParam } from "~/utils/params.server";
import { withLoader } from "~/utils/route";

export const meta = pageMeta<typeof loader>("documents.quotation", ({ quote }) => `#${quote.id}`);

/** The quotation: who reads the quote page (quote:read, through its deal's scope) reads it; another dealer's is a 404. */
export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "quote:read");
  const { lang } = parseQuery(request, DocumentQuery);
  const data = await quoteDocument(actor, idParam(params.id));
  return json({ ...data, ...documentLanguage(actor, lang) });
});

export const clientLoader = documentClientLoader;

/** A clean A4 quotation of one quote version: lines at list and negotiated price, the total, validity and terms. */
export default function QuotePrint() {
  const { quote: q, lines, parties, lang, messages, today } = useLoaderData<typeof loader>();
  const t = docT(lang);
  const f = formattersFor(lang, useBusinessTz());
  const money = (m: number) => f.money(m, q.currency);
  return (
    <Sheet lang={lang} messages={messages} testId="quote-print">
      <Toolbar lang={lang} back={`/quotes/${q.id}`} />
      <DocHead
        lang={lang}
        title={t("documents.quotation")}
        number={t("documents.quoteNumber", { id: q.id, n: q.version })}
        meta={[
          `${t("common.status")}: ${t(`quotes.status.${q.status}` as MessageKey)}`,
          `${t("quotes.validUntil")}: ${f.date(q.valid_until)}`,
          t("documents.printedOn", { date: f.date(today) }),
        ]}
      />
      <PartiesBlock lang={lang} parties={parties} />
      <Facts
        items={[
          [t("documents.deal"), `#${q.deal_id} · ${q.deal_title}`],
          [t("documents.keyAccount"), q.key_account_name],
          [t("quotes.validUntil"), f.date(q.valid_until)],
        ]}
      />
      <DocTable
        columns={[
          ...productColumns(lang),
          { label: t("quotes.quantity"), right: true },
          { label: t("quotes.listPrice"), right: true },
          { label: t("quotes.unitPrice"), right: true },
          { label: t("quotes.discount"), right: true },
          { label: t("quotes.lineTotal"), right: true },
        ]}
        total={{ label: t("quotes.total"), value: money(q.total_minor) }}
      >
        {lines.map((l) => (
          <DocLine key={l.id} lang={lang} line={l}>
            <td className="whitespace-nowrap py-1 pr-2 text-right">
              {f.number(l.quantity)} {unitLabel(lang, l.unit)}
            </td>
            <td className="whitespace-nowrap py-1 pr-2 text-right">{money(l.list_price_minor)}</td>
            <td className="whitespace-nowrap py-1 pr-2 text-right">{money(l.unit_price_minor)}</td>
            <td className="whitespace-nowrap py-1 pr-2 text-right">{bpText(l.discount_bp)}</td>
            <td className="whitespace-nowrap py-1 text-right">{money(l.line_total_minor)}</td>
          </DocLine>
        ))}
      </DocTable>
      <DocNote label={t("quotes.terms")} text={q.terms} keepBreaks />
      <Signatures labels={[t("documents.dealerSignature"), t("documents.issuerSignature")]} />
    </Sheet>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

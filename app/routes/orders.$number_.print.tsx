import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  DeliverTo,
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
import { documentLanguage, orderConfirmationDocument } from "~/modules/documents/documents.server";
import { parseQuery } from "~/utils/http.server";
import { pageMeta } from "~/utils/meta";
import { orderNumberParam } from "~/utils/params.server";
import { withLoader } from "~/utils/route";

export const meta = pageMeta<typeof loader>("documents.orderConfirmation", ({ order }) => order.number);

/** The order confirmation: who reads the order page (order:read, in scope) reads it; another dealer's order is a 404. */
export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "order:read");
  const { lang } = parseQuery(request, DocumentQuery);
  const data = await orderConfirmationDocument(actor, orderNumberParam(params.number));
  return json({ ...data, ...documentLanguage(actor, lang) });
});

export const clientLoader = documentClientLoader;

/** A clean A4 order confirmation (the app's header and navigation are .no-print), in the language asked for. */
export default function OrderConfirmationPrint() {
  const { order: o, lines, parties, lang, messages, today } = useLoaderData<typeof loader>();
  const t = docT(lang);
  const f = formattersFor(lang, useBusinessTz());
  const money = (m: number) => f.money(m, o.currency);
  const a = o.address;
  return (
    <Sheet lang={lang} messages={messages} testId="order-print">
      <Toolbar lang={lang} back={`/orders/${o.number}`} pdf={`/orders/${o.number}/pdf?lang=${lang}`} />
      <DocHead
        lang={lang}
        title={t("documents.orderConfirmation")}
        number={o.number}
        meta={[
          `${t("orders.submittedAt")}: ${f.dateTime(o.submitted_at)}`,
          `${t("common.status")}: ${t(`orders.status.${o.status}` as MessageKey)}`,
          t("documents.printedOn", { date: f.date(today) }),
        ]}
      />
      <PartiesBlock lang={lang} parties={parties} dealerMore={<DeliverTo lang={lang} address={a} />} />
      <Facts
        items={[
          [t("orders.poReference"), o.po_reference || "—"],
          [t("orders.requestedDate"), f.date(o.requested_date)],
          [t("orders.promisedDate"), o.promised_date ? f.date(o.promised_date) : t("orders.promiseTbc")],
          [t("orders.createdBy"), o.created_by_name ?? "—"],
          ...(o.quote_id ? ([[t("orders.quote"), `#${o.quote_id}`]] as [string, string][]) : []),
        ]}
      />
      <DocTable
        columns={[
          ...productColumns(lang),
          { label: t("orders.ordered"), right: true },
          { label: t("documents.unit") },
          { label: t("orders.unitPrice"), right: true },
          { label: t("orders.lineTotal"), right: true },
        ]}
        total={{ label: t("orders.total"), value: money(o.total_minor) }}
      >
        {lines.map((l) => {
          const extra = [...Object.entries(l.options).map(([k, v]) => `${k}: ${v}`), l.spec_notes ?? ""].filter(Boolean).join(" · ");
          return (
            <DocLine key={l.id} lang={lang} line={l} extra={extra}>
              <td className="py-1 pr-2 text-right">{f.number(l.quantity)}</td>
              <td className="py-1 pr-2">{unitLabel(lang, l.unit)}</td>
              <td className="whitespace-nowrap py-1 pr-2 text-right">{money(l.unit_price_minor)}</td>
              <td className="whitespace-nowrap py-1 text-right">{money(l.line_total_minor)}</td>
            </DocLine>
          );
        })}
      </DocTable>
      <DocNote label={t("common.notes")} text={o.notes} />
      <Signatures labels={[t("documents.dealerSignature"), t("documents.issuerSignature")]} />
    </Sheet>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

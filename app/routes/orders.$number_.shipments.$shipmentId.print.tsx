import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  DeliverTo,
  DocHead,
  DocLine,
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
import { unitLabel } from "~/i18n";
import { formattersFor, useBusinessTz } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { DocumentQuery } from "~/modules/documents/documents.schema.server";
import { documentLanguage, deliveryNoteDocument } from "~/modules/documents/documents.server";
import { parseQuery } from "~/utils/http.server";
import { pageMeta } from "~/utils/meta";
import { idParam, orderNumberParam } from "~/utils/params.server";
import { withLoader } from "~/utils/route";

export const meta = pageMeta<typeof loader>("documents.deliveryNote", ({ shipment }) => shipment.number);

/** One shipment's delivery note: who reads the order page reads it; another order's shipment or another dealer's is a 404. */
export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "order:read");
  const { lang } = parseQuery(request, DocumentQuery);
  const data = await deliveryNoteDocument(actor, orderNumberParam(params.number), idParam(params.shipmentId));
  return json({ ...data, ...documentLanguage(actor, lang) });
});

export const clientLoader = documentClientLoader;

/** A clean A4 delivery note: what left in this shipment, where to, and a box for the receiver's signature. */
export default function DeliveryNotePrint() {
  const { order: o, shipment: s, lines, parties, lang, messages, today } = useLoaderData<typeof loader>();
  const t = docT(lang);
  const f = formattersFor(lang, useBusinessTz());
  const a = o.address;
  return (
    <Sheet lang={lang} messages={messages} testId="delivery-note-print">
      <Toolbar lang={lang} back={`/orders/${o.number}`} />
      <DocHead
        lang={lang}
        title={t("documents.deliveryNote")}
        number={s.number}
        meta={[
          `${t("orders.shippedOn")}: ${f.date(s.shipped_on)}`,
          ...(s.delivered_at ? [t("documents.deliveredOn", { date: f.dateTime(s.delivered_at) })] : []),
          t("documents.printedOn", { date: f.date(today) }),
        ]}
      />
      <PartiesBlock lang={lang} parties={parties} dealerMore={<DeliverTo lang={lang} address={a} />} />
      <Facts
        items={[
          [t("orders.order"), o.number],
          [t("orders.poReference"), o.po_reference || "—"],
          [t("orders.warehouse"), `${s.warehouse_code} · ${lang === "en" ? s.warehouse_name_en : s.warehouse_name_zh}`],
          [t("orders.carrier"), s.carrier || "—"],
          [t("orders.trackingNumber"), s.tracking_number || "—"],
        ]}
      />
      <DocTable
        columns={[
          ...productColumns(lang),
          { label: t("orders.ordered"), right: true },
          { label: t("documents.shippedNow"), right: true },
          { label: t("documents.unit") },
        ]}
      >
        {lines.map((l) => (
          <DocLine key={l.line_no} lang={lang} line={l}>
            <td className="py-1 pr-2 text-right">{f.number(l.ordered)}</td>
            <td className="py-1 pr-2 text-right font-semibold">{f.number(l.quantity)}</td>
            <td className="py-1">{unitLabel(lang, l.unit)}</td>
          </DocLine>
        ))}
      </DocTable>
      <Signatures labels={[t("documents.receivedBy"), t("documents.issuerSignature")]} />
    </Sheet>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

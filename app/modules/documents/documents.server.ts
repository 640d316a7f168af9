/**
 * Finance and order documents (issue #22, item 5; docs/decisions/116-printed-documents-and-pdfs.md): what the print
 * pages show — order confirmation, delivery note, quotation, statement — and the PDFs of the statement and of the
 * order confirmation.
 *
 * Each document reads its record through the same domain function as the record's own page, so who may see it is
 * decided by the same rule (permission, then scope: another dealer's record is a 404). The statement's lines and
 * running balances are `getStatement`'s, the ones its page, print page and CSV show.
 */
import type { Actor } from "~/modules/auth/actor";
import { translate, translateKnown, unitLabel, type Locale, type MessageKey } from "~/i18n";
import { formattersFor } from "~/i18n/react";
import { messagesHref } from "~/i18n/messages.server";
import { describeEntry, references } from "~/modules/ledger/descriptions";
import { getDeliveryNote, getOrderConfirmation } from "~/modules/orders/orders.views.server";
import { documentParties } from "~/modules/organisations/organisations.server";
import { getQuotePage } from "~/modules/quotes/quotes.server";
import { getStatement } from "~/modules/statements/statements.server";
import { env } from "~/utils/env.server";
import { todayIn } from "~/utils/time";
import { PdfWriter, type PdfColumn, type PdfRow } from "./pdf.server";

/** The language a document is printed in (asked for, else the reader's) and that language's messages file for the browser. */
export function documentLanguage(actor: Actor, asked: Locale | undefined) {
  const lang = asked ?? actor.locale;
  return { lang, messages: messagesHref(lang) };
}

const today = () => todayIn(env().BUSINESS_TZ);

// ---------------------------------------------------------------- what the print pages show

export async function orderConfirmationDocument(actor: Actor, number: string) {
  const data = await getOrderConfirmation(actor, number);
  return { ...data, parties: await documentParties(actor, data.order.dealer_id), today: today() };
}

export async function deliveryNoteDocument(actor: Actor, number: string, shipmentId: number) {
  const data = await getDeliveryNote(actor, number, shipmentId);
  return { ...data, parties: await documentParties(actor, data.order.dealer_id), today: today() };
}

/** The quotation: the version asked for, as its page shows it to this reader (the administrator's internal note aside). */
export async function quoteDocument(actor: Actor, id: number) {
  const { quote: q, lines } = await getQuotePage(actor, id);
  return {
    quote: {
      id: q.id,
      version: q.version,
      deal_id: q.deal_id,
      deal_title: q.deal_title,
      key_account_name: q.key_account_name,
      dealer_code: q.dealer_code,
      dealer_name: q.dealer_name,
      status: q.effectiveStatus,
      currency: q.currency,
      total_minor: q.total_minor,
      valid_until: q.valid_until,
      terms: q.terms,
      proposed_at: q.proposed_at,
      created_at: q.created_at,
    },
    lines: lines.map((l) => ({
      id: l.id,
      line_no: l.line_no,
      sku: l.sku,
      name_en: l.name_en,
      name_zh: l.name_zh,
      unit: l.unit,
      quantity: l.quantity,
      list_price_minor: l.list_price_minor,
      unit_price_minor: l.unit_price_minor,
      discount_bp: l.discount_bp,
      line_total_minor: l.line_total_minor,
    })),
    parties: await documentParties(actor, q.dealer_id),
    today: today(),
  };
}

export async function statementDocument(actor: Actor, id: number) {
  const data = await getStatement(actor, id);
  return { ...data, parties: await documentParties(actor, data.statement.dealer_id) };
}
type StatementDocument = Awaited<ReturnType<typeof statementDocument>>;

/** A statement's number as documents print it: the dealer's code and the period (as its CSV's file name). */
export function statementNumber(s: { dealer_code: string; period: string }) {
  return `${s.dealer_code}-${s.period}`;
}

// ---------------------------------------------------------------- the statement PDF

/**
 * The statement's table as the PDF prints it, in the print page's and the CSV's columns: an opening row, every line
 * with its debit or credit and its running balance (`balance_minor`, from getStatement), the period's totals, and the
 * closing row. Amounts are formatted as on the page.
 */
export function statementTable(data: Pick<StatementDocument, "statement" | "lines">, lang: Locale, tz: string) {
  const t = (k: MessageKey) => translate(lang, k);
  const f = formattersFor(lang, tz);
  const s = data.statement;
  const money = (m: number) => f.money(m, s.currency);
  const columns: PdfColumn[] = [
    { header: "#", weight: 4.5 },
    { header: t("ledger.businessDate"), weight: 15 },
    { header: t("ledger.type"), weight: 8.5 },
    { header: t("ledger.description"), weight: 22 },
    { header: t("ledger.reference"), weight: 12 },
    { header: t("ledger.debit"), weight: 12.5, align: "right" },
    { header: t("ledger.credit"), weight: 12.5, align: "right" },
    { header: t("ledger.balance"), weight: 13, align: "right" },
  ];
  const rows: PdfRow[] = [
    { cells: ["", f.date(s.period_start), "", t("statements.openingRow"), "", "", "", money(s.opening_minor)], bold: true },
    ...data.lines.map((l) => {
      const dispute = l.dispute_status
        ? `\n${translate(lang, "statements.disputeStatus", { status: translateKnown(lang, `disputes.status.${l.dispute_status}`) ?? l.dispute_status })} ${money(l.dispute_amount_minor ?? 0)}`
        : "";
      return {
        cells: [
          String(l.line_no),
          f.date(l.business_date),
          translateKnown(lang, `ledger.type.${l.entry_type}`) ?? l.entry_type,
          `${describeEntry(lang, l)}${dispute}`,
          references(l).join("\n"),
          l.amount_minor > 0 ? money(l.amount_minor) : "",
          l.amount_minor < 0 ? money(-l.amount_minor) : "",
          money(l.balance_minor),
        ],
      };
    }),
    { cells: ["", "", "", "", t("common.total"), money(s.debit_minor), money(-s.credit_minor), ""], ruleAbove: true },
    { cells: ["", f.date(s.period_end), "", t("statements.closingRow"), "", "", "", money(s.closing_minor)], bold: true },
  ];
  return { columns, rows };
}

/** The statement as a PDF in `lang`, and the file name it downloads as. */
export async function statementPdf(actor: Actor, id: number, lang: Locale) {
  const data = await statementDocument(actor, id);
  const s = data.statement;
  const tz = env().BUSINESS_TZ;
  const f = formattersFor(lang, tz);
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(lang, k, p);
  const number = statementNumber(s);
  const title = `${t("statements.printTitle")} · ${s.period}`;
  const w = new PdfWriter(lang, { title: `${title} · ${s.dealer_code}`, author: data.parties.manufacturer?.name ?? t("app.name"), subject: number });
  w.header({
    title,
    number,
    meta: [
      `${f.date(s.period_start)} – ${f.date(s.period_end)}`,
      t("documents.issuedOn", { date: f.dateTime(s.issued_at) }),
      `${t("common.status")}: ${translateKnown(lang, `statements.status.${s.status}`) ?? s.status}`,
      `${t("statements.confirmBy")}: ${f.date(s.confirm_by)}`,
    ],
  });
  w.parties(data.parties);
  const table = statementTable(data, lang, tz);
  w.table(table.columns, table.rows);
  if (s.confirmed_at)
    w.paragraph(
      t("statements.confirmedBy", {
        name: s.confirmed_by_name ?? "—",
        date: f.dateTime(s.confirmed_at),
        amount: f.money(s.confirmed_closing_minor ?? s.closing_minor, s.currency),
      }),
    );
  w.signatures([t("statements.signature"), t("documents.issuerSignature")]);
  const bytes = await w.finish(`${number} · ${t("documents.generated", { app: t("app.name"), date: f.date(data.today), currency: s.currency })}`);
  return { bytes, filename: `statement-${s.dealer_code}-${s.period}.pdf` };
}

// ---------------------------------------------------------------- the order confirmation PDF

type OrderDocument = Awaited<ReturnType<typeof orderConfirmationDocument>>;

/** The order's lines as the confirmation prints them, and its total row. */
function orderTable(data: Pick<OrderDocument, "order" | "lines">, lang: Locale, tz: string) {
  const t = (k: MessageKey) => translate(lang, k);
  const f = formattersFor(lang, tz);
  const money = (m: number) => f.money(m, data.order.currency);
  const columns: PdfColumn[] = [
    { header: "#", weight: 4 },
    { header: "SKU", weight: 19 },
    { header: t("orders.product"), weight: 29 },
    { header: t("orders.ordered"), weight: 9, align: "right" },
    { header: t("documents.unit"), weight: 7 },
    { header: t("orders.unitPrice"), weight: 15, align: "right" },
    { header: t("orders.lineTotal"), weight: 17, align: "right" },
  ];
  const rows: PdfRow[] = [
    ...data.lines.map((l) => {
      const options = Object.entries(l.options).map(([k, v]) => `${k}: ${v}`);
      const extra = [...options, l.spec_notes ?? ""].filter(Boolean).join(" · ");
      return {
        cells: [
          String(l.line_no),
          l.sku,
          `${lang === "en" ? l.name_en : l.name_zh}${extra ? `\n${extra}` : ""}`,
          f.number(l.quantity),
          unitLabel(lang, l.unit),
          money(l.unit_price_minor),
          money(l.line_total_minor),
        ],
      };
    }),
    { cells: ["", "", "", "", "", t("orders.total"), money(data.order.total_minor)], bold: true, ruleAbove: true },
  ];
  return { columns, rows };
}

/** The order confirmation as a PDF in `lang`, and the file name it downloads as. */
export async function orderConfirmationPdf(actor: Actor, number: string, lang: Locale) {
  const data = await orderConfirmationDocument(actor, number);
  const o = data.order;
  const tz = env().BUSINESS_TZ;
  const f = formattersFor(lang, tz);
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(lang, k, p);
  const title = t("documents.orderConfirmation");
  const w = new PdfWriter(lang, { title: `${title} ${o.number}`, author: data.parties.manufacturer?.name ?? t("app.name"), subject: o.number });
  w.header({
    title,
    number: o.number,
    meta: [
      `${t("orders.submittedAt")}: ${f.dateTime(o.submitted_at)}`,
      `${t("common.status")}: ${translateKnown(lang, `orders.status.${o.status}`) ?? o.status}`,
      t("documents.printedOn", { date: f.date(data.today) }),
    ],
  });
  const a = o.address;
  w.parties(data.parties, {
    recipient: a ? [`${t("documents.deliverTo")}: ${a.recipient} · ${a.phone}`, `${a.province} ${a.city} ${a.line1} ${a.postcode}`] : [],
  });
  w.facts([
    [t("orders.poReference"), o.po_reference ?? ""],
    [t("orders.requestedDate"), f.date(o.requested_date)],
    [t("orders.promisedDate"), o.promised_date ? f.date(o.promised_date) : t("orders.promiseTbc")],
    [t("orders.createdBy"), o.created_by_name ?? ""],
    ...(o.quote_id ? ([[t("orders.quote"), `#${o.quote_id}`]] as [string, string][]) : []),
  ]);
  const table = orderTable(data, lang, tz);
  w.table(table.columns, table.rows);
  if (o.notes) w.paragraph(`${t("common.notes")}: ${o.notes}`);
  w.signatures([t("documents.dealerSignature"), t("documents.issuerSignature")]);
  const bytes = await w.finish(`${o.number} · ${t("documents.generated", { app: t("app.name"), date: f.date(data.today), currency: o.currency })}`);
  return { bytes, filename: `order-confirmation-${o.number}.pdf` };
}

import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, type ClientLoaderFunctionArgs } from "@remix-run/react";
import { Link } from "~/components/link";
import { useBusinessTz, useLocale } from "~/i18n/react";
import { loadMessages } from "~/i18n/load";
import { messagesHref } from "~/i18n/messages.server";
import { translate, type Locale, type MessageKey, type Params } from "~/i18n";
import { requireActor } from "~/modules/auth/auth.server";
import { describeEntry } from "~/modules/ledger/descriptions";
import { getStatement } from "~/modules/statements/statements.server";
import { PrintQuery } from "~/modules/statements/statements.schema.server";
import { parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { dateTimeFormat } from "~/utils/intl";
import { formatMoney } from "~/utils/money";
import { idParam } from "~/utils/params.server";
import { pageMeta } from "~/utils/meta";
import { ScrollX } from "~/components/ui/scroll-x";

export const meta = pageMeta<typeof loader>("statements.printTitle", ({ statement: s }) => `${s.dealer_code} ${s.period}`);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "ledger:read");
  const { lang } = parseQuery(request, PrintQuery);
  const data = await getStatement(actor, idParam(params.id));
  const printLang = (lang ?? actor.locale) as Locale;
  return json({ ...data, lang: printLang, messages: messagesHref(printLang) });
});

/** The copy may be in the other language: its messages, before it renders (decision 117). */
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  const data = await serverLoader<typeof loader>();
  await loadMessages(data.lang, data.messages);
  return data;
}

/** A clean A4 document (header, navigation and buttons are .no-print), in the language asked for. */
export default function StatementPrint() {
  const { statement: s, lines, lang, today, messages } = useLoaderData<typeof loader>();
  const reader = useLocale();
  const t = (k: MessageKey, p?: Params) => translate(lang, k, p);
  const tz = useBusinessTz();
  const money = (m: number) => formatMoney(m, s.currency, lang);
  const instant = (d: string | Date) => dateTimeFormat(lang, { timeZone: tz, dateStyle: "medium" }).format(new Date(d));
  const date = (d: string | null) => (d ? dateTimeFormat(lang, { timeZone: "UTC", dateStyle: "medium" }).format(new Date(`${d.slice(0, 10)}T00:00:00Z`)) : "—");
  return (
    <article lang={lang} className="mx-auto max-w-[190mm] bg-white p-6 text-[11pt] text-black print:p-0" data-testid="statement-print">
      {/* A copy in the other language: entry.client loads these messages too before hydrating. */}
      {lang !== reader ? <link rel="preload" as="fetch" crossOrigin="anonymous" href={messages} data-messages={lang} /> : null}
      <div className="no-print mb-4 flex gap-2">
        <button type="button" className="btn-primary" onClick={() => window.print()}>
          {t("common.print")}
        </button>
        <Link className="btn-secondary" to={`/statements/${s.id}/pdf?lang=${lang}`} reloadDocument>
          {t("documents.downloadPdf")}
        </Link>
        <Link className="btn-secondary" to={`/statements/${s.id}`}>
          {t("common.back")}
        </Link>
      </div>
      <header className="mb-4 flex items-start justify-between border-b border-black pb-2">
        <div>
          <h1 className="text-xl font-bold">
            {t("statements.printTitle")} · {s.period}
          </h1>
          <p>
            {s.dealer_code} · {s.dealer_name}
          </p>
          <p className="text-sm">
            {date(s.period_start)} – {date(s.period_end)}
          </p>
        </div>
        <div className="text-right text-sm">
          <p>{t("app.name")}</p>
          <p>{t("statements.printedAt", { date: date(today) })}</p>
          <p>
            {t("common.status")}: {t(`statements.status.${s.status}` as MessageKey)}
          </p>
          <p>
            {t("statements.confirmBy")}: {date(s.confirm_by)}
          </p>
        </div>
      </header>
      <ScrollX className="print:overflow-visible">
        <table className="w-full border-collapse text-[9.5pt]">
          <thead>
            <tr className="border-b border-black text-left">
              <th className="py-1 pr-2">#</th>
              <th className="py-1 pr-2">{t("ledger.businessDate")}</th>
              <th className="py-1 pr-2">{t("ledger.type")}</th>
              <th className="py-1 pr-2">{t("ledger.description")}</th>
              <th className="py-1 pr-2">{t("ledger.reference")}</th>
              <th className="py-1 pr-2 text-right">{t("ledger.debit")}</th>
              <th className="py-1 pr-2 text-right">{t("ledger.credit")}</th>
              <th className="py-1 text-right">{t("ledger.balance")}</th>
            </tr>
          </thead>
          <tbody>
            <tr className="border-b border-slate-300">
              <td />
              <td className="py-1 pr-2">{date(s.period_start)}</td>
              <td colSpan={5} className="py-1 pr-2 font-semibold">
                {t("statements.openingRow")}
              </td>
              <td className="whitespace-nowrap py-1 text-right font-semibold">{money(s.opening_minor)}</td>
            </tr>
            {lines.map((l) => (
              <tr key={l.id} className="break-inside-avoid border-b border-slate-200 align-top">
                <td className="py-1 pr-2">{l.line_no}</td>
                <td className="whitespace-nowrap py-1 pr-2">{date(l.business_date)}</td>
                <td className="py-1 pr-2">{t(`ledger.type.${l.entry_type}` as MessageKey)}</td>
                <td className="py-1 pr-2">
                  {describeEntry(lang, l)}
                  {l.dispute_status ? (
                    <span className="block text-[8.5pt]">
                      {t("statements.disputeStatus", { status: t(`disputes.status.${l.dispute_status}` as MessageKey) })} {money(l.dispute_amount_minor ?? 0)}
                    </span>
                  ) : null}
                </td>
                <td className="py-1 pr-2 text-[8.5pt]">{[l.order_number, l.shipment_number, l.reference].filter(Boolean).join(" · ")}</td>
                <td className="whitespace-nowrap py-1 pr-2 text-right">{l.amount_minor > 0 ? money(l.amount_minor) : ""}</td>
                <td className="whitespace-nowrap py-1 pr-2 text-right">{l.amount_minor < 0 ? money(-l.amount_minor) : ""}</td>
                <td className="whitespace-nowrap py-1 text-right">{money(l.balance_minor)}</td>
              </tr>
            ))}
            <tr className="border-b border-black">
              <td colSpan={5} className="py-1 pr-2 text-right">
                {t("common.total")}
              </td>
              <td className="whitespace-nowrap py-1 pr-2 text-right">{money(s.debit_minor)}</td>
              <td className="whitespace-nowrap py-1 pr-2 text-right">{money(-s.credit_minor)}</td>
              <td />
            </tr>
            <tr>
              <td />
              <td className="py-1 pr-2">{date(s.period_end)}</td>
              <td colSpan={5} className="py-1 pr-2 font-bold">
                {t("statements.closingRow")}
              </td>
              <td className="whitespace-nowrap py-1 text-right font-bold">{money(s.closing_minor)}</td>
            </tr>
          </tbody>
        </table>
      </ScrollX>
      {s.confirmed_at ? (
        <p className="mt-4 text-sm">
          {t("statements.confirmedBy", {
            name: s.confirmed_by_name ?? "—",
            date: instant(s.confirmed_at),
            amount: money(s.confirmed_closing_minor ?? s.closing_minor),
          })}
        </p>
      ) : null}
      <footer className="mt-10 grid grid-cols-2 gap-8 text-sm break-inside-avoid">
        <div className="border-t border-black pt-1">{t("statements.signature")}</div>
        <div className="border-t border-black pt-1">{t("app.name")}</div>
      </footer>
    </article>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

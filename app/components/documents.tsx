/**
 * The pieces every printed document shares (order confirmation, delivery note, quotation): an A4 sheet in the
 * document's language, a toolbar that is not printed, the head, the two parties and the signature boxes.
 * Every print page uses them: the order confirmation, the delivery note, the quotation and the statement.
 *
 * A document may be in the other language than its reader's (`?lang=`). The browser holds only the reader's
 * messages (decision 117), so a document page exports `documentClientLoader` as its clientLoader and passes its
 * loader's `messages` (the other language's file) to `Sheet`: on a first load entry.client fetches that file
 * before hydrating, on a navigation the clientLoader does.
 */
import type { ClientLoaderFunctionArgs } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import { Link } from "~/components/link";
import { ScrollX } from "~/components/ui/scroll-x";
import { translate, translateKnown, type Locale, type MessageKey, type Params } from "~/i18n";
import { loadMessages } from "~/i18n/load";
import { useLocale } from "~/i18n/react";

type Party = { code: string; name: string; region: string; email: string | null; phone: string | null };
export type Parties = { manufacturer: Party | null; dealer: Party };

/** The document's translator: a printed document is in its own language, which may differ from the reader's. */
export function docT(lang: Locale) {
  return (k: MessageKey, p?: Params) => translate(lang, k, p);
}

/** A document page's clientLoader: the document's language's messages, before a navigation renders it. */
export async function documentClientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  const data = await serverLoader<{ lang: Locale; messages: string }>();
  await loadMessages(data.lang, data.messages);
  return data;
}

/**
 * The sheet: A4 width on screen, the whole page in print; `lang` marks its language for readers and checks.
 * `messages` is the document's language's messages file (its loader's `messages`), preloaded when it is not the reader's.
 */
export function Sheet({ lang, messages, testId, children }: { lang: Locale; messages: string; testId: string; children: ReactNode }) {
  const reader = useLocale();
  return (
    <article lang={lang} className="mx-auto max-w-[190mm] bg-white p-4 text-[11pt] text-black sm:p-6 print:max-w-none print:p-0" data-testid={testId}>
      {lang !== reader ? <link rel="preload" as="fetch" crossOrigin="anonymous" href={messages} data-messages={lang} /> : null}
      {children}
    </article>
  );
}

/**
 * Print and back (and the PDF, where there is one), never printed. The Print button needs JavaScript (it calls
 * window.print), so it appears once the page runs it; without JavaScript the page is a plain document the browser prints.
 */
export function Toolbar({ lang, back, pdf }: { lang: Locale; back: string; pdf?: string }) {
  const t = docT(lang);
  const [scripted, setScripted] = useState(false);
  useEffect(() => setScripted(true), []);
  return (
    <div className="no-print mb-4 flex flex-wrap gap-2">
      {scripted ? (
        <button type="button" className="btn-primary" onClick={() => window.print()}>
          {t("documents.print")}
        </button>
      ) : null}
      {pdf ? (
        <Link className="btn-secondary" to={pdf} reloadDocument>
          {t("documents.downloadPdf")}
        </Link>
      ) : null}
      <Link className="btn-secondary" to={back}>
        {t("common.back")}
      </Link>
    </div>
  );
}

export function DocHead({ lang, title, number, meta }: { lang: Locale; title: ReactNode; number: string; meta: ReactNode[] }) {
  const t = docT(lang);
  return (
    <header className="mb-4 flex flex-col gap-2 border-b border-black pb-2 sm:flex-row sm:items-start sm:justify-between">
      <div>
        <h1 className="text-xl font-bold">{title}</h1>
        <p data-testid="document-number">{`${t("documents.number")} ${number}`}</p>
      </div>
      <div className="text-sm sm:text-right">
        {meta.map((m, i) => (
          <p key={i}>{m}</p>
        ))}
      </div>
    </header>
  );
}

function PartyBlock({ lang, label, party, more }: { lang: Locale; label: string; party: Party | null; more?: ReactNode }) {
  const t = docT(lang);
  return (
    <div className="text-sm">
      <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-700">{label}</h2>
      <p className="text-base font-semibold">{party ? party.name : t("app.name")}</p>
      {party ? (
        <>
          <p>
            {t("documents.code")}: {party.code} · {t("common.region")}: {translateKnown(lang, `region.${party.region}`) ?? party.region}
          </p>
          {party.phone || party.email ? (
            <p>
              {t("documents.contact")}: {[party.phone, party.email].filter(Boolean).join(" · ")}
            </p>
          ) : null}
        </>
      ) : null}
      {more}
    </div>
  );
}

/** The issuer (the manufacturer) and the dealer, side by side on paper and on a wide screen. */
export function PartiesBlock({ lang, parties, dealerMore }: { lang: Locale; parties: Parties; dealerMore?: ReactNode }) {
  const t = docT(lang);
  return (
    <section className="mb-4 grid gap-4 sm:grid-cols-2 print:grid-cols-2" data-testid="document-parties">
      <PartyBlock lang={lang} label={t("documents.issuer")} party={parties.manufacturer} />
      <PartyBlock lang={lang} label={t("documents.recipient")} party={parties.dealer} more={dealerMore} />
    </section>
  );
}

/** The delivery address under the dealer's details (order confirmation, delivery note). */
export function DeliverTo({
  lang,
  address,
}: {
  lang: Locale;
  address: { recipient: string; phone: string; province: string; city: string; line1: string; postcode: string | null } | null | undefined;
}) {
  if (!address) return null;
  const t = docT(lang);
  const a = address;
  return (
    <p>
      {t("documents.deliverTo")}: {a.recipient} · {a.phone}
      <br />
      {a.province} {a.city} {a.line1} {a.postcode}
    </p>
  );
}

/** Label–value facts in a grid. */
export function Facts({ items }: { items: [string, ReactNode][] }) {
  return (
    <dl className="mb-4 grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-3 print:grid-cols-3">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt className="text-xs font-semibold text-slate-700">{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A labelled text under the lines (the notes, the terms), nothing when empty; `keepBreaks` keeps its line breaks. */
export function DocNote({ label, text, keepBreaks = false }: { label: string; text: string | null; keepBreaks?: boolean }) {
  if (!text) return null;
  return (
    <p className={keepBreaks ? "mt-4 whitespace-pre-line text-sm" : "mt-4 text-sm"}>
      {label}: {text}
    </p>
  );
}

export function Signatures({ labels }: { labels: string[] }) {
  return (
    <footer className="mt-10 grid grid-cols-2 gap-8 text-sm break-inside-avoid">
      {labels.map((l) => (
        <div key={l} className="border-t border-black pt-1">
          {l}
        </div>
      ))}
    </footer>
  );
}

/** A column of a document's line table: its heading, and whether its figures sit on the right. */
export type DocColumn = { label: ReactNode; right?: boolean };

/** The first three columns of every document's line table: line number, SKU, product. */
export function productColumns(lang: Locale): DocColumn[] {
  const t = docT(lang);
  return [{ label: "#" }, { label: "SKU" }, { label: t("orders.product") }];
}

/**
 * One line of a document: number, SKU and the product's name in the document's language (with `extra`,
 * options or notes, under it), then the document's own cells as children. A line never splits across pages.
 */
export function DocLine({
  lang,
  line,
  extra,
  children,
}: {
  lang: Locale;
  line: { line_no: number; sku: string; name_en: string; name_zh: string };
  extra?: string;
  children: ReactNode;
}) {
  return (
    <tr className="break-inside-avoid border-b border-slate-300 align-top" data-testid="document-line">
      <td className="py-1 pr-2">{line.line_no}</td>
      <td className="whitespace-nowrap py-1 pr-2 font-mono text-[8.5pt]">{line.sku}</td>
      <td className="py-1 pr-2">
        {lang === "en" ? line.name_en : line.name_zh}
        {extra ? <span className="block text-[8.5pt]">{extra}</span> : null}
      </td>
      {children}
    </tr>
  );
}

/**
 * A document's line table: headings from `columns`, the rows as children, and a bold total row under
 * them when `total` is given. On a phone it scrolls sideways inside the sheet; on paper it is full width.
 */
export function DocTable({ columns, total, children }: { columns: DocColumn[]; total?: { label: ReactNode; value: ReactNode }; children: ReactNode }) {
  const last = columns.length - 1;
  return (
    <ScrollX className="print:overflow-visible">
      <table className="w-full min-w-[36rem] border-collapse text-[9.5pt] print:min-w-0">
        <thead>
          <tr className="border-b border-black text-left">
            {columns.map((c, i) => (
              <th key={i} scope="col" className={`py-1${i < last ? " pr-2" : ""}${c.right ? " text-right" : ""}`}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {children}
          {total ? (
            <tr className="border-t border-black font-bold">
              <td colSpan={last} className="py-1 pr-2 text-right">
                {total.label}
              </td>
              <td className="whitespace-nowrap py-1 text-right" data-testid="document-total">
                {total.value}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </ScrollX>
  );
}

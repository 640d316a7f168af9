/** Presentational pieces of the ledger area: amounts, statuses, credit and aging summaries, source links. */
import { Link } from "~/components/link";
import type { ReactNode } from "react";
import { Badge } from "~/components/ui/layout";
import type { MessageKey } from "~/i18n";
import { describeEntry, ownReference, type DescribedEntry } from "~/modules/ledger/descriptions";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { ScrollX } from "~/components/ui/scroll-x";
import { Th } from "~/components/list";

/** An amount in minor units; credits (negative) are green unless `plain` (e.g. available credit, where negative is bad). */
export function Amount({ minor, currency, className = "", plain = false }: { minor: number; currency: string; className?: string; plain?: boolean }) {
  const f = useFormat();
  return <span className={`whitespace-nowrap tabular-nums ${minor < 0 && !plain ? "text-emerald-700" : ""} ${className}`}>{f.money(minor, currency)}</span>;
}

const STATEMENT_TONE: Record<string, "green" | "red" | "amber" | "blue" | "slate"> = {
  issued: "blue",
  confirmed: "green",
  disputed: "amber",
  resolved: "slate",
};
export function StatementStatus({ status, overdue }: { status: string; overdue?: boolean }) {
  const t = useT();
  return (
    <span className="whitespace-nowrap">
      {overdue ? (
        <Badge tone="red">{t("statements.status.overdue")}</Badge>
      ) : (
        <Badge tone={STATEMENT_TONE[status] ?? "slate"}>{t(`statements.status.${status}` as MessageKey)}</Badge>
      )}
    </span>
  );
}

const DISPUTE_TONE: Record<string, "green" | "red" | "amber"> = { open: "amber", accepted: "green", rejected: "red" };
export function DisputeStatus({ status }: { status: string }) {
  const t = useT();
  return (
    <span className="whitespace-nowrap">
      <Badge tone={DISPUTE_TONE[status] ?? "amber"}>{t(`disputes.status.${status}` as MessageKey)}</Badge>
    </span>
  );
}

export function EntryType({ type }: { type: string }) {
  const t = useT();
  return <>{t(`ledger.type.${type}` as MessageKey)}</>;
}

export type CreditFigures = { limitMinor: number; balanceMinor: number; openOrdersMinor: number; availableMinor: number; currency: string };
export function CreditSummary({ credit, children }: { credit: CreditFigures; children?: ReactNode }) {
  const t = useT();
  const items: [string, number, string?][] = [
    [t("credit.limit"), credit.limitMinor],
    [t("credit.balance"), credit.balanceMinor],
    [t("credit.openOrders"), credit.openOrdersMinor],
    [t("credit.available"), credit.availableMinor, credit.availableMinor < 0 ? "text-red-700" : "text-emerald-700"],
  ];
  return (
    <section className="card" aria-labelledby="credit-h" data-testid="credit-summary">
      <h2 id="credit-h" className="mb-3 font-semibold">
        {t("credit.title")}
      </h2>
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-4">
        {items.map(([label, v, cls]) => (
          <div key={label}>
            <dt className="text-xs text-slate-500">{label}</dt>
            <dd className={`text-base font-semibold ${cls ?? ""}`}>
              <Amount minor={v} currency={credit.currency} plain />
            </dd>
          </div>
        ))}
      </dl>
      <p className="mt-2 text-xs text-slate-500">{t("credit.formula")}</p>
      {children}
    </section>
  );
}

export const AGING_BUCKETS = ["current", "d1_30", "d31_60", "d61_90", "d90_plus"] as const;
export type AgingFigures = Record<(typeof AGING_BUCKETS)[number] | "unapplied" | "balance", number>;

/**
 * The header cells of the aging columns: each bucket, then unapplied credit and the total. A function, not a
 * component: ListTable reads its header cells' labels (the phone cards' labels) from the elements it is given.
 */
export function agingHeads(t: (key: MessageKey) => string) {
  return (
    <>
      {AGING_BUCKETS.map((b) => (
        <Th key={b} num>
          {t(`aging.${b}`)}
        </Th>
      ))}
      <Th num>{t("aging.unapplied")}</Th>
      <Th num>{t("aging.total")}</Th>
    </>
  );
}

export function AgingSummary({ aging, currency, asOf, title }: { aging: AgingFigures; currency: string; asOf: string; title?: string }) {
  const t = useT();
  const f = useFormat();
  return (
    <section className="card" aria-labelledby="aging-h" data-testid="aging-summary">
      <h2 id="aging-h" className="mb-1 font-semibold">
        {title ?? t("aging.title")}
      </h2>
      <p className="mb-3 text-xs text-slate-500">
        {t("aging.asOf")} {f.date(asOf)}
      </p>
      <ScrollX>
        <table className="table">
          <thead>
            <tr>{agingHeads(t)}</tr>
          </thead>
          <tbody>
            <tr>
              {AGING_BUCKETS.map((b) => (
                <td key={b} className={`text-right ${b === "d90_plus" && aging[b] > 0 ? "font-semibold text-red-700" : ""}`}>
                  <Amount minor={aging[b]} currency={currency} />
                </td>
              ))}
              <td className="text-right">
                <Amount minor={aging.unapplied} currency={currency} />
              </td>
              <td className="text-right font-semibold">
                <Amount minor={aging.balance} currency={currency} />
              </td>
            </tr>
          </tbody>
        </table>
      </ScrollX>
      <p className="mt-2 text-xs text-slate-500">{t("aging.method")}</p>
    </section>
  );
}

export type EntrySource = {
  entry_type: string;
  reference: string | null;
  order_number: string | null;
  shipment_number: string | null;
  /** With the order's number, the shipment links to its delivery note. */
  shipment_id?: number | null;
  reverses_entry_id: number | null;
  fee_type_code?: string | null;
  fee_name_en?: string | null;
  fee_name_zh?: string | null;
  source_dispute_id?: number | null;
  dispute_id?: number | null;
};

/** What an entry links to: order page, the shipment's delivery note, payment reference, dispute, reversed entry. */
export function SourceLinks({ e, finance }: { e: EntrySource; finance: boolean }) {
  const t = useT();
  const locale = useLocale();
  const dispute = e.source_dispute_id ?? (e.entry_type !== "invoice" ? e.dispute_id : null) ?? null;
  const fee = e.fee_type_code ? ((locale === "zh-CN" ? e.fee_name_zh : e.fee_name_en) ?? e.fee_type_code) : null;
  const parts: ReactNode[] = [];
  if (e.order_number)
    parts.push(
      <Link key="o" className="link" to={`/orders/${encodeURIComponent(e.order_number)}`}>
        {t("ledger.order")} {e.order_number}
      </Link>,
    );
  if (e.shipment_number)
    parts.push(
      e.order_number && e.shipment_id ? (
        <Link key="s" className="link" to={`/orders/${encodeURIComponent(e.order_number)}/shipments/${e.shipment_id}/print`}>
          {t("ledger.shipment")} {e.shipment_number}
        </Link>
      ) : (
        <span key="s">
          {t("ledger.shipment")} {e.shipment_number}
        </span>
      ),
    );
  if (fee) parts.push(<span key="f">{fee}</span>);
  const reference = ownReference(e);
  if (reference)
    parts.push(
      <span key="r" className="font-mono text-xs">
        {reference}
      </span>,
    );
  if (dispute)
    parts.push(
      finance ? (
        <Link key="d" className="link" to={`/finance/disputes/${dispute}`}>
          {t("ledger.dispute", { id: dispute })}
        </Link>
      ) : (
        <span key="d">{t("ledger.dispute", { id: dispute })}</span>
      ),
    );
  if (e.reverses_entry_id)
    parts.push(
      finance ? (
        <Link key="v" className="link" to={`/finance/ledger/entries/${e.reverses_entry_id}`}>
          {t("ledger.reversalOf", { id: e.reverses_entry_id })}
        </Link>
      ) : (
        <span key="v">{t("ledger.reversalOf", { id: e.reverses_entry_id })}</span>
      ),
    );
  if (!parts.length) return null;
  return <span className="flex flex-wrap gap-x-2 gap-y-0.5 text-xs text-slate-600 [&>*]:whitespace-nowrap">{parts}</span>;
}

/** An entry's description in the reader's language (system texts translated, typed ones as typed). */
export function EntryDescription({ e }: { e: DescribedEntry }) {
  return <>{describeEntry(useLocale(), e)}</>;
}

/** The same for rows that carry the entry's columns under entry_* names (disputes). */
export function DisputedEntryDescription({
  d,
}: {
  d: { entry_description: string; entry_description_key?: string | null; entry_description_params?: string | null };
}) {
  return (
    <EntryDescription e={{ description: d.entry_description, description_key: d.entry_description_key, description_params: d.entry_description_params }} />
  );
}

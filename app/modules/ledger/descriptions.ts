import { translate, translateKnown, type Locale } from "~/i18n";

/**
 * Descriptions of the entries the system posts (invoices, reversals, accepted
 * disputes, bank payments) are stored as a message key and its parameters beside
 * the English text (docs/decisions/072): every page renders them in the reader's
 * language, while `description` keeps the English for search, CSV and SQL readers.
 * Entries typed by finance keep their own words (no key).
 */
const SYSTEM_DESCRIPTIONS = [
  "ledger.desc.invoice",
  "ledger.desc.reversal",
  "ledger.desc.disputeAccepted",
  "ledger.desc.disputeAcceptedNote",
  "ledger.desc.bankPayment",
  "ledger.desc.bankPaymentDated",
  "ledger.desc.bankPaymentFrom",
  "ledger.desc.bankPaymentDatedFrom",
  "ledger.desc.rmaCredit",
  "ledger.desc.promotionRebate",
] as const;
export type SystemDescriptionKey = (typeof SYSTEM_DESCRIPTIONS)[number];
export type DescriptionParams = Record<string, string | number>;
export type SystemDescription = { key: SystemDescriptionKey; params: DescriptionParams };

/** The columns a posting writes for a system description: the English text, the key, the parameters. */
export function systemDescription(d: SystemDescription) {
  return { description: translate("en", d.key, d.params), descriptionKey: d.key, descriptionParams: JSON.stringify(d.params) };
}

export type DescribedEntry = { description: string; description_key?: string | null; description_params?: string | null };

function parseParams(raw: string | null | undefined): DescriptionParams | null {
  if (!raw) return null;
  try {
    const v: unknown = JSON.parse(raw);
    if (!v || typeof v !== "object" || Array.isArray(v)) return null;
    const out: DescriptionParams = {};
    for (const [k, x] of Object.entries(v)) if (typeof x === "string" || typeof x === "number") out[k] = x;
    return out;
  } catch {
    return null;
  }
}

/** An entry's description in `locale`: the system's own text translated, anything else as it was typed. */
export function describeEntry(locale: Locale, e: DescribedEntry): string {
  const key = e.description_key;
  if (!key || !(SYSTEM_DESCRIPTIONS as readonly string[]).includes(key)) return e.description;
  const params = parseParams(e.description_params);
  return (params && translateKnown(locale, key, params)) || e.description;
}

/**
 * The system descriptions whose fixed words (in either language, parameters left out) contain
 * `term`: a search for "发货开票" or "Reversal" finds those entries, whose stored text is English.
 */
export function descriptionKeysMatching(term: string): SystemDescriptionKey[] {
  const t = term.trim().toLowerCase();
  if (!t) return [];
  return SYSTEM_DESCRIPTIONS.filter((key) =>
    (["en", "zh-CN"] as const).some((locale) =>
      translate(locale, key)
        .split(/\{\w+\}/)
        .some((part) => part.toLowerCase().includes(t)),
    ),
  );
}

/** A bank payment's description: the statement's date and payer when the bank file had them. */
export function bankPaymentDescription(m: { date: string | null; payer: string | null; reference: string }): SystemDescription {
  const key =
    m.date && m.payer
      ? "ledger.desc.bankPaymentDatedFrom"
      : m.date
        ? "ledger.desc.bankPaymentDated"
        : m.payer
          ? "ledger.desc.bankPaymentFrom"
          : "ledger.desc.bankPayment";
  return { key, params: { reference: m.reference, ...(m.date ? { date: m.date } : {}), ...(m.payer ? { payer: m.payer } : {}) } };
}

type Referenced = { reference: string | null; order_number: string | null; shipment_number: string | null };

/** An entry's own reference (a bank or credit note number), unless it only repeats the order or shipment number shown beside it. */
export function ownReference(e: Referenced): string | null {
  if (!e.reference || e.reference === e.shipment_number || e.reference === e.order_number) return null;
  return e.reference;
}

/** The references of a printed statement's line (page and PDF): order, shipment and the entry's own reference, each once. */
export function references(e: Referenced): string[] {
  return [e.order_number, e.shipment_number, ownReference(e)].filter((r): r is string => Boolean(r));
}

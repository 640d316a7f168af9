/** A promotion's terms in words, shared by the promotions pages and the dealer's dashboard (kept apart from the admin form). */
import type { MessageKey } from "~/i18n";
import { useFormat, useT } from "~/i18n/react";

export type PromotionTerms = {
  mechanism: string;
  discount_kind: string | null;
  discount_bp: number | null;
  discount_minor: number | null;
  rebate_bp: number | null;
  rebate_basis: string | null;
  currency: string;
};

/** "10% off", "¥15.00 off per unit", "3% rebate on purchases". */
export function useTermsText(): (p: PromotionTerms) => string {
  const t = useT();
  const f = useFormat();
  const pct = (bp: number) => f.percent(bp / 10_000);
  return (p) => {
    if (p.mechanism === "rebate")
      return t("promotions.terms.rebate", {
        percent: pct(p.rebate_bp ?? 0),
        basis: t(`promotions.basis.${p.rebate_basis ?? "purchases"}` as MessageKey),
      });
    if (p.discount_kind === "amount") return t("promotions.terms.amountOff", { amount: f.money(p.discount_minor ?? 0, p.currency) });
    return t("promotions.terms.percentOff", { percent: pct(p.discount_bp ?? 0) });
  };
}

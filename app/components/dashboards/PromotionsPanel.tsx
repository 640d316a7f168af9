/** The running promotions that target the dealer, on its dashboard (apart from promotions.tsx: the admin form stays off the dashboard). */
import { Link } from "~/components/link";
import { useTermsText, type PromotionTerms } from "~/components/promotion-terms";
import { useFormat, useLocale, useT } from "~/i18n/react";

export function PromotionsPanel({ items }: { items: (PromotionTerms & { id: number; code: string; name_en: string; name_zh: string; ends_on: string })[] }) {
  const t = useT();
  const f = useFormat();
  const terms = useTermsText();
  const locale = useLocale();
  if (!items.length) return null;
  return (
    <section aria-labelledby="promotions-heading" data-testid="promotions-panel">
      <h2 id="promotions-heading" className="mb-3 text-lg font-semibold">
        <Link to="/promotions" className="hover:underline">
          {t("promotions.forYou")}
        </Link>
      </h2>
      <ul className="grid gap-3 sm:grid-cols-2">
        {items.map((p) => (
          <li key={p.id} className="card space-y-1 text-sm">
            <Link to={`/promotions/${p.id}`} className="link font-semibold">
              {p.code} · {locale === "zh-CN" ? p.name_zh : p.name_en}
            </Link>
            <p>{terms(p)}</p>
            <p className="text-xs text-slate-500">{t("promotions.until", { date: f.date(p.ends_on) })}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

import { FilterSelect } from "~/components/filters";
import { useLocale, useT } from "~/i18n/react";

type Named = { code: string; name_en: string; name_zh: string };

/** The category and product-line selects of the product lists (stock, admin products), in the reader's language. */
export function CategoryLineFilters({ categories, lines, category, line }: { categories: Named[]; lines: Named[]; category?: string; line?: string }) {
  const t = useT();
  const locale = useLocale();
  const nameOf = (x: Named) => (locale === "en" ? x.name_en : x.name_zh);
  return (
    <>
      <FilterSelect
        name="category"
        label={t("stock.category")}
        defaultValue={category}
        all
        options={categories.map((c) => ({ value: c.code, label: nameOf(c) }))}
      />
      <FilterSelect name="line" label={t("stock.productLine")} defaultValue={line} all options={lines.map((c) => ({ value: c.code, label: nameOf(c) }))} />
    </>
  );
}

import { FilterSelect } from "~/components/filters";
import { useLocale, useT } from "~/i18n/react";
import { PRODUCT_STATUSES } from "~/modules/catalog/catalog.schema";

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

/** The made-to-order select of the product lists: every product, made to order only, or none made to order. */
export function MadeToOrderFilter({ value }: { value?: string }) {
  const t = useT();
  return (
    <FilterSelect
      name="mto"
      label={t("stock.madeToOrder")}
      defaultValue={value}
      all
      options={[
        { value: "only", label: t("stock.mtoOnly") },
        { value: "exclude", label: t("stock.mtoExclude") },
      ]}
    />
  );
}

/**
 * The product status select of the product lists. `allAsValue`: "all" is an option of its own after the statuses
 * (a list that shows active products unless told otherwise), instead of the empty first option.
 */
export function ProductStatusFilter({ value, allAsValue = false }: { value?: string; allAsValue?: boolean }) {
  const t = useT();
  return (
    <FilterSelect
      name="status"
      label={t("common.status")}
      defaultValue={value}
      all={!allAsValue}
      options={[
        ...PRODUCT_STATUSES.map((s) => ({ value: s, label: t(`products.status.${s}`) })),
        ...(allAsValue ? [{ value: "all", label: t("common.all") }] : []),
      ]}
    />
  );
}

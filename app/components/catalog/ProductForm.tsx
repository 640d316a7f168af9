import { Form } from "@remix-run/react";
import { Field, FormError, SelectField, SubmitButton, TextAreaField } from "~/components/ui/form";
import { useLocale, useT } from "~/i18n/react";
import { minorToDecimal } from "~/utils/money";

type Values = Record<string, unknown>;
type Named = { code: string; name_en: string; name_zh: string };
export type ProductFormProduct = {
  sku: string;
  name_zh: string;
  name_en: string;
  description_zh: string | null;
  description_en: string | null;
  category_code: string;
  product_line_code: string;
  unit: string;
  list_price_minor: number;
  currency: string;
  status: string;
  made_to_order: boolean;
  lead_time_days: number | null;
  options_schema: string | null;
  image_path: string | null;
  updated_at: string;
};

/** Each tier's price field, in the order of the tiers. */
const TIER_PRICE_FIELDS = [
  ["platinum", "pricePlatinum"],
  ["gold", "priceGold"],
  ["silver", "priceSilver"],
] as const;

const EXAMPLE = `{
  "options": [
    { "key": "capacity", "type": "choice", "label": { "en": "Capacity", "zh": "容量" },
      "choices": [ { "value": "5hp", "label": { "en": "5 HP", "zh": "5匹" } } ] },
    { "key": "logo", "type": "text", "label": { "en": "Logo text", "zh": "标识文字" }, "maxLength": 20 }
  ],
  "quantityMultiple": 1,
  "minQuantity": 1
}`;

function pretty(json: string | null): string {
  if (!json) return "";
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

export function ProductForm({
  product,
  tierPrices,
  categories,
  lines,
  images,
  failure,
  submitLabel,
}: {
  product?: ProductFormProduct;
  tierPrices?: Record<string, number>;
  categories: Named[];
  lines: Named[];
  images: readonly string[];
  failure?: { formError: string; fieldErrors: Record<string, string>; values: Values };
  submitLabel: string;
}) {
  const t = useT();
  const locale = useLocale();
  const v = failure?.values ?? {};
  const e = failure?.fieldErrors ?? {};
  const val = (k: string, fallback: unknown) => String(v[k] ?? fallback ?? "");
  const nameOf = (x: Named) => `${locale === "en" ? x.name_en : x.name_zh} (${x.code})`;
  const price = (minor: number | undefined) => (minor === undefined ? "" : minorToDecimal(minor, product?.currency ?? "CNY"));
  const mtoChecked = failure ? v.madeToOrder === "1" || v.madeToOrder === "on" : Boolean(product?.made_to_order);
  return (
    <Form method="post" className="card space-y-5" noValidate>
      <FormError message={failure?.formError} />
      {product ? <input type="hidden" name="updatedAt" value={product.updated_at} /> : null}
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 font-semibold">{t("products.basics")}</legend>
        <Field name="sku" label={t("stock.sku")} defaultValue={val("sku", product?.sku)} error={e.sku} required maxLength={64} help={t("products.skuHelp")} />
        <SelectField
          name="status"
          label={t("common.status")}
          defaultValue={val("status", product?.status ?? "active")}
          options={["active", "discontinued"].map((s) => ({ value: s, label: t(`products.status.${s}` as "products.status.active") }))}
          error={e.status}
        />
        <Field
          name="nameZh"
          label={t("products.nameZh")}
          lang="zh-CN"
          defaultValue={val("nameZh", product?.name_zh)}
          error={e.nameZh}
          required
          maxLength={200}
        />
        <Field name="nameEn" label={t("products.nameEn")} lang="en" defaultValue={val("nameEn", product?.name_en)} error={e.nameEn} required maxLength={200} />
        <SelectField
          name="category"
          label={t("stock.category")}
          defaultValue={val("category", product?.category_code)}
          options={categories.map((c) => ({ value: c.code, label: nameOf(c) }))}
          error={e.category}
        />
        <SelectField
          name="line"
          label={t("stock.productLine")}
          defaultValue={val("line", product?.product_line_code)}
          options={lines.map((c) => ({ value: c.code, label: nameOf(c) }))}
          error={e.line}
        />
        <Field name="unit" label={t("products.unit")} defaultValue={val("unit", product?.unit ?? "pcs")} error={e.unit} required maxLength={16} />
        <SelectField
          name="imagePath"
          label={t("products.image")}
          includeEmpty={t("common.none")}
          defaultValue={val("imagePath", product?.image_path)}
          options={images.map((i) => ({ value: i, label: i.split("/").pop()! }))}
          error={e.imagePath}
        />
        <TextAreaField
          name="descriptionZh"
          label={t("products.descriptionZh")}
          lang="zh-CN"
          defaultValue={val("descriptionZh", product?.description_zh)}
          maxLength={5000}
          wrapperClassName="sm:col-span-2"
        />
        <TextAreaField
          name="descriptionEn"
          label={t("products.descriptionEn")}
          lang="en"
          defaultValue={val("descriptionEn", product?.description_en)}
          maxLength={5000}
          wrapperClassName="sm:col-span-2"
        />
      </fieldset>
      <fieldset className="grid gap-4 sm:grid-cols-4">
        <legend className="mb-2 font-semibold">{t("products.prices")}</legend>
        <Field
          name="listPrice"
          inputMode="decimal"
          label={t("stock.listPrice")}
          defaultValue={val("listPrice", product ? price(product.list_price_minor) : "")}
          error={e.listPrice}
          required
        />
        {TIER_PRICE_FIELDS.map(([tier, name]) => (
          <Field
            key={name}
            name={name}
            inputMode="decimal"
            label={t("products.tierPrice", { tier: t(`tier.${tier}`) })}
            defaultValue={val(name, price(tierPrices?.[tier]))}
            error={e[name]}
          />
        ))}
        <p className="text-xs text-slate-500 sm:col-span-4">{t("products.tierHelp")}</p>
      </fieldset>
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 font-semibold">{t("products.mtoSection")}</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="madeToOrder" value="1" defaultChecked={mtoChecked} className="h-4 w-4" /> {t("stock.madeToOrder")}
        </label>
        <Field
          name="leadTimeDays"
          inputMode="numeric"
          label={t("products.leadTimeDays")}
          defaultValue={val("leadTimeDays", product?.lead_time_days)}
          error={e.leadTimeDays}
          help={t("products.leadTimeHelp")}
        />
        <TextAreaField
          name="optionsSchema"
          label={t("products.optionsSchema")}
          rows={10}
          spellCheck={false}
          translate="no"
          className="font-mono text-xs"
          defaultValue={val("optionsSchema", pretty(product?.options_schema ?? null))}
          help={t("products.optionsHelp")}
          error={e.optionsSchema}
          placeholder={EXAMPLE}
          wrapperClassName="sm:col-span-2"
        />
      </fieldset>
      <SubmitButton pendingText={t("common.saving")}>{submitLabel}</SubmitButton>
    </Form>
  );
}

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Link } from "~/components/link";
import { ProductForm } from "~/components/catalog/ProductForm";
import { Notice } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { translate } from "~/i18n";
import { useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { ProductSchema } from "~/modules/catalog/catalog.schema.server";
import { getProductForEdit, productFormOptions, updateProduct } from "~/modules/catalog/catalog.server";
import { parseForm } from "~/utils/http.server";
import { withAction, withLoader } from "~/utils/route";
import { idParam } from "~/utils/params.server";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta<typeof loader>("stock.product", ({ product }) => product.sku);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "product:manage");
  const id = idParam(params.id);
  const [edit, options] = await Promise.all([getProductForEdit(actor, id), productFormOptions(actor)]);
  return json({ ...edit, ...options });
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "product:manage");
  const id = idParam(params.id);
  const form = await parseForm(request, ProductSchema);
  if (!form.ok) return json(form, { status: 400 });
  await updateProduct(actor, id, form.data);
  return json({ ok: true as const, message: translate(actor.locale, "products.saved") });
});

export default function EditProduct() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [sp] = useSearchParams();
  const t = useT();
  const failure = result && result.ok === false ? result : undefined;
  const notice = result && result.ok === true ? result.message : sp.get("created") ? t("products.created") : undefined;
  const p = data.product;
  return (
    <div className="max-w-4xl space-y-4">
      <PageHeader
        title={`${p.sku} · ${p.name_zh}`}
        crumbs={[{ label: t("products.title"), to: "/admin/products" }, { label: p.sku }]}
        actions={
          <Link to={`/products/${encodeURIComponent(p.sku)}`} className="btn-secondary">
            {t("products.viewPage")}
          </Link>
        }
      />
      <Notice message={notice} />
      <ProductForm
        key={p.updated_at}
        product={p}
        tierPrices={data.tierPrices}
        categories={data.categories}
        lines={data.lines}
        images={data.images}
        failure={failure}
        submitLabel={t("common.save")}
      />
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

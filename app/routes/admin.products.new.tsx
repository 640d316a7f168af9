import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ProductForm } from "~/components/catalog/ProductForm";
import { PageHeader } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { ProductSchema } from "~/modules/catalog/catalog.schema.server";
import { createProduct, productFormOptions } from "~/modules/catalog/catalog.server";
import { parseForm } from "~/utils/http.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("products.new");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "product:manage");
  return json(await productFormOptions(actor));
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "product:manage");
  const form = await parseForm(request, ProductSchema);
  if (!form.ok) return json(form, { status: 400 });
  const { id } = await createProduct(actor, form.data);
  return redirect(`/admin/products/${id}?created=1`);
});

export default function NewProduct() {
  const options = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="max-w-4xl">
      <PageHeader title={t("products.new")} crumbs={[{ label: t("products.title"), to: "/admin/products" }, { label: t("products.new") }]} />
      <ProductForm categories={options.categories} lines={options.lines} images={options.images} failure={data ?? undefined} submitLabel={t("common.create")} />
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

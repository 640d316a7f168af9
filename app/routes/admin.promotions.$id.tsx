import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { PromotionForm, PromotionStateBadge, type PromotionFormValues } from "~/components/promotions";
import { PageHeader } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { PromotionSchema } from "~/modules/promotions/promotions.schema.server";
import { promotionFormValues, updatePromotion } from "~/modules/promotions/promotions.server";
import { parseForm } from "~/utils/http.server";
import { pageMeta } from "~/utils/meta";
import { idParam } from "~/utils/params.server";
import { withAction, withLoader } from "~/utils/route";

export const meta = pageMeta<typeof loader>("promotions.edit", (d) => d.code);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "promotion:manage");
  return json(await promotionFormValues(actor, idParam(params.id)));
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "promotion:manage");
  const id = idParam(params.id);
  const form = await parseForm(request, PromotionSchema);
  if (!form.ok) return json(form, { status: 400 });
  await updatePromotion(actor, id, form.data);
  return redirect(`/promotions/${id}?saved=1`);
});

export default function EditPromotion() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const failure = result && result.ok === false ? result : undefined;
  return (
    <div className="max-w-4xl">
      <PageHeader
        title={`${t("promotions.edit")} ${data.code}`}
        crumbs={[{ label: t("promotions.title"), to: "/promotions" }, { label: data.code, to: `/promotions/${data.id}` }, { label: t("promotions.edit") }]}
        actions={<PromotionStateBadge state={data.state} />}
      />
      <PromotionForm
        values={(failure?.values as PromotionFormValues | undefined) ?? data.values}
        errors={failure?.fieldErrors}
        formError={failure?.formError}
        submitLabel={t("promotions.save")}
      />
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

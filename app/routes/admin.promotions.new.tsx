import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { PromotionForm, type PromotionFormValues } from "~/components/promotions";
import { PageHeader } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { PromotionSchema } from "~/modules/promotions/promotions.schema.server";
import { createPromotion } from "~/modules/promotions/promotions.server";
import { parseForm } from "~/utils/http.server";
import { pageMeta } from "~/utils/meta";
import { withAction, withLoader } from "~/utils/route";
import { todayIn } from "~/utils/time";
import { env } from "~/utils/env.server";

export const meta = pageMeta("promotions.new");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  await requireActor(request, "promotion:manage");
  return json({ today: todayIn(env().BUSINESS_TZ) });
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "promotion:manage");
  const form = await parseForm(request, PromotionSchema);
  if (!form.ok) return json(form, { status: 400 });
  const { id } = await createPromotion(actor, form.data);
  return redirect(`/promotions/${id}?created=1`);
});

export default function NewPromotion() {
  const { today } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const failure = data && data.ok === false ? data : undefined;
  return (
    <div className="max-w-4xl">
      <PageHeader title={t("promotions.new")} crumbs={[{ label: t("promotions.title"), to: "/promotions" }, { label: t("promotions.new") }]} />
      <PromotionForm
        values={
          (failure?.values as PromotionFormValues | undefined) ?? {
            startsOn: today,
            endsOn: today,
            mechanism: "price_off",
            discountKind: "percent",
            status: "draft",
          }
        }
        errors={failure?.fieldErrors}
        formError={failure?.formError}
        submitLabel={t("promotions.create")}
      />
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

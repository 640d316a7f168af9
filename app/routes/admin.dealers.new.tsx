import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { DealerForm } from "~/components/DealerForm";
import { PageHeader } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { createDealer, dealerFormOptions } from "~/modules/organisations/organisations.server";
import { DealerSchema } from "~/modules/organisations/organisations.schema.server";
import { parseForm } from "~/utils/http.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("dealers.new");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "dealer:manage");
  return json(await dealerFormOptions(actor));
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "dealer:manage");
  const form = await parseForm(request, DealerSchema);
  if (!form.ok) return json(form, { status: 400 });
  const { id } = await createDealer(actor, form.data);
  return redirect(`/admin/dealers/${id}?created=1`);
});

export default function NewDealer() {
  const { accountManagers } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="max-w-3xl">
      <PageHeader title={t("dealers.new")} crumbs={[{ label: t("dealers.title"), to: "/admin/dealers" }, { label: t("dealers.new") }]} />
      <DealerForm accountManagers={accountManagers} failure={data ?? undefined} submitLabel={t("common.create")} />
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

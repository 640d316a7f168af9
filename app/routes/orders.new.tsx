import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { OrderBuilder } from "~/components/orders/OrderBuilder";
import { PageHeader } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { BuilderQuery } from "~/modules/orders/orders.schema.server";
import { builderData } from "~/modules/orders/orders.views.server";
import { parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { action } from "./orders.drafts.$id";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("orders.new");

export const loader = /* @__PURE__ */ withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "order:create");
  const query = parseQuery(request, BuilderQuery);
  return json({ ...(await builderData(actor, { orderId: null, q: query.q })), q: query.q ?? "" });
});

// The builder's one action (save, add, remove, submit), shared with the draft page.
export { action };

export default function NewOrder() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="max-w-5xl">
      <PageHeader title={t("orders.new")} crumbs={[{ label: t("orders.title"), to: "/orders" }, { label: t("orders.new") }]} />
      <OrderBuilder {...data} failure={failure && "lines" in failure ? failure : failure ? { ...failure, values: {}, lines: data.lines } : undefined} />
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Link } from "~/components/link";
import { ErrorPage } from "~/components/ErrorPage";
import { OrderBuilder } from "~/components/orders/OrderBuilder";
import { PageHeader } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { builderAction } from "~/modules/orders/builder.server";
import { BuilderQuery } from "~/modules/orders/orders.schema";
import { builderData } from "~/modules/orders/orders.views.server";
import { parseQuery } from "~/utils/http.server";
import { withAction, withLoader } from "~/utils/route";
import { idParam } from "~/utils/params.server";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta<typeof loader>("orders.edit", ({ order }) => (order ? (order.number ?? `#${order.id}`) : null));

export const loader = /* @__PURE__ */ withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "order:create");
  const id = idParam(params.id);
  const query = parseQuery(request, BuilderQuery);
  return json({ ...(await builderData(actor, { orderId: id, q: query.q })), q: query.q ?? "" });
});

export const action = /* @__PURE__ */ withAction(async ({ request, params }: ActionFunctionArgs) => builderAction(request, idParam(params.id)));

export default function EditDraft() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [sp] = useSearchParams();
  const t = useT();
  const saved = sp.get("saved");
  const notice = saved === "add" ? t("orders.lineAdded") : saved === "remove" ? t("orders.lineRemoved") : saved ? t("orders.draftSaved") : undefined;
  const title = data.order?.number ? t("orders.editNumbered", { number: data.order.number }) : t("orders.draftN", { id: data.order?.id ?? "" });
  return (
    <div className="max-w-5xl">
      <PageHeader
        title={title}
        crumbs={[{ label: t("orders.title"), to: "/orders" }, { label: title }]}
        breadcrumbLabel={t("nav.breadcrumb")}
        actions={
          data.order?.number ? (
            <Link to={`/orders/${data.order.number}`} className="btn-secondary">
              {t("orders.tracking")}
            </Link>
          ) : undefined
        }
      />
      <OrderBuilder {...data} notice={failure ? undefined : notice} failure={failure && "lines" in failure ? failure : failure ? { ...failure, values: {}, lines: data.lines } : undefined} />
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

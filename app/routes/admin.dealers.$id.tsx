import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Link } from "~/components/link";
import { DealerForm } from "~/components/DealerForm";
import { Notice, SubmitButton } from "~/components/ui/form";
import { Badge, PageHeader } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { dealerFormOptions, getDealer, setDealerStatus, updateDealer } from "~/modules/organisations/organisations.server";
import { DealerSchema, DealerStatusSchema } from "~/modules/organisations/organisations.schema.server";
import { intentAction } from "~/utils/intent.server";
import { withAction, withLoader } from "~/utils/route";
import { idParam } from "~/utils/params.server";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta<typeof loader>("dealers.dealer", ({ dealer }) => `${dealer.code} ${dealer.name}`);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "dealer:manage");
  const { dealer, users } = await getDealer(actor, idParam(params.id));
  return json({ dealer, users, ...(await dealerFormOptions(actor)) });
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "dealer:manage");
  const id = idParam(params.id);
  return intentAction(request, {
    update: (ctx) => ctx.submit(DealerSchema, (data) => updateDealer(actor, id, data), "dealers.updated"),
    status: (ctx) => ctx.submit(DealerStatusSchema, (data) => setDealerStatus(actor, id, data.status), "dealers.updated"),
  });
});

export default function EditDealer() {
  const { dealer, users, accountManagers } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [sp] = useSearchParams();
  const t = useT();
  const failure = data && data.ok === false ? data : undefined;
  const notice = data && data.ok === true ? data.message : sp.get("created") ? t("dealers.created") : undefined;
  return (
    <div className="max-w-3xl space-y-4">
      <PageHeader
        title={`${dealer.code} · ${dealer.name}`}
        crumbs={[{ label: t("dealers.title"), to: "/admin/dealers" }, { label: dealer.code }]}
        actions={
          <Link to={`/admin/dealers/${dealer.id}/api-tokens`} className="btn-secondary">
            {t("apiTokens.manageLink")}
          </Link>
        }
      />
      <Notice message={notice} />
      <DealerForm dealer={dealer} accountManagers={accountManagers} failure={failure} submitLabel={t("common.save")} intent="update" />
      <Form method="post" className="card flex items-center justify-between">
        <Badge tone={dealer.status === "active" ? "green" : "slate"}>{t(`status.${dealer.status}` as "status.active")}</Badge>
        <input type="hidden" name="intent" value="status" />
        <input type="hidden" name="status" value={dealer.status === "active" ? "disabled" : "active"} />
        <SubmitButton className={dealer.status === "active" ? "btn-danger" : "btn-secondary"}>
          {dealer.status === "active" ? t("common.disable") : t("common.enable")}
        </SubmitButton>
      </Form>
      <section className="card">
        <h2 className="mb-2 font-semibold">{t("dealers.users")}</h2>
        <ul className="divide-y divide-slate-100 text-sm">
          {users.map((u) => (
            <li key={u.id} className="flex justify-between py-2">
              <Link to={`/admin/users/${u.id}`} className="link">
                {u.name} &lt;{u.email}&gt;
              </Link>
              <span>{t(`role.${u.role}` as "role.admin")}</span>
            </li>
          ))}
        </ul>
        <Link to={`/admin/users/new`} className="btn-secondary mt-3">
          {t("users.new")}
        </Link>
      </section>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

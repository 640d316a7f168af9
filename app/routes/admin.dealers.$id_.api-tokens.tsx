import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ApiTokens, type TokenActionData } from "~/components/ApiTokens";
import { PageHeader } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
import { tokenPage } from "~/modules/api/tokens.server";
import { tokenFormAction } from "~/modules/api/tokens.forms.server";
import { requireActor } from "~/modules/auth/auth.server";
import { pageMeta } from "~/utils/meta";
import { idParam } from "~/utils/params.server";
import { withAction, withLoader } from "~/utils/route";

export const meta = pageMeta<typeof loader>("apiTokens.title", ({ dealer }) => dealer.code);

/** An administrator's view of one dealer's API tokens (create for the dealer, revoke). */
export const loader = /* @__PURE__ */ withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "dealer:manage");
  return json(await tokenPage(actor, idParam(params.id)));
});

export const action = /* @__PURE__ */ withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "dealer:manage");
  const dealerId = idParam(params.id);
  return tokenFormAction(request, actor, dealerId);
});

export default function DealerApiTokensPage() {
  const { dealer, tokens } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as TokenActionData | undefined;
  const t = useT();
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeader
        title={t("apiTokens.dealerTitle", { dealer: `${dealer.code} ${dealer.name}` })}
        crumbs={[
          { label: t("dealers.title"), to: "/admin/dealers" },
          { label: dealer.code, to: `/admin/dealers/${dealer.id}` },
          { label: t("apiTokens.title") },
        ]}
      />
      <ApiTokens tokens={tokens} data={data} />
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

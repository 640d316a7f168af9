import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ApiTokens, type TokenActionData } from "~/components/ApiTokens";
import { PageHeader } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
import { tokenPage } from "~/modules/api/tokens.server";
import { tokenFormAction } from "~/modules/api/tokens.forms.server";
import { requireActor } from "~/modules/auth/auth.server";
import { ForbiddenError } from "~/utils/errors";
import { pageMeta } from "~/utils/meta";
import { withAction, withLoader } from "~/utils/route";

export const meta = pageMeta("apiTokens.title");

/** A dealer administrator's own dealer's API tokens. */
async function ownDealer(request: Request) {
  const actor = await requireActor(request, "api_token:manage");
  if (actor.dealerId === null) throw new ForbiddenError();
  return { actor, dealerId: actor.dealerId };
}

export const loader = /* @__PURE__ */ withLoader(async ({ request }: LoaderFunctionArgs) => {
  const { actor, dealerId } = await ownDealer(request);
  return json(await tokenPage(actor, dealerId));
});

export const action = /* @__PURE__ */ withAction(async ({ request }: ActionFunctionArgs) => {
  const { actor, dealerId } = await ownDealer(request);
  return tokenFormAction(request, actor, dealerId);
});

export default function ApiTokensPage() {
  const { tokens } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as TokenActionData | undefined;
  const t = useT();
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeader title={t("apiTokens.title")} crumbs={[{ label: t("settings.title"), to: "/settings" }, { label: t("apiTokens.title") }]} />
      <ApiTokens tokens={tokens} data={data} />
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

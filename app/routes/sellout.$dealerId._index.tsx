import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useIntentResult } from "~/components/intent-result";
import { ErrorPage } from "~/components/ErrorPage";
import { Link } from "~/components/link";
import { FrequencyForm, PeriodsTable } from "~/components/sellout";
import { FormError, Notice } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { FrequencySchema } from "~/modules/sellout/sellout.schema.server";
import { dealerOverview, setFrequency } from "~/modules/sellout/sellout.server";
import { intentAction } from "~/utils/intent.server";
import { pageMeta } from "~/utils/meta";
import { idParam } from "~/utils/params.server";
import { withAction, withLoader } from "~/utils/route";

export const meta = pageMeta<typeof loader>("sellout.title", ({ overview }) => `${overview.dealer.code} · ${overview.dealer.name}`);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "sellout:view");
  return json({ overview: await dealerOverview(actor, idParam(params.dealerId)) });
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "sellout:view");
  const dealerId = idParam(params.dealerId);
  return intentAction(request, {
    frequency: (ctx) => ctx.submit(FrequencySchema, (d) => setFrequency(actor, dealerId, d.frequency), "sellout.done.frequency"),
  });
});

export default function DealerSellout() {
  const { overview } = useLoaderData<typeof loader>();
  const result = useIntentResult();
  const t = useT();
  const d = overview.dealer;
  return (
    <div className="space-y-4">
      <PageHeader
        title={`${d.code} · ${d.name}`}
        crumbs={[{ label: t("nav.home"), to: "/" }, { label: t("sellout.title"), to: "/sellout" }, { label: d.code }]}
        actions={
          overview.canReport ? (
            <Link to={`/sellout/${d.id}/upload`} className="btn-primary">
              {t("sellout.upload")}
            </Link>
          ) : null
        }
      />
      <Notice message={result.done} />
      <FormError message={result.failure?.formError} />
      <p className="text-sm">
        {t("sellout.frequency")}: {t(`sellout.frequency.${d.frequency}`)}
      </p>
      <PeriodsTable dealerId={d.id} currency={d.currency} periods={overview.periods} />
      {overview.canConfigure ? <FrequencyForm frequency={d.frequency} error={result.errors("frequency").frequency} /> : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { KeyAccountFields } from "~/components/KeyAccountForm";
import { FormError, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { KeyAccountSchema } from "~/modules/deals/deals.schema.server";
import { createKeyAccount, keyAccountFormOptions } from "~/modules/deals/key-accounts.server";
import { parseForm } from "~/utils/http.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("keyAccounts.new");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "key_account:manage");
  return json(await keyAccountFormOptions(actor));
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "key_account:manage");
  const form = await parseForm(request, KeyAccountSchema);
  if (!form.ok) return json(form, { status: 400 });
  const { id } = await createKeyAccount(actor, form.data);
  return redirect(`/key-accounts/${id}?created=1`);
});

export default function NewKeyAccount() {
  const { accountManagers, isAdmin } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="max-w-2xl">
      <PageHeader title={t("keyAccounts.new")} crumbs={[{ label: t("keyAccounts.title"), to: "/key-accounts" }, { label: t("keyAccounts.new") }]} />
      <Form method="post" className="card space-y-4" noValidate>
        <FormError message={data?.formError} />
        <KeyAccountFields values={data?.values ?? {}} errors={data?.fieldErrors ?? {}} accountManagers={accountManagers} isAdmin={isAdmin} />
        <SubmitButton pendingText={t("common.saving")}>{t("common.create")}</SubmitButton>
      </Form>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

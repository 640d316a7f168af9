import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormError, Notice, SelectField, SubmitButton } from "~/components/ui/form";
import { Badge, PageHeader } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { createFeeType, listFeeTypes, setFeeTypeStatus } from "~/modules/ledger/ledger.server";
import { FEE_KINDS } from "~/modules/ledger/ledger.schema";
import { FeeTypeSchema, FeeTypeStatusSchema } from "~/modules/ledger/ledger.schema.server";
import { intentAction } from "~/utils/intent.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { ListTable, Th } from "~/components/list";

export const meta = pageMeta("feeTypes.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  await requireActor(request, "ledger:post");
  return json({ feeTypes: await listFeeTypes() });
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "ledger:post");
  return intentAction(request, {
    create: (ctx) => ctx.submit(FeeTypeSchema, (data) => createFeeType(actor, data), "feeTypes.created"),
    status: (ctx) => ctx.submit(FeeTypeStatusSchema, (data) => setFeeTypeStatus(actor, data.code, data.status), "feeTypes.updated"),
  });
});

export default function FeeTypes() {
  const { feeTypes } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const failure = data && data.ok === false ? data : undefined;
  return (
    <div className="max-w-3xl space-y-4">
      <PageHeader title={t("feeTypes.title")} crumbs={[{ label: t("ledger.title"), to: "/finance/ledger" }, { label: t("feeTypes.title") }]} />
      <Notice message={data && data.ok ? data.message : undefined} />
      <ListTable
        head={
          <>
            <Th>{t("feeTypes.code")}</Th>
            <Th>{t("feeTypes.nameZh")}</Th>
            <Th>{t("feeTypes.nameEn")}</Th>
            <Th>{t("feeTypes.kind")}</Th>
            <Th>{t("common.status")}</Th>
            <Th>{t("common.actions")}</Th>
          </>
        }
      >
        {feeTypes.map((ft) => (
          <tr key={ft.code}>
            <td className="font-mono" translate="no">
              {ft.code}
            </td>
            <td>{ft.name_zh}</td>
            <td>{ft.name_en}</td>
            <td>{t(`feeTypes.kind.${ft.kind === "rebate" ? "rebate" : "fee"}`)}</td>
            <td>
              <Badge tone={ft.status === "active" ? "green" : "slate"}>{t(ft.status === "active" ? "status.active" : "status.disabled")}</Badge>
            </td>
            <td>
              <Form method="post">
                <input type="hidden" name="intent" value="status" />
                <input type="hidden" name="code" value={ft.code} />
                <input type="hidden" name="status" value={ft.status === "active" ? "disabled" : "active"} />
                <button type="submit" className="btn-secondary">
                  {ft.status === "active" ? t("common.disable") : t("common.enable")}
                </button>
              </Form>
            </td>
          </tr>
        ))}
      </ListTable>
      <Form method="post" className="card grid gap-3 sm:grid-cols-2" noValidate>
        <input type="hidden" name="intent" value="create" />
        <h2 className="font-semibold sm:col-span-2">{t("feeTypes.add")}</h2>
        <div className="sm:col-span-2">
          <FormError message={failure?.formError} />
        </div>
        <Field
          name="code"
          label={t("feeTypes.code")}
          defaultValue={String(failure?.values.code ?? "")}
          error={failure?.fieldErrors.code}
          required
          maxLength={32}
        />
        <SelectField
          name="kind"
          label={t("feeTypes.kind")}
          defaultValue={String(failure?.values.kind ?? "fee")}
          options={FEE_KINDS.map((k) => ({ value: k, label: t(`feeTypes.kind.${k}`) }))}
          error={failure?.fieldErrors.kind}
        />
        <Field
          name="nameZh"
          label={t("feeTypes.nameZh")}
          defaultValue={String(failure?.values.nameZh ?? "")}
          error={failure?.fieldErrors.nameZh}
          required
          maxLength={120}
        />
        <Field
          name="nameEn"
          label={t("feeTypes.nameEn")}
          defaultValue={String(failure?.values.nameEn ?? "")}
          error={failure?.fieldErrors.nameEn}
          required
          maxLength={120}
        />
        <div>
          <SubmitButton pendingText={t("common.saving")}>{t("feeTypes.add")}</SubmitButton>
        </div>
      </Form>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormError, SelectField, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_POST, SERVICE_ABOUT, SERVICE_PRIORITIES } from "~/modules/service/service.schema";
import { SERVICE_TYPES } from "~/modules/service/state";
import { OpenCaseSchema } from "~/modules/service/service.schema.server";
import { readCaseForm } from "~/modules/service/service.forms.server";
import { newCaseOptions, openCase } from "~/modules/service/service.server";
import { parseForm } from "~/utils/http.server";
import { pageMeta } from "~/utils/meta";
import { withAction, withLoader } from "~/utils/route";

export const meta = pageMeta("service.new");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "service:open");
  return json(await newCaseOptions(actor));
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "service:open");
  const { form, files } = await readCaseForm(request);
  const parsed = await parseForm(request, OpenCaseSchema, form);
  if (!parsed.ok) return json(parsed, { status: 400 });
  const { id } = await openCase(actor, parsed.data, files);
  return redirect(`/service/${id}?opened=1`);
});

export default function NewServiceCase() {
  const { lines, shipments, keyAccounts } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const v = (data?.values ?? {}) as Record<string, unknown>;
  const e = data?.fieldErrors ?? {};
  const s = (k: string) => (v[k] === undefined ? undefined : String(v[k]));
  return (
    <div className="max-w-3xl">
      <PageHeader title={t("service.new")} crumbs={[{ label: t("service.title"), to: "/service" }, { label: t("service.new") }]} />
      <Form method="post" encType="multipart/form-data" className="card space-y-4" noValidate>
        <FormError message={data?.formError} />
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            name="caseType"
            label={t("service.type")}
            defaultValue={s("caseType") ?? "quality_fault"}
            error={e.caseType}
            options={SERVICE_TYPES.map((x) => ({ value: x, label: t(`service.type.${x}`) }))}
          />
          <SelectField
            name="priority"
            label={t("service.priority")}
            defaultValue={s("priority") ?? "normal"}
            error={e.priority}
            options={SERVICE_PRIORITIES.map((x) => ({ value: x, label: t(`service.priority.${x}`) }))}
          />
        </div>
        <Field name="subject" label={t("service.subject")} defaultValue={s("subject")} error={e.subject} maxLength={200} required />
        <SelectField
          name="about"
          label={t("service.about")}
          defaultValue={s("about") ?? "order_line"}
          error={e.about}
          options={SERVICE_ABOUT.map((x) => ({ value: x, label: t(`service.about.${x}`) }))}
        />
        <p className="text-xs text-slate-500">{t("service.aboutHint")}</p>
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            name="orderLineId"
            label={t("service.orderLine")}
            defaultValue={s("orderLineId") ?? ""}
            error={e.orderLineId}
            includeEmpty={t("service.choose")}
            options={lines.map((l) => ({ value: l.id, label: l.label }))}
          />
          <SelectField
            name="shipmentId"
            label={t("service.shipment")}
            defaultValue={s("shipmentId") ?? ""}
            error={e.shipmentId}
            includeEmpty={t("service.choose")}
            options={shipments.map((x) => ({ value: x.id, label: x.label }))}
          />
          <Field name="sku" label={t("service.sku")} defaultValue={s("sku")} error={e.sku} maxLength={64} />
          <Field name="serialNo" label={t("service.serialNo")} defaultValue={s("serialNo")} error={e.serialNo} maxLength={64} />
        </div>
        <Field name="description" label={t("service.description")} error={e.description}>
          <textarea
            id="f-description"
            name="description"
            className="input min-h-32"
            defaultValue={s("description")}
            maxLength={5000}
            aria-invalid={e.description ? true : undefined}
            aria-describedby={e.description ? "f-description-error" : undefined}
          />
        </Field>
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            name="keyAccountId"
            label={t("service.keyAccount")}
            defaultValue={s("keyAccountId") ?? ""}
            error={e.keyAccountId}
            includeEmpty={t("service.none")}
            options={keyAccounts.map((k) => ({ value: k.id, label: k.name }))}
          />
          <Field
            name="endCustomer"
            label={t("service.endCustomer")}
            defaultValue={s("endCustomer")}
            error={e.endCustomer}
            help={t("service.endCustomerHint")}
            maxLength={200}
          />
        </div>
        <Field
          name="files"
          label={t("service.files")}
          type="file"
          multiple
          accept="image/png,image/jpeg,image/webp,application/pdf"
          error={e.files}
          help={t("service.filesHint", { max: MAX_ATTACHMENTS_PER_POST, mb: MAX_ATTACHMENT_BYTES / 1_048_576 })}
        />
        <SubmitButton pendingText={t("common.saving")}>{t("service.new")}</SubmitButton>
      </Form>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

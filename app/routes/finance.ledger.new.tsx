import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Link } from "~/components/link";
import { Field, FormError, SelectField, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { postManualEntry, postingFormOptions } from "~/modules/ledger/ledger.server";
import { MANUAL_TYPES } from "~/modules/ledger/ledger.schema";
import { PostEntrySchema } from "~/modules/ledger/ledger.schema.server";
import { parseForm } from "~/utils/http.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("ledger.postTitle");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "ledger:post");
  return json(await postingFormOptions(actor));
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "ledger:post");
  const form = await parseForm(request, PostEntrySchema);
  if (!form.ok) return json(form, { status: 400 });
  const r = await postManualEntry(actor, form.data);
  return redirect(`/finance/ledger/${r.dealerId}?posted=${r.id}${r.duplicate ? "&dup=1" : ""}`);
});

export default function PostEntry() {
  const { dealers, feeTypes, key, defaultDueDate } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [sp] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const v = (k: string, d = "") => String(failure?.values?.[k] ?? d);
  const asked = v("type", sp.get("type") ?? "payment");
  const type = (MANUAL_TYPES as readonly string[]).includes(asked) ? asked : "payment";
  const tabHref = (ty: string) => {
    const q = new URLSearchParams(sp);
    q.set("type", ty);
    return `?${q.toString()}`;
  };
  const fe = failure?.fieldErrors ?? {};
  return (
    <div className="max-w-2xl space-y-4">
      <PageHeader title={t("ledger.postTitle")} crumbs={[{ label: t("ledger.title"), to: "/finance/ledger" }, { label: t("ledger.postTitle") }]} />
      <p className="text-sm text-slate-600">{t("ledger.postHelp")}</p>
      <nav aria-label={t("ledger.type")} className="flex flex-wrap gap-2">
        {MANUAL_TYPES.map((ty) => (
          <Link key={ty} to={tabHref(ty)} replace aria-current={ty === type ? "page" : undefined} className={ty === type ? "btn-primary" : "btn-secondary"}>
            {t(`ledger.type.${ty}`)}
          </Link>
        ))}
      </nav>
      <Form method="post" className="card space-y-4" noValidate>
        <FormError message={failure?.formError} />
        <input type="hidden" name="key" value={v("key", key)} />
        <SelectField
          name="dealerId"
          label={t("ledger.dealer")}
          includeEmpty="—"
          defaultValue={v("dealerId", sp.get("dealerId") ?? "")}
          options={dealers.map((d) => ({ value: String(d.id), label: `${d.code} · ${d.name}` }))}
          error={fe.dealerId}
          required
        />
        <input type="hidden" name="type" value={type} />
        <Field
          name="amount"
          label={t("ledger.amount")}
          inputMode="decimal"
          defaultValue={v("amount")}
          help={t("ledger.amountHelp")}
          error={fe.amount}
          required
        />
        {type === "adjustment" ? (
          <SelectField
            name="direction"
            label={t("ledger.direction")}
            includeEmpty="—"
            defaultValue={v("direction")}
            options={(["debit", "credit"] as const).map((d) => ({ value: d, label: t(`ledger.direction.${d}`) }))}
            error={fe.direction}
          />
        ) : null}
        {type === "fee" || type === "rebate" ? (
          <SelectField
            name="feeTypeCode"
            label={t("ledger.feeType")}
            includeEmpty={type === "rebate" ? "—" : undefined}
            defaultValue={v("feeTypeCode")}
            options={feeTypes
              .filter((f) => f.kind === (type === "fee" ? "fee" : "rebate"))
              .map((f) => ({ value: f.code, label: locale === "zh-CN" ? f.name_zh : f.name_en }))}
            error={fe.feeTypeCode}
          />
        ) : null}
        <Field name="description" label={t("ledger.description")} defaultValue={v("description")} error={fe.description} required maxLength={500} />
        {type === "payment" ? (
          <Field
            name="bankReference"
            label={t("ledger.bankReference")}
            help={t("ledger.bankReferenceHelp")}
            defaultValue={v("bankReference")}
            error={fe.bankReference}
            maxLength={64}
          />
        ) : null}
        <Field
          name="reference"
          label={type === "rebate" ? t("ledger.programme") : t("ledger.reference")}
          defaultValue={v("reference")}
          error={fe.reference}
          maxLength={128}
        />
        {type === "credit_note" || type === "adjustment" || type === "fee" ? (
          <Field
            name="orderNumber"
            label={`${t("ledger.orderNumber")} (${t("common.optional")})`}
            defaultValue={v("orderNumber")}
            error={fe.orderNumber}
            maxLength={24}
          />
        ) : null}
        {type === "fee" || type === "adjustment" ? (
          <Field name="dueDate" type="date" label={t("ledger.dueDate")} defaultValue={v("dueDate", defaultDueDate)} error={fe.dueDate} />
        ) : null}
        <SubmitButton pendingText={t("common.submitting")}>{t("ledger.postEntry")}</SubmitButton>
      </Form>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

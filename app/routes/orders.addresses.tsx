import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ListEmpty } from "~/components/list";
import { Field, FormError, Notice, SubmitButton } from "~/components/ui/form";
import { Badge, PageHeader } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { archiveAddress, createAddress, listAddresses, updateAddress } from "~/modules/orders/addresses.server";
import { AddressSchema, AddressIdSchema } from "~/modules/orders/orders.schema.server";
import { parseForm } from "~/utils/http.server";
import { badIntent, intentAction, readForm, type IntentContext } from "~/utils/intent.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("addresses.title");

export const loader = /* @__PURE__ */ withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "address:manage");
  return json({ addresses: await listAddresses(actor) });
});

export const action = /* @__PURE__ */ withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "address:manage");
  const fd = await readForm(request);
  const head = AddressIdSchema.safeParse({ id: fd.get("id") || undefined });
  if (!head.success) badIntent(request);
  const { id } = head.data;
  const save = async (ctx: IntentContext<"create" | "update">) => {
    const form = await parseForm(request, AddressSchema, fd);
    // Shown on the address the form was for.
    if (!form.ok) return ctx.fail({ ...form, id });
    if (ctx.intent === "update" && id) await updateAddress(actor, id, form.data);
    else await createAddress(actor, form.data);
    return ctx.done(ctx.intent === "update" ? "addresses.updated" : "addresses.created");
  };
  return intentAction(
    request,
    {
      create: save,
      update: save,
      archive: async (ctx) => {
        if (!id) badIntent(request);
        await archiveAddress(actor, id);
        return ctx.done("addresses.archived");
      },
    },
    fd,
  );
});

type Address = {
  id: number;
  label: string;
  recipient: string;
  phone: string;
  province: string;
  city: string;
  line1: string;
  postcode: string;
  is_default: number;
  status: string;
};
type Failure = { formError: string; fieldErrors: Record<string, string>; values: Record<string, unknown> };

function AddressFields({ a, failure, idPrefix }: { a?: Address; failure?: Failure; idPrefix: string }) {
  const t = useT();
  const v = failure?.values ?? {};
  const e = failure?.fieldErrors ?? {};
  const val = (k: string, fallback: unknown) => String(v[k] ?? fallback ?? "");
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <Field id={`${idPrefix}-label`} name="label" label={t("addresses.label")} defaultValue={val("label", a?.label)} error={e.label} maxLength={64} required />
      <Field
        id={`${idPrefix}-recipient`}
        name="recipient"
        label={t("addresses.recipient")}
        defaultValue={val("recipient", a?.recipient)}
        error={e.recipient}
        maxLength={120}
        required
      />
      <Field
        id={`${idPrefix}-phone`}
        name="phone"
        type="tel"
        label={t("addresses.phone")}
        defaultValue={val("phone", a?.phone)}
        error={e.phone}
        maxLength={64}
        required
      />
      <Field
        id={`${idPrefix}-province`}
        name="province"
        label={t("addresses.province")}
        defaultValue={val("province", a?.province)}
        error={e.province}
        maxLength={64}
      />
      <Field id={`${idPrefix}-city`} name="city" label={t("addresses.city")} defaultValue={val("city", a?.city)} error={e.city} maxLength={64} />
      <Field
        id={`${idPrefix}-postcode`}
        name="postcode"
        label={t("addresses.postcode")}
        defaultValue={val("postcode", a?.postcode)}
        error={e.postcode}
        maxLength={16}
      />
      <div className="sm:col-span-2">
        <Field
          id={`${idPrefix}-line1`}
          name="line1"
          label={t("addresses.line1")}
          defaultValue={val("line1", a?.line1)}
          error={e.line1}
          maxLength={255}
          required
        />
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="isDefault" defaultChecked={Boolean(a?.is_default)} /> {t("addresses.makeDefault")}
      </label>
    </div>
  );
}

export default function Addresses() {
  const { addresses } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [sp] = useSearchParams();
  const t = useT();
  const failure = result && "formError" in result ? (result as Failure & { intent: string; id?: number }) : undefined;
  const success = result && "message" in result ? result.message : undefined;
  const active = addresses.filter((a) => a.status === "active");
  const archived = addresses.filter((a) => a.status !== "active");
  // The address a refused update or archive was for: its id travels with the typed values (a thrown error carries no `id`).
  const failedId = failure && failure.intent !== "create" ? (failure.id ?? (Number(failure.values.id) || null)) : null;
  const failureShown = failure && (failure.intent === "create" || active.some((a) => a.id === failedId && failure.intent === "update"));
  return (
    <div className="max-w-4xl space-y-6">
      <PageHeader title={t("addresses.title")} crumbs={[{ label: t("orders.title"), to: "/orders" }, { label: t("addresses.title") }]} />
      <Notice message={success ?? (sp.get("saved") ? t("common.saved") : undefined)} />
      <FormError message={failure && !failureShown ? failure.formError : undefined} />
      <p className="text-sm text-slate-600">{t("addresses.help")}</p>
      {active.length === 0 ? <ListEmpty message={t("addresses.empty")} /> : null}
      <ul className="space-y-4">
        {active.map((a) => {
          const f = failure && failure.intent === "update" && failedId === a.id ? failure : undefined;
          return (
            <li key={a.id} className="card">
              <details open={Boolean(f)}>
                <summary className="flex cursor-pointer flex-wrap items-center gap-2">
                  <span className="font-semibold">{a.label}</span>
                  {a.is_default ? <Badge tone="green">{t("addresses.default")}</Badge> : null}
                  <span className="text-sm text-slate-600">
                    {a.recipient} · {a.phone} · {a.province} {a.city} {a.line1} {a.postcode}
                  </span>
                </summary>
                <Form method="post" className="mt-4 space-y-3" noValidate>
                  <input type="hidden" name="intent" value="update" />
                  <input type="hidden" name="id" value={a.id} />
                  <FormError message={f?.formError} />
                  <AddressFields a={a as Address} failure={f} idPrefix={`a${a.id}`} />
                  <SubmitButton pendingText={t("common.saving")}>{t("common.save")}</SubmitButton>
                </Form>
                <Form method="post" className="mt-2">
                  <input type="hidden" name="intent" value="archive" />
                  <input type="hidden" name="id" value={a.id} />
                  <SubmitButton className="btn-secondary">{t("addresses.archive")}</SubmitButton>
                </Form>
              </details>
            </li>
          );
        })}
      </ul>
      <section className="card" aria-labelledby="new-address">
        <h2 id="new-address" className="mb-3 font-semibold">
          {t("addresses.new")}
        </h2>
        <Form method="post" className="space-y-3" noValidate key={success ? `ok-${addresses.length}` : "new"}>
          <input type="hidden" name="intent" value="create" />
          <FormError message={failure && failure.intent === "create" ? failure.formError : undefined} />
          <AddressFields failure={failure && failure.intent === "create" ? failure : undefined} idPrefix="new" />
          <SubmitButton pendingText={t("common.saving")}>{t("addresses.add")}</SubmitButton>
        </Form>
      </section>
      {archived.length ? (
        <section>
          <h2 className="mb-2 text-sm font-semibold text-slate-600">{t("addresses.archivedList")}</h2>
          <ul className="text-sm text-slate-500">
            {archived.map((a) => (
              <li key={a.id}>
                {a.label} · {a.recipient} · {a.city} {a.line1}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { Field, FormError, Notice, SelectField, SubmitButton } from "~/components/ui/form";
import { Badge, PageHeader } from "~/components/ui/layout";
import type { MessageKey } from "~/i18n";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { WAREHOUSE_STATUSES } from "~/modules/catalog/catalog.schema";
import { WarehouseCreateSchema, WarehouseListQuery, WarehouseUpdateSchema } from "~/modules/catalog/catalog.schema.server";
import { createWarehouse, listWarehousesForAdmin, updateWarehouse, warehouseHoldings } from "~/modules/catalog/catalog.server";
import { REGIONS } from "~/modules/organisations/organisations.schema";
import { parseForm, parseQuery } from "~/utils/http.server";
import { intentAction } from "~/utils/intent.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { ScrollX } from "~/components/ui/scroll-x";
import { Th } from "~/components/list";

export const meta = pageMeta<typeof loader>("warehouses.title", ({ warehouses, edit }) => warehouses.find((w) => w.id === edit)?.code);

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "product:manage");
  const { edit } = parseQuery(request, WarehouseListQuery);
  const warehouses = await listWarehousesForAdmin(actor);
  const editing = edit !== undefined && warehouses.some((w) => w.id === edit) ? edit : null;
  return json({ warehouses, edit: editing, holdings: editing ? await warehouseHoldings(actor, editing) : null });
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "product:manage");
  return intentAction(request, {
    create: async (ctx) => {
      const form = await parseForm(request, WarehouseCreateSchema, ctx.form);
      if (!form.ok) return ctx.fail(form);
      await createWarehouse(actor, form.data);
      return ctx.done("warehouses.created", { code: form.data.code });
    },
    update: (ctx) => ctx.submit(WarehouseUpdateSchema, (data) => updateWarehouse(actor, data), "warehouses.updated"),
  });
});

type Values = Record<string, unknown> | undefined;
const val = (v: Values, k: string, fallback = "") => String(v?.[k] ?? fallback);

export default function Warehouses() {
  const { warehouses, edit, holdings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const failure = result && result.ok === false ? result : undefined;
  const createFailure = failure && (!("intent" in failure) || failure.intent === "create") ? failure : undefined;
  const updateFailure = failure && "intent" in failure && failure.intent === "update" ? failure : undefined;
  const editing = warehouses.find((w) => w.id === (updateFailure ? Number(updateFailure.values.id) : edit));
  return (
    <div className="space-y-4">
      <PageHeader title={t("warehouses.title")} crumbs={[{ label: t("products.title"), to: "/admin/products" }, { label: t("warehouses.title") }]} />
      <p className="text-sm text-slate-600">{t("warehouses.help")}</p>
      <FormError message={failure?.formError} />
      <Notice message={result && result.ok ? result.message : undefined} />
      {editing ? (
        <Form method="post" className="card grid gap-3 sm:grid-cols-5" noValidate data-testid="warehouse-edit">
          <h2 className="font-semibold sm:col-span-5">{t("warehouses.editTitle", { code: editing.code })}</h2>
          {holdings && editing.id === edit ? (
            <p className="text-sm text-slate-600 sm:col-span-5" data-testid="warehouse-holdings">
              {t("warehouses.holdings", { levels: f.number(holdings.levels), onHand: f.number(holdings.onHand), reserved: f.number(holdings.reserved) })}
            </p>
          ) : null}
          <input type="hidden" name="id" value={editing.id} />
          <NameAndRegionFields failure={updateFailure} current={editing} />
          <SelectField
            name="status"
            label={t("common.status")}
            options={WAREHOUSE_STATUSES.map((s) => ({ value: s, label: t(`warehouses.status.${s}`) }))}
            defaultValue={val(updateFailure?.values, "status", editing.status)}
            error={updateFailure?.fieldErrors.status}
          />
          <div className="flex items-end gap-2">
            <SubmitButton name="intent" value="update" pendingText={t("common.saving")}>
              {t("common.save")}
            </SubmitButton>
            <Link to="/admin/warehouses" className="btn-secondary">
              {t("common.cancel")}
            </Link>
          </div>
        </Form>
      ) : null}
      <ScrollX className="card p-0">
        <table className="table" data-testid="warehouses">
          <caption className="sr-only">{t("warehouses.title")}</caption>
          <thead>
            <tr>
              <Th>{t("warehouses.code")}</Th>
              <Th>{t("common.name")}</Th>
              <Th>{t("common.region")}</Th>
              <Th>{t("common.status")}</Th>
              <Th>
                <span className="sr-only">{t("common.actions")}</span>
              </Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {warehouses.map((w) => (
              <tr key={w.id} data-code={w.code}>
                <td className="font-mono text-xs">{w.code}</td>
                <td>
                  {locale === "zh-CN" ? w.name_zh : w.name_en}
                  <span className="block text-xs text-slate-500">{locale === "zh-CN" ? w.name_en : w.name_zh}</span>
                </td>
                <td>{t(`region.${w.region}` as MessageKey)}</td>
                <td>
                  <Badge tone={w.status === "active" ? "green" : "slate"}>{t(`warehouses.status.${w.status === "active" ? "active" : "inactive"}`)}</Badge>
                </td>
                <td className="text-right">
                  <Link className="link" to={`?edit=${w.id}`}>
                    {t("common.edit")}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollX>
      <Form method="post" className="card grid gap-3 sm:grid-cols-5" noValidate data-testid="warehouse-new">
        <h2 className="font-semibold sm:col-span-5">{t("warehouses.new")}</h2>
        <Field
          name="code"
          label={t("warehouses.code")}
          help={t("warehouses.codeHelp")}
          defaultValue={val(createFailure?.values, "code")}
          error={createFailure?.fieldErrors.code}
          required
          maxLength={30}
        />
        <NameAndRegionFields failure={createFailure} current={{ name_en: "", name_zh: "", region: "east" }} />
        <div className="flex items-end">
          <SubmitButton name="intent" value="create" pendingText={t("common.saving")}>
            {t("warehouses.add")}
          </SubmitButton>
        </div>
      </Form>
    </div>
  );
}

/** A warehouse's names and region: as sent when the form failed, else as they are (`current`). */
function NameAndRegionFields({
  failure,
  current,
}: {
  failure: { values: Record<string, unknown>; fieldErrors: Record<string, string> } | undefined;
  current: { name_en: string; name_zh: string; region: string };
}) {
  const t = useT();
  const values = failure?.values;
  const errors = failure?.fieldErrors;
  return (
    <>
      {(["name_en", "name_zh"] as const).map((name) => (
        <Field
          key={name}
          name={name}
          label={t(name === "name_en" ? "warehouses.nameEn" : "warehouses.nameZh")}
          defaultValue={val(values, name, current[name])}
          error={errors?.[name]}
          required
          maxLength={120}
        />
      ))}
      <SelectField
        name="region"
        label={t("common.region")}
        options={REGIONS.map((r) => ({ value: r, label: t(`region.${r}` as MessageKey) }))}
        defaultValue={val(values, "region", current.region)}
        error={errors?.region}
      />
    </>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

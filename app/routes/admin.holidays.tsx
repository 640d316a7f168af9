import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { Field, FormError, Notice, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { HolidayListQuery, HolidaySchema, HolidayRemoveSchema } from "~/modules/catalog/catalog.schema.server";
import { addHoliday, businessToday, listHolidays, removeHoliday } from "~/modules/catalog/catalog.server";
import { parseQuery } from "~/utils/http.server";
import { intentAction } from "~/utils/intent.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { ListTable, Th, ListEmpty } from "~/components/list";

export const meta = pageMeta<typeof loader>("holidays.title", ({ year }) => String(year));

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "product:manage");
  const query = parseQuery(request, HolidayListQuery);
  const year = query.year ?? Number(businessToday().slice(0, 4));
  return json({ year, holidays: await listHolidays(actor, year) });
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "product:manage");
  return intentAction(request, {
    add: (ctx) => ctx.submit(HolidaySchema, (data) => addHoliday(actor, data), "holidays.added"),
    remove: (ctx) => ctx.submit(HolidayRemoveSchema, (data) => removeHoliday(actor, data.day), "holidays.removed"),
  });
});

export default function Holidays() {
  const { year, holidays } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const f = useFormat();
  const failure = result && result.ok === false ? result : undefined;
  return (
    <div className="max-w-3xl space-y-4">
      <PageHeader title={t("holidays.title")} crumbs={[{ label: t("products.title"), to: "/admin/products" }, { label: t("holidays.title") }]} />
      <p className="text-sm text-slate-600">{t("holidays.help")}</p>
      <FormError message={failure?.formError} />
      <Notice message={result && result.ok ? result.message : undefined} />
      <Form method="post" className="card grid gap-3 sm:grid-cols-3" noValidate>
        <Field name="day" type="date" label={t("common.date")} defaultValue={String(failure?.values.day ?? "")} error={failure?.fieldErrors.day} required />
        <Field
          name="name"
          label={t("common.name")}
          defaultValue={String(failure?.values.name ?? "")}
          error={failure?.fieldErrors.name}
          required
          maxLength={120}
        />
        <div className="flex items-end">
          <SubmitButton name="intent" value="add" pendingText={t("common.saving")}>
            {t("holidays.add")}
          </SubmitButton>
        </div>
      </Form>
      <nav className="flex items-center gap-3 text-sm" aria-label={t("holidays.year")}>
        <Link className="link" to={`?year=${year - 1}`}>
          ← {year - 1}
        </Link>
        <span className="font-semibold">{year}</span>
        <Link className="link" to={`?year=${year + 1}`}>
          {year + 1} →
        </Link>
      </nav>
      <ListTable
        empty={holidays.length === 0 && <ListEmpty message={t("holidays.empty", { year })} />}
        testId="holidays"
        head={
          <>
            <Th>{t("common.date")}</Th>
            <Th>{t("common.name")}</Th>
            <Th>
              <span className="sr-only">{t("common.actions")}</span>
            </Th>
          </>
        }
      >
        {holidays.map((h) => (
          <tr key={h.day}>
            <td className="whitespace-nowrap">{f.date(h.day)}</td>
            <td>{h.name}</td>
            <td className="text-right">
              <Form method="post">
                <input type="hidden" name="day" value={h.day} />
                <SubmitButton className="btn-secondary" name="intent" value="remove">
                  {t("common.delete")}
                </SubmitButton>
              </Form>
            </td>
          </tr>
        ))}
      </ListTable>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

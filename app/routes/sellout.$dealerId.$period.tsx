import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useIntentResult } from "~/components/intent-result";
import { ErrorPage } from "~/components/ErrorPage";
import { Link } from "~/components/link";
import { ListTable, Th, ListEmpty } from "~/components/list";
import { SelloutStatusBadge } from "~/components/sellout";
import { Field, FormError, Notice, SelectField, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { Fact, Facts, Section } from "~/components/ui/record";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { CategoryTotalSchema, CorrectionSchema, LineSchema, RemoveLineSchema } from "~/modules/sellout/sellout.schema.server";
import { closePeriod, periodPage, recordCorrection, removeLine, saveCategoryTotal, saveLine } from "~/modules/sellout/sellout.server";
import { intentAction } from "~/utils/intent.server";
import { pageMeta } from "~/utils/meta";
import { idParam } from "~/utils/params.server";
import { withAction, withLoader } from "~/utils/route";

export const meta = pageMeta<typeof loader>("sellout.title", ({ dealer, period }) => `${dealer.code} ${period.key}`);

const periodParam = (raw: string | undefined) => (raw && raw.length <= 10 ? raw : "");

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "sellout:view");
  return json(await periodPage(actor, idParam(params.dealerId), periodParam(params.period)));
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "sellout:view");
  const dealerId = idParam(params.dealerId);
  const key = periodParam(params.period);
  return intentAction(request, {
    line: (ctx) => ctx.submit(LineSchema, (d) => saveLine(actor, dealerId, key, d), "sellout.done.line"),
    remove: (ctx) => ctx.submit(RemoveLineSchema, (d) => removeLine(actor, dealerId, key, d.lineId), "sellout.done.removed"),
    category: (ctx) => ctx.submit(CategoryTotalSchema, (d) => saveCategoryTotal(actor, dealerId, key, d), "sellout.done.category"),
    correct: (ctx) => ctx.submit(CorrectionSchema, (d) => recordCorrection(actor, dealerId, key, d), "sellout.done.corrected"),
    close: async (ctx) => {
      await closePeriod(actor, dealerId, key);
      return ctx.done("sellout.done.closed");
    },
  });
});

export default function SelloutPeriod() {
  const data = useLoaderData<typeof loader>();
  const { dealer, period, can } = data;
  const result = useIntentResult();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const name = (x: { nameEn: string; nameZh: string }) => (locale === "zh-CN" ? x.nameZh : x.nameEn);
  const sv = (intent: string, k: string) => {
    const v = result.values(intent)[k];
    return v === undefined ? undefined : String(v);
  };
  const money = (minor: number) => f.money(minor, dealer.currency);
  const title = t("sellout.periodTitle", { period: period.key });
  const lineFields = (intent: "line" | "correct") => {
    const e = result.errors(intent);
    /** A field of the line form, named `name`, prefilled with what was sent and showing its error. */
    const field = (
      name: "sku" | "unitsSold" | "revenue" | "unitsOnHand" | "keyAccount" | "region",
      label: string,
      props: Omit<React.ComponentProps<typeof Field>, "name" | "label">,
    ) => <Field name={name} id={`${intent}-${name}`} label={label} defaultValue={sv(intent, name)} error={e[name]} {...props} />;
    return (
      <div className="grid gap-3 sm:grid-cols-3">
        {field("sku", t("sellout.sku"), { maxLength: 64, required: true })}
        {field("unitsSold", t("sellout.unitsSold"), { inputMode: "numeric", required: true })}
        {field("revenue", `${t("sellout.revenue")} (${dealer.currency})`, { inputMode: "decimal", required: true })}
        {field("unitsOnHand", t("sellout.unitsOnHand"), { inputMode: "numeric", help: t("sellout.unitsOnHandHelp") })}
        {field("keyAccount", t("sellout.keyAccountCode"), { help: t("sellout.keyAccountHelp"), maxLength: 32 })}
        {field("region", t("sellout.region"), { help: t("sellout.regionHelp"), maxLength: 32 })}
      </div>
    );
  };
  return (
    <div className="space-y-4">
      <PageHeader
        title={title}
        crumbs={[
          { label: t("nav.home"), to: "/" },
          { label: t("sellout.title"), to: "/sellout" },
          { label: dealer.code, to: `/sellout/${dealer.id}` },
          { label: period.key },
        ]}
        actions={
          can.report ? (
            <Link to={`/sellout/${dealer.id}/upload?period=${period.key}`} className="btn-secondary">
              {t("sellout.upload")}
            </Link>
          ) : null
        }
      />
      <Notice message={result.done} />
      <FormError message={result.failure && !["line", "category", "correct"].includes(result.failure.intent ?? "") ? result.failure.formError : undefined} />
      <Facts testId="sellout-facts">
        <Fact label={t("sellout.status")}>
          <SelloutStatusBadge status={period.status} />
        </Fact>
        <Fact label={t("sellout.dealer")}>{`${dealer.code} · ${dealer.name}`}</Fact>
        <Fact label={t("sellout.dates")}>
          {f.date(period.start)} – {f.date(period.end)}
        </Fact>
        <Fact label={t("sellout.reportedAt")}>{period.reportedAt ? f.dateTime(period.reportedAt) : "—"}</Fact>
        <Fact label={t("sellout.lastChangedAt")}>{period.lastChangedAt ? f.dateTime(period.lastChangedAt) : "—"}</Fact>
        <Fact label={t("sellout.closedAt")}>{period.closedAt ? f.dateTime(period.closedAt) : "—"}</Fact>
      </Facts>
      {can.close ? (
        <Section title={t("sellout.close")} id="sellout-close" help={t("sellout.close.help")}>
          <Form method="post">
            <SubmitButton name="intent" value="close">
              {t("sellout.close")}
            </SubmitButton>
          </Form>
        </Section>
      ) : null}
      <Section title={t("sellout.lines.title")} id="sellout-lines">
        <ListTable
          testId="sellout-lines"
          empty={data.lines.length === 0 && <ListEmpty message={t("sellout.lines.empty")} />}
          head={
            <>
              <Th>{t("sellout.sku")}</Th>
              <Th>{t("sellout.product")}</Th>
              <Th>{t("sellout.keyAccount")}</Th>
              <Th>{t("sellout.region")}</Th>
              <Th num>{t("sellout.unitsSold")}</Th>
              <Th num>{t("sellout.revenue")}</Th>
              {can.report ? <Th>{t("sellout.remove")}</Th> : null}
            </>
          }
        >
          {data.lines.map((l) => (
            <tr key={l.key} data-sku={l.sku}>
              <td className="font-mono" translate="no">
                {l.sku}
              </td>
              <td className="wrap">{name(l)}</td>
              <td className="wrap">{l.keyAccount ?? t("sellout.allCustomers")}</td>
              <td>{l.region || "—"}</td>
              <td className="text-right tabular-nums">
                {f.number(l.unitsSold)}
                {l.corrected ? (
                  <span className="block text-xs text-amber-700">
                    {t("sellout.corrected")} · {t("sellout.reportedValue", { value: l.reportedUnits === null ? "—" : f.number(l.reportedUnits) })}
                  </span>
                ) : null}
              </td>
              <td className="text-right tabular-nums">
                {money(l.revenueMinor)}
                {l.corrected ? (
                  <span className="block text-xs text-amber-700">
                    {t("sellout.reportedValue", { value: l.reportedRevenue === null ? "—" : money(l.reportedRevenue) })}
                  </span>
                ) : null}
              </td>
              {can.report ? (
                <td>
                  {l.lineId ? (
                    <Form method="post">
                      <input type="hidden" name="lineId" value={l.lineId} />
                      <button type="submit" name="intent" value="remove" className="btn-secondary" aria-label={`${t("sellout.remove")} ${l.sku}`}>
                        {t("sellout.remove")}
                      </button>
                    </Form>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </ListTable>
      </Section>
      {can.report ? (
        <Section title={t("sellout.lineForm.title")} id="sellout-line-form" help={t("sellout.lineForm.help")}>
          <Form method="post" className="space-y-3" noValidate>
            <FormError message={result.failure?.intent === "line" ? result.failure.formError : undefined} />
            {lineFields("line")}
            <SubmitButton name="intent" value="line">
              {t("sellout.save")}
            </SubmitButton>
          </Form>
        </Section>
      ) : null}
      <Section title={t("sellout.stock.title")} id="sellout-stock">
        <ListTable
          testId="sellout-stock"
          empty={data.stock.length === 0 && <ListEmpty message={t("sellout.stock.empty")} />}
          head={
            <>
              <Th>{t("sellout.sku")}</Th>
              <Th>{t("sellout.product")}</Th>
              <Th num>{t("sellout.unitsOnHand")}</Th>
            </>
          }
        >
          {data.stock.map((s) => (
            <tr key={s.sku}>
              <td className="font-mono" translate="no">
                {s.sku}
              </td>
              <td className="wrap">{name(s)}</td>
              <td className="text-right tabular-nums">
                {f.number(s.onHand)}
                {s.corrected ? (
                  <span className="block text-xs text-amber-700">
                    {t("sellout.corrected")} · {t("sellout.reportedValue", { value: s.reported === null ? "—" : f.number(s.reported) })}
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </ListTable>
      </Section>
      <Section
        title={t(data.own ? "sellout.categories.title" : "sellout.categories.titleStaff")}
        id="sellout-categories"
        help={t(data.own ? "sellout.categories.help" : "sellout.categories.helpStaff")}
      >
        <ListTable
          testId="sellout-categories"
          empty={data.categories.length === 0 && <ListEmpty message={t("sellout.categories.empty")} />}
          head={
            <>
              <Th>{t("sellout.category")}</Th>
              <Th num>{t("sellout.revenue")}</Th>
            </>
          }
        >
          {data.categories.map((c) => (
            <tr key={c.code}>
              <td>{name(c)}</td>
              <td className="text-right tabular-nums">{money(c.revenueMinor)}</td>
            </tr>
          ))}
        </ListTable>
        {can.report ? (
          <Form method="post" className="mt-4 grid gap-3 sm:grid-cols-3" noValidate>
            <FormError message={result.failure?.intent === "category" ? result.failure.formError : undefined} />
            <SelectField
              name="category"
              id="category-category"
              label={t("sellout.category")}
              defaultValue={sv("category", "category")}
              error={result.errors("category").category}
              options={data.allCategories.map((c) => ({ value: c.code, label: locale === "zh-CN" ? c.name_zh : c.name_en }))}
            />
            <Field
              name="revenue"
              id="category-revenue"
              label={`${t("sellout.revenue")} (${dealer.currency})`}
              inputMode="decimal"
              defaultValue={sv("category", "revenue")}
              error={result.errors("category").revenue}
              required
            />
            <div className="flex items-end">
              <SubmitButton name="intent" value="category">
                {t("sellout.categories.save")}
              </SubmitButton>
            </div>
          </Form>
        ) : null}
      </Section>
      {period.status === "closed" ? (
        <Section title={t("sellout.corrections.title")} id="sellout-corrections">
          <ListTable
            testId="sellout-corrections"
            empty={data.corrections.length === 0 && <ListEmpty message={t("sellout.corrections.empty")} />}
            head={
              <>
                <Th>{t("sellout.corrections.at")}</Th>
                <Th>{t("sellout.sku")}</Th>
                <Th>{t("sellout.keyAccount")}</Th>
                <Th>{t("sellout.region")}</Th>
                <Th num>{t("sellout.unitsSold")}</Th>
                <Th num>{t("sellout.revenue")}</Th>
                <Th num>{t("sellout.unitsOnHand")}</Th>
                <Th>{t("sellout.reason")}</Th>
                <Th>{t("sellout.corrections.by")}</Th>
              </>
            }
          >
            {data.corrections.map((c) => (
              <tr key={c.id}>
                <td className="whitespace-nowrap">{f.dateTime(c.createdAt)}</td>
                <td className="font-mono" translate="no">
                  {c.sku}
                </td>
                <td className="wrap">{c.keyAccount ?? t("sellout.allCustomers")}</td>
                <td>{c.region || "—"}</td>
                <td className="text-right tabular-nums">{signed(f.number(c.deltaUnits), c.deltaUnits)}</td>
                <td className="text-right tabular-nums">{signed(money(Math.abs(c.deltaRevenue)), c.deltaRevenue)}</td>
                <td className="text-right tabular-nums">{c.deltaOnHand === null ? "—" : signed(f.number(Math.abs(c.deltaOnHand)), c.deltaOnHand)}</td>
                <td className="wrap">{c.reason}</td>
                <td>{c.by ?? "—"}</td>
              </tr>
            ))}
          </ListTable>
          {can.correct ? (
            <Form method="post" className="mt-4 space-y-3" noValidate>
              <h3 className="font-semibold">{t("sellout.correction.title")}</h3>
              <p className="text-sm text-slate-600">{t("sellout.correction.help")}</p>
              <FormError message={result.failure?.intent === "correct" ? result.failure.formError : undefined} />
              {lineFields("correct")}
              <Field
                name="reason"
                id="correct-reason"
                label={t("sellout.reason")}
                defaultValue={sv("correct", "reason")}
                error={result.errors("correct").reason}
                maxLength={500}
                required
              />
              <SubmitButton name="intent" value="correct">
                {t("sellout.correction.save")}
              </SubmitButton>
            </Form>
          ) : null}
        </Section>
      ) : null}
    </div>
  );
}

/** A difference with its sign: "+3", "−2". */
function signed(text: string, n: number) {
  if (n > 0) return `+${text.replace(/^[+-]/, "")}`;
  if (n < 0) return `−${text.replace(/^[-−]/, "")}`;
  return text;
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

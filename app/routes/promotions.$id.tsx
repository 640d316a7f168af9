import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { useIntentResult } from "~/components/intent-result";
import { Link } from "~/components/link";
import { CsvLink, ListTable, Th } from "~/components/list";
import { PromotionStateBadge } from "~/components/promotions";
import { useTermsText } from "~/components/promotion-terms";
import { BarChart } from "~/components/ui/charts";
import { FormError, Notice, SubmitButton } from "~/components/ui/form";
import { Badge, PageHeader } from "~/components/ui/layout";
import { Fact, Facts, Section } from "~/components/ui/record";
import type { MessageKey } from "~/i18n";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { PromotionPageQuery, ReverseRebateSchema } from "~/modules/promotions/promotions.schema.server";
import { exportTracking, promotionPage } from "~/modules/promotions/promotions.server";
import { reverseRebate } from "~/modules/promotions/rebates.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { intentAction } from "~/utils/intent.server";
import { pageMeta } from "~/utils/meta";
import { idParam } from "~/utils/params.server";
import { withAction, withLoader } from "~/utils/route";

export const meta = pageMeta<typeof loader>("promotions.title", ({ promotion: p }, locale) => `${p.code} ${locale === "zh-CN" ? p.name_zh : p.name_en}`);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "promotion:read");
  const id = idParam(params.id);
  const query = parseQuery(request, PromotionPageQuery);
  if (query.format === "csv")
    return csvResponse(
      `promotion-${id}.csv`,
      ["promotion", "dealer_code", "dealer_name", "orders", "units", "revenue_minor", "discount_minor", "shipped_units", "rebate_minor"],
      exportTracking(actor, id),
    );
  return json(await promotionPage(actor, id));
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "promotion:reverse_rebate");
  idParam(params.id);
  return intentAction(request, {
    reverse: (ctx) => ctx.submit(ReverseRebateSchema, (data) => reverseRebate(actor, data.rebateId, { reason: data.reason }), "promotions.reversed"),
  });
});

export default function PromotionPage() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const terms = useTermsText();
  const [sp] = useSearchParams();
  const { done, failure, errors } = useIntentResult();
  const p = data.promotion;
  const name = locale === "zh-CN" ? p.name_zh : p.name_en;
  const description = locale === "zh-CN" ? p.description_zh : p.description_en;
  const notice = done ?? (sp.get("created") ? t("promotions.created") : sp.get("saved") ? t("promotions.saved") : undefined);
  const audience = [
    ...data.regions.map((r) => t(`region.${r}` as MessageKey)),
    ...data.tiers.map((r) => t(`tier.${r}` as MessageKey)),
    ...data.dealers.map((d) => d.code),
    ...(data.otherNamedDealers ? [t("promotions.otherNamedDealers", { n: data.otherNamedDealers })] : []),
  ];
  return (
    <div className="space-y-4">
      <PageHeader
        title={`${p.code} · ${name}`}
        crumbs={[{ label: t("promotions.title"), to: "/promotions" }, { label: p.code }]}
        actions={
          data.canManage ? (
            <Link to={`/admin/promotions/${p.id}`} className="btn-secondary">
              {t("promotions.edit")}
            </Link>
          ) : undefined
        }
      />
      <Notice message={notice} />
      <FormError message={failure?.formError} />
      <Facts testId="promotion-facts" footer={description ? <p className="whitespace-pre-line">{description}</p> : undefined}>
        <Fact label={t("promotions.state")}>
          <PromotionStateBadge state={p.state} />
        </Fact>
        <Fact label={t("promotions.mechanism")}>{t(`promotions.mechanism.${p.mechanism}` as MessageKey)}</Fact>
        <Fact label={t("promotions.col.terms")}>{terms(p)}</Fact>
        <Fact label={t("promotions.validity")}>
          {f.date(p.starts_on)} – {f.date(p.ends_on)}
        </Fact>
        <Fact label={t("promotions.audience")} wide>
          {data.isDealer ? t("promotions.targetsYou") : audience.length ? f.list(audience) : t("promotions.allDealers")}
        </Fact>
      </Facts>
      <Section title={t("promotions.products")} id="promotion-products">
        <ul className="flex flex-wrap gap-2 text-sm">
          {data.products.map((pr) => (
            <li key={pr.id}>
              <Link to={`/products/${encodeURIComponent(pr.sku)}`} className="link">
                {pr.sku}
              </Link>{" "}
              <span className="text-slate-600">{locale === "zh-CN" ? pr.name_zh : pr.name_en}</span>
            </li>
          ))}
        </ul>
      </Section>
      <Section title={t("promotions.tracking")} id="promotion-tracking" help={t("promotions.tracking.intro")} actions={<CsvLink />}>
        {data.tracking.length === 0 ? (
          <p className="text-sm text-slate-600">{t("promotions.tracking.empty")}</p>
        ) : (
          <>
            {data.totals.revenueMinor > 0 ? (
              <BarChart
                title={t("promotions.chart")}
                description={t("promotions.chart")}
                tableLabel={t("promotions.chart")}
                valueLabel={t("promotions.col.revenue")}
                emptyLabel={t("promotions.tracking.empty")}
                labelHeader={t("promotions.col.dealer")}
                formatValue={(v) => f.moneyCompact(v, p.currency)}
                data={data.tracking.map((d) => ({ label: d.name, value: d.revenueMinor, display: f.money(d.revenueMinor, p.currency) }))}
              />
            ) : null}
            <ListTable
              bare
              testId="promotion-tracking-table"
              head={
                <>
                  <Th>{t("promotions.col.dealer")}</Th>
                  <Th num>{t("promotions.col.orders")}</Th>
                  <Th num>{t("promotions.col.units")}</Th>
                  <Th num>{t("promotions.col.revenue")}</Th>
                  <Th num>{t("promotions.col.discount")}</Th>
                  <Th num>{t("promotions.col.shipped")}</Th>
                  <Th num>{t("promotions.col.rebate")}</Th>
                </>
              }
              foot={
                <tr>
                  <th scope="row">{t("promotions.total")}</th>
                  <td className="text-right">{f.number(data.totals.orders)}</td>
                  <td className="text-right">{f.number(data.totals.units)}</td>
                  <td className="text-right">{f.money(data.totals.revenueMinor, p.currency)}</td>
                  <td className="text-right">{f.money(data.totals.discountMinor, p.currency)}</td>
                  <td />
                  <td className="text-right">{f.money(data.totals.rebateMinor, p.currency)}</td>
                </tr>
              }
            >
              {data.tracking.map((d) => (
                <tr key={d.dealerId}>
                  <td className="wrap">
                    <span className="font-medium">{d.code}</span> <span className="text-slate-600">{d.name}</span>
                  </td>
                  <td className="text-right">{f.number(d.orders)}</td>
                  <td className="text-right">{f.number(d.units)}</td>
                  <td className="text-right">{f.money(d.revenueMinor, p.currency)}</td>
                  <td className="text-right">{f.money(d.discountMinor, p.currency)}</td>
                  <td className="text-right">{f.number(d.shippedUnits)}</td>
                  <td className="text-right">{f.money(d.rebateMinor, p.currency)}</td>
                </tr>
              ))}
            </ListTable>
          </>
        )}
      </Section>
      {p.mechanism === "rebate" ? (
        <Section title={t("promotions.rebates")} id="promotion-rebates" help={t("promotions.rebates.intro")}>
          {data.rebates.length === 0 ? (
            <p className="text-sm text-slate-600">{t("promotions.rebates.empty")}</p>
          ) : (
            <ListTable
              bare
              testId="promotion-rebates-table"
              head={
                <>
                  <Th>{t("promotions.col.period")}</Th>
                  <Th>{t("promotions.col.dealer")}</Th>
                  <Th num>{t("promotions.col.qualifying")}</Th>
                  <Th num>{t("promotions.col.rate")}</Th>
                  <Th num>{t("promotions.col.amount")}</Th>
                  <Th>{t("promotions.col.state")}</Th>
                </>
              }
            >
              {data.rebates.map((r) => (
                <tr key={r.id}>
                  <td>{r.period}</td>
                  <td className="wrap">
                    <span className="font-medium">{r.code}</span> <span className="text-slate-600">{r.name}</span>
                  </td>
                  <td className="text-right">{f.money(r.qualifying_minor, r.currency)}</td>
                  <td className="text-right">{f.percent(r.rate_bp / 10_000)}</td>
                  <td className="text-right">{f.money(r.amount_minor, r.currency)}</td>
                  <td className="wrap">
                    {r.reversal_entry_id !== null ? (
                      <Badge tone="red">{t("promotions.rebate.reversed")}</Badge>
                    ) : (
                      <div className="space-y-2">
                        <Badge tone="green">{t("promotions.rebate.posted")}</Badge>
                        {data.canReverse ? (
                          <Form method="post" className="flex flex-wrap items-end gap-2">
                            <input type="hidden" name="intent" value="reverse" />
                            <input type="hidden" name="rebateId" value={r.id} />
                            <label className="text-sm">
                              <span className="sr-only">{t("promotions.reverse.reason")}</span>
                              <input
                                name="reason"
                                className="input"
                                placeholder={t("promotions.reverse.reason")}
                                maxLength={500}
                                required
                                aria-invalid={errors("reverse").reason ? true : undefined}
                              />
                            </label>
                            <SubmitButton pendingText={t("common.saving")}>{t("promotions.reverse")}</SubmitButton>
                          </Form>
                        ) : null}
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </ListTable>
          )}
          {errors("reverse").reason ? (
            <p className="mt-2 text-sm text-red-600" role="alert">
              {errors("reverse").reason}
            </p>
          ) : null}
        </Section>
      ) : null}
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

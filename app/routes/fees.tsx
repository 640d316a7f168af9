import { localeOf } from "~/utils/request.server";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Amount, EntryDescription, EntryType } from "~/components/ledger";
import { ListPager, ListHeader, Th, ListEmpty } from "~/components/list";
import { Stat } from "~/components/ui/layout";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { FEES_CSV_HEADER, dealerOptions, exportFees, feesReport, listFeeTypes } from "~/modules/ledger/ledger.server";
import { FEE_KINDS } from "~/modules/ledger/ledger.schema";
import { FeesQuery } from "~/modules/ledger/ledger.schema.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { FilterBar, FilterInput, FilterSelect, DealerFilter } from "~/components/filters";

export const meta = pageMeta("fees.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "ledger:read");
  const query = parseQuery(request, FeesQuery);
  if (query.format === "csv") return csvResponse("fees-rebates.csv", FEES_CSV_HEADER, exportFees(actor, query, localeOf(request)));
  const [report, dealers, feeTypes] = await Promise.all([feesReport(actor, query), dealerOptions(actor), listFeeTypes()]);
  return json({ ...report, query, dealers, feeTypes, isDealer: actor.dealerId !== null, currency: report.summary[0]?.currency ?? "CNY" });
});

export default function Fees() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const typeName = (code: string | null, en: string | null, zh: string | null, kind: string) =>
    code ? ((locale === "zh-CN" ? zh : en) ?? code) : kind === "rebate" ? t("fees.genericRebate") : t("fees.genericFee");
  return (
    <div className="space-y-4">
      <ListHeader title={t("fees.title")} />
      <FilterBar resetTo="/fees" className="sm:grid-cols-6">
        {!data.isDealer ? <DealerFilter dealers={data.dealers} value={data.query.dealerId} wide /> : null}
        <FilterInput name="from" type="month" label={t("fees.fromPeriod")} defaultValue={data.query.from} />
        <FilterInput name="to" type="month" label={t("fees.toPeriod")} defaultValue={data.query.to} />
        <FilterSelect
          name="kind"
          label={t("fees.kind")}
          defaultValue={data.query.kind}
          all
          options={FEE_KINDS.map((k) => ({ value: k, label: t(`feeTypes.kind.${k}`) }))}
        />
        <FilterSelect
          name="feeType"
          label={t("ledger.feeType")}
          defaultValue={data.query.feeType}
          all
          options={data.feeTypes.map((ft) => ({ value: ft.code, label: locale === "zh-CN" ? ft.name_zh : ft.name_en }))}
        />
      </FilterBar>
      <div className="grid gap-4 sm:grid-cols-2">
        <Stat label={t("fees.totalFees")} value={<Amount minor={data.totals.fee} currency={data.currency} />} />
        <Stat label={t("fees.totalRebates")} value={<Amount minor={data.totals.rebate} currency={data.currency} />} />
      </div>
      {data.summary.length === 0 ? (
        <ListEmpty message={t("fees.empty")} />
      ) : (
        <>
          <section className="card overflow-x-auto p-0">
            <h2 className="px-4 pt-4 font-semibold">{t("fees.byTypePeriod")}</h2>
            <table className="table" data-testid="fees-summary">
              <thead>
                <tr>
                  <Th>{t("statements.period")}</Th>
                  <Th>{t("fees.kind")}</Th>
                  <Th>{t("ledger.feeType")}</Th>
                  <Th num>{t("fees.count")}</Th>
                  <Th num>{t("common.total")}</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {data.summary.map((s) => (
                  <tr key={`${s.period}-${s.kind}-${s.fee_type_code ?? ""}`}>
                    <td>{s.period}</td>
                    <td>{t(`feeTypes.kind.${s.kind === "rebate" ? "rebate" : "fee"}`)}</td>
                    <td>{typeName(s.fee_type_code, s.name_en, s.name_zh, s.kind)}</td>
                    <td className="text-right">{f.number(s.n)}</td>
                    <td className="text-right">
                      <Amount minor={s.total} currency={s.currency} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="card overflow-x-auto p-0">
            <h2 className="px-4 pt-4 font-semibold">{t("fees.entries")}</h2>
            <table className="table">
              <thead>
                <tr>
                  <Th>{t("ledger.businessDate")}</Th>
                  {!data.isDealer ? <Th>{t("ledger.dealer")}</Th> : null}
                  <Th>{t("ledger.type")}</Th>
                  <Th>{t("ledger.feeType")}</Th>
                  <Th>{t("ledger.description")}</Th>
                  <Th num>{t("ledger.amount")}</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {data.rows.map((r) => (
                  <tr key={r.id}>
                    <td className="whitespace-nowrap">{f.date(r.business_date)}</td>
                    {!data.isDealer ? <td>{r.dealer_code}</td> : null}
                    <td className="whitespace-nowrap">
                      <EntryType type={r.entry_type} />
                    </td>
                    <td>{typeName(r.fee_type_code, r.name_en, r.name_zh, r.kind)}</td>
                    <td>
                      <EntryDescription e={r} />
                      {r.reference ? <span className="ml-2 font-mono text-xs text-slate-500">{r.reference}</span> : null}
                    </td>
                    <td className="text-right">
                      <Amount minor={r.amount_minor} currency={r.currency} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <ListPager page={data.page} pageSize={data.pageSize} total={data.total} />
        </>
      )}
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { Link } from "~/components/link";
import { BarChart, DealLink, StageBadge } from "~/components/deals";
import { ListTable, ListHeader, Th, ListEmpty } from "~/components/list";
import { Badge } from "~/components/ui/layout";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { can } from "~/modules/auth/actor";
import { scopes } from "~/modules/auth/access.server";
import { requireActor } from "~/modules/auth/auth.server";
import { DEAL_SORTS } from "~/modules/deals/deals.schema";
import { DealListQuery } from "~/modules/deals/deals.schema.server";
import { dealCsvHeader, dealFilterOptions, exportDeals, listDeals, pipeline } from "~/modules/deals/deals.server";
import { leadsForDealer } from "~/modules/deals/key-accounts.server";
import { DEAL_STAGES } from "~/modules/deals/state";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { ScrollX } from "~/components/ui/scroll-x";
import { FilterBar, FilterInput, FilterSelect, DealerFilter, SearchFilter } from "~/components/filters";

export const meta = pageMeta("deals.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "deal:read");
  const query = parseQuery(request, DealListQuery);
  if (query.format === "csv") return csvResponse("deals.csv", dealCsvHeader(actor), exportDeals(actor, query));
  const [list, stages, options, leads] = await Promise.all([
    query.view === "list" ? listDeals(actor, query) : Promise.resolve(null),
    pipeline(actor, query),
    dealFilterOptions(actor),
    leadsForDealer(actor),
  ]);
  return json({
    list,
    stages,
    options,
    leads,
    query,
    canRegister: can(actor, "deal:register"),
    isDealer: actor.dealerId !== null,
    isAdmin: scopes.deal.readsAll(actor),
  });
});

export default function Deals() {
  const { list, stages, options, leads, query, canRegister, isDealer, isAdmin } = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const [sp] = useSearchParams();
  const viewHref = (view: string) => {
    const p = new URLSearchParams(sp);
    p.set("view", view);
    p.delete("page");
    return `/deals?${p.toString()}`;
  };
  const openLeads = leads.filter((l) => l.status === "offered");
  return (
    <div className="space-y-6">
      <ListHeader title={t("deals.title")} create={canRegister && { to: "/deals/new", label: t("deals.new") }} />

      {isDealer && leads.length ? (
        <section className="card" aria-labelledby="leads-h" data-testid="leads-for-you">
          <h2 id="leads-h" className="font-semibold">
            {t("leads.forYou")} {openLeads.length ? <Badge tone="amber">{openLeads.length}</Badge> : null}
          </h2>
          <p className="mb-3 text-sm text-slate-600">{t("leads.forYouHelp")}</p>
          <ul className="divide-y divide-slate-100 text-sm">
            {leads.map((l) => (
              <li key={l.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>
                  <Link className="link font-medium" to={`/leads/${l.id}`}>
                    {l.key_account_name}
                  </Link>{" "}
                  · {locale === "en" ? l.line_name_en : l.line_name_zh} · {f.money(l.estimated_value_minor, l.currency)} · {l.account_manager_name}
                </span>
                <Badge tone={l.status === "offered" ? "amber" : l.status === "accepted" ? "green" : "slate"}>
                  {t(`leads.status.${l.status}` as "leads.status.offered")}
                </Badge>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <FilterBar resetTo={`/deals?view=${query.view}`} className="sm:grid-cols-4">
        <input type="hidden" name="view" value={query.view} />
        <SearchFilter value={query.q} placeholder={t("deals.searchPlaceholder")} />
        <FilterSelect
          name="stage"
          label={t("deals.stage")}
          defaultValue={query.stage}
          all
          options={DEAL_STAGES.map((s) => ({ value: s, label: t(`deals.stage.${s}`) }))}
        />
        <FilterSelect
          name="keyAccountId"
          label={t("deals.keyAccount")}
          defaultValue={query.keyAccountId}
          all
          options={options.keyAccounts.map((k) => ({ value: k.id, label: k.name }))}
        />
        {!isDealer ? <DealerFilter dealers={options.dealers} value={query.dealerId} /> : null}
        {isAdmin ? (
          <FilterSelect
            name="accountManagerId"
            label={t("deals.accountManager")}
            defaultValue={query.accountManagerId}
            all
            options={options.accountManagers.map((a) => ({ value: a.id, label: a.name }))}
          />
        ) : null}
        <FilterInput name="closeFrom" type="date" label={t("deals.closeFrom")} defaultValue={query.closeFrom} />
        <FilterInput name="closeTo" type="date" label={t("deals.closeTo")} defaultValue={query.closeTo} />
        <FilterInput name="minValue" inputMode="decimal" label={t("deals.minValue")} defaultValue={sp.get("minValue")} />
        <FilterInput name="maxValue" inputMode="decimal" label={t("deals.maxValue")} defaultValue={sp.get("maxValue")} />
        <FilterSelect
          name="sort"
          label={t("common.sort")}
          defaultValue={query.sort}
          options={DEAL_SORTS.map((s) => ({ value: s, label: t(`deals.sort.${s}`) }))}
        />
      </FilterBar>

      <nav className="flex gap-2" aria-label={t("deals.stage")}>
        <Link
          to={viewHref("list")}
          className={query.view === "list" ? "btn-primary" : "btn-secondary"}
          aria-current={query.view === "list" ? "page" : undefined}
        >
          {t("deals.listView")}
        </Link>
        <Link
          to={viewHref("pipeline")}
          className={query.view === "pipeline" ? "btn-primary" : "btn-secondary"}
          aria-current={query.view === "pipeline" ? "page" : undefined}
        >
          {t("deals.pipelineView")}
        </Link>
      </nav>

      {query.view === "pipeline" ? (
        <section className="card space-y-4" aria-labelledby="pipe-h">
          <h2 id="pipe-h" className="font-semibold">
            {t("deals.pipeline")}
          </h2>
          <p className="text-sm text-slate-600">{t("deals.pipelineHelp")}</p>
          <BarChart
            label={t("deals.pipeline")}
            rows={stages.map((s) => ({
              key: s.stage,
              label: t(`deals.stage.${s.stage}`),
              value: s.value,
              text: f.money(s.value),
              sub: `${f.number(s.count)}`,
            }))}
          />
          <ScrollX>
            <table className="table">
              <caption className="sr-only">{t("chart.dataTable")}</caption>
              <thead>
                <tr>
                  <Th>{t("deals.stage")}</Th>
                  <Th num>{t("deals.count")}</Th>
                  <Th num>{t("deals.value")}</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {stages.map((s) => (
                  <tr key={s.stage}>
                    <td>
                      <Link className="link" to={`/deals?${new URLSearchParams({ ...Object.fromEntries(sp), view: "list", stage: s.stage }).toString()}`}>
                        {t(`deals.stage.${s.stage}`)}
                      </Link>
                    </td>
                    <td className="text-right tabular-nums">{f.number(s.count)}</td>
                    <td className="text-right tabular-nums">{f.money(s.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollX>
        </section>
      ) : list && list.rows.length === 0 ? (
        <ListEmpty message={isDealer ? t("deals.empty") : t("deals.emptyManufacturer")} create={canRegister && { to: "/deals/new", label: t("deals.new") }} />
      ) : list ? (
        <>
          <ListTable
            pager={list}
            testId="deals-table"
            head={
              <>
                <Th>{t("deals.deal")}</Th>
                <Th>{t("deals.keyAccount")}</Th>
                {!isDealer ? <Th>{t("deals.dealer")}</Th> : null}
                <Th>{t("deals.accountManager")}</Th>
                <Th>{t("deals.stage")}</Th>
                <Th num>{t("deals.value")}</Th>
                <Th>{t("deals.expectedClose")}</Th>
                <Th>{t("deals.protection")}</Th>
              </>
            }
          >
            {list.rows.map((d) => (
              <tr key={d.id}>
                <td>
                  <DealLink deal={d} />
                </td>
                <td>{d.key_account_name}</td>
                {!isDealer ? <td>{d.dealer_code}</td> : null}
                <td>{d.account_manager_name}</td>
                <td>
                  <StageBadge stage={d.stage} />
                </td>
                <td className="text-right tabular-nums">{f.money(d.estimated_value_minor, d.currency)}</td>
                <td>{f.date(d.expected_close_date)}</td>
                <td>{f.date(d.protection_expires_on)}</td>
              </tr>
            ))}
          </ListTable>
        </>
      ) : null}
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { Link } from "~/components/link";
import { BarChart, StageBadge } from "~/components/deals";
import { ErrorPage } from "~/components/ErrorPage";
import { CsvLink, ListPager } from "~/components/list";
import { Badge, EmptyState, PageHeader } from "~/components/ui/layout";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { can } from "~/modules/auth/actor";
import { scopes } from "~/modules/auth/access.server";
import { requireActor } from "~/modules/auth/auth.server";
import { DEAL_SORTS, DealListQuery } from "~/modules/deals/deals.schema";
import { dealCsvHeader, dealFilterOptions, exportDeals, listDeals, pipeline } from "~/modules/deals/deals.server";
import { leadsForDealer } from "~/modules/deals/key-accounts.server";
import { DEAL_STAGES } from "~/modules/deals/state";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { ScrollX } from "~/components/ui/scroll-x";

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
  return json({ list, stages, options, leads, query, canRegister: can(actor, "deal:register"), isDealer: actor.dealerId !== null, isAdmin: scopes.deal.readsAll(actor) });
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
      <PageHeader
        title={t("deals.title")}
        crumbs={[{ label: t("nav.home"), to: "/" }, { label: t("deals.title") }]}
        breadcrumbLabel={t("nav.breadcrumb")}
        actions={
          <>
            <CsvLink />
            {canRegister ? (
              <Link to="/deals/new" className="btn-primary">
                {t("deals.new")}
              </Link>
            ) : null}
          </>
        }
      />

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
                <Badge tone={l.status === "offered" ? "amber" : l.status === "accepted" ? "green" : "slate"}>{t(`leads.status.${l.status}` as "leads.status.offered")}</Badge>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <Form method="get" className="card grid gap-3 sm:grid-cols-4" role="search">
        <input type="hidden" name="view" value={query.view} />
        <div className="sm:col-span-2">
          <label htmlFor="q" className="label">{t("common.search")}</label>
          <input id="q" name="q" className="input" defaultValue={query.q ?? ""} placeholder={t("deals.searchPlaceholder")} />
        </div>
        <div>
          <label htmlFor="stage" className="label">{t("deals.stage")}</label>
          <select id="stage" name="stage" className="input" defaultValue={query.stage ?? ""}>
            <option value="">{t("common.all")}</option>
            {DEAL_STAGES.map((s) => (
              <option key={s} value={s}>{t(`deals.stage.${s}`)}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="keyAccountId" className="label">{t("deals.keyAccount")}</label>
          <select id="keyAccountId" name="keyAccountId" className="input" defaultValue={query.keyAccountId ?? ""}>
            <option value="">{t("common.all")}</option>
            {options.keyAccounts.map((k) => (
              <option key={k.id} value={k.id}>{k.name}</option>
            ))}
          </select>
        </div>
        {!isDealer ? (
          <div>
            <label htmlFor="dealerId" className="label">{t("deals.dealer")}</label>
            <select id="dealerId" name="dealerId" className="input" defaultValue={query.dealerId ?? ""}>
              <option value="">{t("common.all")}</option>
              {options.dealers.map((d) => (
                <option key={d.id} value={d.id}>{d.code} · {d.name}</option>
              ))}
            </select>
          </div>
        ) : null}
        {isAdmin ? (
          <div>
            <label htmlFor="accountManagerId" className="label">{t("deals.accountManager")}</label>
            <select id="accountManagerId" name="accountManagerId" className="input" defaultValue={query.accountManagerId ?? ""}>
              <option value="">{t("common.all")}</option>
              {options.accountManagers.map((a) => (
                <option key={a.id} value={a.id}>{a.name}</option>
              ))}
            </select>
          </div>
        ) : null}
        <div>
          <label htmlFor="closeFrom" className="label">{t("deals.closeFrom")}</label>
          <input id="closeFrom" name="closeFrom" type="date" className="input" defaultValue={query.closeFrom ?? ""} />
        </div>
        <div>
          <label htmlFor="closeTo" className="label">{t("deals.closeTo")}</label>
          <input id="closeTo" name="closeTo" type="date" className="input" defaultValue={query.closeTo ?? ""} />
        </div>
        <div>
          <label htmlFor="minValue" className="label">{t("deals.minValue")}</label>
          <input id="minValue" name="minValue" inputMode="decimal" className="input" defaultValue={sp.get("minValue") ?? ""} />
        </div>
        <div>
          <label htmlFor="maxValue" className="label">{t("deals.maxValue")}</label>
          <input id="maxValue" name="maxValue" inputMode="decimal" className="input" defaultValue={sp.get("maxValue") ?? ""} />
        </div>
        <div>
          <label htmlFor="sort" className="label">{t("common.sort")}</label>
          <select id="sort" name="sort" className="input" defaultValue={query.sort}>
            {DEAL_SORTS.map((s) => (
              <option key={s} value={s}>{t(`deals.sort.${s}`)}</option>
            ))}
          </select>
        </div>
        <div className="flex items-end gap-2">
          <button type="submit" className="btn-primary">{t("common.apply")}</button>
          <Link to={`/deals?view=${query.view}`} className="btn-secondary">{t("common.reset")}</Link>
        </div>
      </Form>

      <nav className="flex gap-2" aria-label={t("deals.stage")}>
        <Link to={viewHref("list")} className={query.view === "list" ? "btn-primary" : "btn-secondary"} aria-current={query.view === "list" ? "page" : undefined}>
          {t("deals.listView")}
        </Link>
        <Link to={viewHref("pipeline")} className={query.view === "pipeline" ? "btn-primary" : "btn-secondary"} aria-current={query.view === "pipeline" ? "page" : undefined}>
          {t("deals.pipelineView")}
        </Link>
      </nav>

      {query.view === "pipeline" ? (
        <section className="card space-y-4" aria-labelledby="pipe-h">
          <h2 id="pipe-h" className="font-semibold">{t("deals.pipeline")}</h2>
          <p className="text-sm text-slate-600">{t("deals.pipelineHelp")}</p>
          <BarChart
            label={t("deals.pipeline")}
            rows={stages.map((s) => ({ key: s.stage, label: t(`deals.stage.${s.stage}`), value: s.value, text: f.money(s.value), sub: `${f.number(s.count)}` }))}
          />
          <ScrollX>
            <table className="table">
              <caption className="sr-only">{t("chart.dataTable")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("deals.stage")}</th>
                  <th scope="col" className="text-right">{t("deals.count")}</th>
                  <th scope="col" className="text-right">{t("deals.value")}</th>
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
        <EmptyState
          message={isDealer ? t("deals.empty") : t("deals.emptyManufacturer")}
          action={
            canRegister ? (
              <Link to="/deals/new" className="btn-primary">
                {t("deals.new")}
              </Link>
            ) : undefined
          }
        />
      ) : list ? (
        <>
          <ScrollX className="card p-0">
            <table className="table" data-testid="deals-table">
              <thead>
                <tr>
                  <th scope="col">{t("deals.deal")}</th>
                  <th scope="col">{t("deals.keyAccount")}</th>
                  {!isDealer ? <th scope="col">{t("deals.dealer")}</th> : null}
                  <th scope="col">{t("deals.accountManager")}</th>
                  <th scope="col">{t("deals.stage")}</th>
                  <th scope="col" className="text-right">{t("deals.value")}</th>
                  <th scope="col">{t("deals.expectedClose")}</th>
                  <th scope="col">{t("deals.protection")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {list.rows.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <Link className="link" to={`/deals/${d.id}`}>
                        #{d.id} {d.title}
                      </Link>
                    </td>
                    <td>{d.key_account_name}</td>
                    {!isDealer ? <td>{d.dealer_code}</td> : null}
                    <td>{d.account_manager_name}</td>
                    <td><StageBadge stage={d.stage} /></td>
                    <td className="text-right tabular-nums">{f.money(d.estimated_value_minor, d.currency)}</td>
                    <td>{f.date(d.expected_close_date)}</td>
                    <td>{f.date(d.protection_expires_on)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollX>
          <ListPager page={list.page} pageSize={list.pageSize} total={list.total} />
        </>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

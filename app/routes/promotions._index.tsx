import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { CodeFilter, FilterBar, SearchFilter } from "~/components/filters";
import { ListHeader, ListTable, Th, ListEmpty } from "~/components/list";
import { PromotionStateBadge } from "~/components/promotions";
import { useTermsText } from "~/components/promotion-terms";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { MECHANISMS, PROMOTION_STATES } from "~/modules/promotions/promotions.schema";
import { PromotionListQuery } from "~/modules/promotions/promotions.schema.server";
import { exportPromotions, listPromotions } from "~/modules/promotions/promotions.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { pageMeta } from "~/utils/meta";
import { withLoader } from "~/utils/route";

export const meta = pageMeta("promotions.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "promotion:read");
  const query = parseQuery(request, PromotionListQuery);
  if (query.format === "csv")
    return csvResponse(
      "promotions.csv",
      [
        "code",
        "name_en",
        "name_zh",
        "mechanism",
        "discount_kind",
        "discount_bp",
        "discount_minor",
        "rebate_bp",
        "rebate_basis",
        "starts_on",
        "ends_on",
        "state",
      ],
      exportPromotions(actor, query),
    );
  return json({ ...(await listPromotions(actor, query)), query });
});

export default function Promotions() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const terms = useTermsText();
  const filtered = Boolean(data.query.q || data.query.state || data.query.mechanism);
  return (
    <div>
      <ListHeader title={t("promotions.title")} create={data.canManage && { to: "/admin/promotions/new", label: t("promotions.new") }} />
      <p className="mb-4 text-sm text-slate-600">{t("promotions.intro")}</p>
      <FilterBar resetTo="/promotions" className="mb-4 sm:grid-cols-5">
        <SearchFilter value={data.query.q} placeholder={t("promotions.searchPlaceholder")} />
        <CodeFilter name="state" label={t("promotions.state")} value={data.query.state} codes={PROMOTION_STATES} labels="promotions.state" />
        <CodeFilter name="mechanism" label={t("promotions.mechanism")} value={data.query.mechanism} codes={MECHANISMS} labels="promotions.mechanism" />
      </FilterBar>
      <ListTable
        pager={data}
        testId="promotions-table"
        empty={
          data.rows.length === 0 && (
            <ListEmpty
              message={filtered || !data.canManage ? t("promotions.empty") : t("promotions.emptyAdmin")}
              create={data.canManage && !filtered && { to: "/admin/promotions/new", label: t("promotions.new") }}
            />
          )
        }
        head={
          <>
            <Th>{t("promotions.col.promotion")}</Th>
            <Th>{t("promotions.col.terms")}</Th>
            <Th>{t("promotions.col.window")}</Th>
            <Th>{t("promotions.state")}</Th>
          </>
        }
      >
        {data.rows.map((p) => (
          <tr key={p.id}>
            <td className="wrap">
              <Link className="link font-medium" to={`/promotions/${p.id}`}>
                {p.code}
              </Link>
              <div className="text-sm">{locale === "zh-CN" ? p.name_zh : p.name_en}</div>
            </td>
            <td className="wrap text-sm">{terms(p)}</td>
            <td className="text-sm">
              {f.date(p.starts_on)} – {f.date(p.ends_on)}
            </td>
            <td>
              <PromotionStateBadge state={p.state} />
            </td>
          </tr>
        ))}
      </ListTable>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

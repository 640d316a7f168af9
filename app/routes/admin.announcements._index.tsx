import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { ListTable, ListHeader, Th, ListEmpty } from "~/components/list";
import { STATE_TONE } from "~/components/notifications";
import { Badge } from "~/components/ui/layout";
import type { MessageKey } from "~/i18n";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { exportAnnouncements, listAnnouncements } from "~/modules/announcements/announcements.server";
import { ANNOUNCEMENT_KINDS, ANNOUNCEMENT_STATES } from "~/modules/announcements/announcements.schema";
import { AnnouncementListQuery } from "~/modules/announcements/announcements.schema.server";
import { requireActor } from "~/modules/auth/auth.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { CodeFilter, FilterBar, SearchFilter } from "~/components/filters";

export const meta = pageMeta("announcements.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "announcement:manage");
  const query = parseQuery(request, AnnouncementListQuery);
  if (query.format === "csv")
    return csvResponse(
      "announcements.csv",
      ["id", "kind", "state", "title_en", "title_zh", "regions", "tiers", "skus", "starts_at", "ends_at"],
      exportAnnouncements(actor, query),
    );
  return json({ ...(await listAnnouncements(actor, query)), query });
});

export default function Announcements() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  return (
    <div>
      <ListHeader title={t("announcements.title")} create={{ to: "/admin/announcements/new", label: t("announcements.new") }} />
      <FilterBar resetTo="/admin/announcements" className="mb-4 sm:grid-cols-5">
        <SearchFilter value={data.query.q} placeholder={t("announcements.searchPlaceholder")} />
        <CodeFilter name="kind" label={t("announcements.kind")} value={data.query.kind} codes={ANNOUNCEMENT_KINDS} labels="announcements.kind" />
        <CodeFilter name="state" label={t("announcements.state")} value={data.query.state} codes={ANNOUNCEMENT_STATES} labels="announcements.state" />
      </FilterBar>
      <ListTable
        pager={data}
        empty={
          data.rows.length === 0 && <ListEmpty message={t("announcements.empty")} create={{ to: "/admin/announcements/new", label: t("announcements.new") }} />
        }
        testId="announcements-table"
        head={
          <>
            <Th>{t("announcements.col.title")}</Th>
            <Th>{t("announcements.kind")}</Th>
            <Th>{t("announcements.state")}</Th>
            <Th>{t("announcements.col.window")}</Th>
            <Th>{t("announcements.col.audience")}</Th>
          </>
        }
      >
        {data.rows.map((a) => (
          <tr key={a.id}>
            <td className="max-w-md">
              <Link className="link" to={`/admin/announcements/${a.id}`}>
                {locale === "zh-CN" ? a.title_zh : a.title_en}
              </Link>
              <div className="text-xs text-slate-500">{locale === "zh-CN" ? a.title_en : a.title_zh}</div>
            </td>
            <td>{t(`announcements.kind.${a.kind}` as MessageKey)}</td>
            <td>
              <Badge tone={STATE_TONE[a.state]}>{t(`announcements.state.${a.state}`)}</Badge>
            </td>
            <td className="whitespace-nowrap text-sm">
              {f.dateTime(a.starts_at)} – {a.ends_at ? f.dateTime(a.ends_at) : "∞"}
            </td>
            <td className="text-sm">
              <div>{a.regions.length ? f.list(a.regions.map((r) => t(`region.${r}` as MessageKey))) : t("announcements.allRegions")}</div>
              <div className="text-xs text-slate-500">
                {a.tiers.length ? f.list(a.tiers.map((r) => t(`tier.${r}` as MessageKey))) : t("announcements.allTiers")}
              </div>
            </td>
          </tr>
        ))}
      </ListTable>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

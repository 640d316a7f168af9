import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { ListTable, ListHeader, Th, ListEmpty } from "~/components/list";
import { Badge } from "~/components/ui/layout";
import { useFormat, useT } from "~/i18n/react";
import { isDealerActor } from "~/modules/auth/actor";
import { requireActor } from "~/modules/auth/auth.server";
import { ROLES } from "~/modules/auth/permissions";
import { exportUsers, listUsers } from "~/modules/organisations/organisations.server";
import { UserListQuery } from "~/modules/organisations/organisations.schema.server";
import { csvResponse, parseQuery } from "~/utils/http.server";
import { withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { FilterBar, FilterSelect, SearchFilter } from "~/components/filters";

export const meta = pageMeta("users.title");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "user:manage");
  const query = parseQuery(request, UserListQuery);
  if (query.format === "csv")
    return csvResponse("users.csv", ["organisation", "name", "email", "role", "locale", "status", "last_login_at"], exportUsers(actor, query));
  const result = await listUsers(actor, query);
  return json({ ...result, query, isAdmin: !isDealerActor(actor) });
});

export default function Users() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat();
  return (
    <div>
      <ListHeader title={t("users.title")} create={{ to: "/admin/users/new", label: t("users.new") }} />
      <FilterBar resetTo="/admin/users" className="mb-4 sm:grid-cols-4">
        <SearchFilter value={data.query.q} placeholder={t("users.searchPlaceholder")} />
        <FilterSelect
          name="role"
          label={t("common.role")}
          defaultValue={data.query.role}
          all
          options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
        />
      </FilterBar>
      <ListTable
        pager={data}
        empty={data.rows.length === 0 && <ListEmpty message={t("users.empty")} />}
        head={
          <>
            <Th>{t("common.name")}</Th>
            <Th>{t("common.email")}</Th>
            <Th>{t("common.role")}</Th>
            {data.isAdmin ? <Th>{t("users.organisation")}</Th> : null}
            <Th>{t("common.status")}</Th>
            <Th>{t("users.lastLogin")}</Th>
          </>
        }
      >
        {data.rows.map((u) => (
          <tr key={u.id}>
            <td>
              <Link className="link" to={`/admin/users/${u.id}`}>
                {u.name}
              </Link>
            </td>
            <td>{u.email}</td>
            <td>{t(`role.${u.role}` as "role.admin")}</td>
            {data.isAdmin ? (
              <td>
                {u.organisation_code} · {u.organisation_name}
              </td>
            ) : null}
            <td>
              <Badge tone={u.status === "active" ? "green" : "slate"}>{t(`status.${u.status}` as "status.active")}</Badge>
            </td>
            <td>{f.dateTime(u.last_login_at)}</td>
          </tr>
        ))}
      </ListTable>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

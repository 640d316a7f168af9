import { useLocation } from "@remix-run/react";
import type { ReactNode } from "react";
import { Link } from "~/components/link";
import { Pager, csvHref } from "~/components/ui/pager";
import { ScrollX } from "~/components/ui/scroll-x";
import { useT } from "~/i18n/react";

export function ListPager({ page, pageSize, total }: { page: number; pageSize: number; total: number }) {
  const t = useT();
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <Pager
      page={page}
      pageSize={pageSize}
      total={total}
      labels={{ label: t("pager.label"), prev: t("pager.prev"), next: t("pager.next"), summary: t("pager.summary", { from, to, total }) }}
    />
  );
}

export function CsvLink() {
  const t = useT();
  const location = useLocation();
  return (
    <Link className="btn-secondary" to={csvHref(location.search, location.pathname)} reloadDocument>
      {t("common.exportCsv")}
    </Link>
  );
}

/**
 * A list page's table in a card that scrolls sideways: `head` holds the header cells, the children
 * the rows. `empty`, when given (the list's empty state), stands instead of the table.
 */
export function ListTable({ head, children, empty, testId }: { head: ReactNode; children: ReactNode; empty?: ReactNode; testId?: string }) {
  if (empty) return <>{empty}</>;
  return (
    <ScrollX className="card p-0">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>{head}</tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </ScrollX>
  );
}

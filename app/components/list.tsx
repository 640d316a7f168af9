import { useLocation } from "@remix-run/react";
import { Link } from "~/components/link";
import { Pager, csvHref } from "~/components/ui/pager";
import { useT } from "~/i18n/react";

export function ListPager({ page, pageSize, total }: { page: number; pageSize: number; total: number }) {
  const t = useT();
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return <Pager page={page} pageSize={pageSize} total={total} labels={{ label: t("pager.label"), prev: t("pager.prev"), next: t("pager.next"), summary: t("pager.summary", { from, to, total }) }} />;
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

import { useLocation } from "@remix-run/react";
import { Link } from "~/components/link";

type Labels = { label: string; prev: string; next: string; summary: string };

/** Server-side pagination links that keep every other query parameter. */
export function Pager({ page, pageSize, total, labels }: { page: number; pageSize: number; total: number; labels: Labels }) {
  const location = useLocation();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const href = (p: number) => {
    const sp = new URLSearchParams(location.search);
    sp.set("page", String(p));
    return `${location.pathname}?${sp.toString()}`;
  };
  return (
    <nav aria-label={labels.label} className="mt-4 flex items-center justify-between text-sm text-slate-600">
      <span>{labels.summary}</span>
      <span className="flex gap-2">
        {page > 1 ? (
          <Link className="btn-secondary" to={href(page - 1)} rel="prev">
            {labels.prev}
          </Link>
        ) : null}
        {page < pages ? (
          <Link className="btn-secondary" to={href(page + 1)} rel="next">
            {labels.next}
          </Link>
        ) : null}
      </span>
    </nav>
  );
}

export function csvHref(search: string, pathname: string): string {
  const sp = new URLSearchParams(search);
  sp.delete("page");
  sp.set("format", "csv");
  return `${pathname}?${sp.toString()}`;
}

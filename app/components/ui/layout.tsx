import { Link } from "~/components/link";
import type { ReactNode } from "react";
import { useT } from "~/i18n/react";

export type Crumb = { label: string; to?: string };

/** `titleLang`: the title is a record's text in another language than the page (an email's subject). */
export function PageHeader({ title, titleLang, crumbs, actions }: { title: string; titleLang?: string; crumbs?: Crumb[]; actions?: ReactNode }) {
  const t = useT();
  return (
    <div className="mb-6">
      {crumbs && crumbs.length ? (
        <nav aria-label={t("nav.breadcrumb")} className="mb-2 text-sm text-slate-500">
          <ol className="flex flex-wrap items-center gap-1">
            {crumbs.map((c, i) => (
              <li key={i} className="flex items-center gap-1">
                {i > 0 ? <span aria-hidden="true">/</span> : null}
                {c.to ? (
                  <Link to={c.to} className="link">
                    {c.label}
                  </Link>
                ) : (
                  <span aria-current="page">{c.label}</span>
                )}
              </li>
            ))}
          </ol>
        </nav>
      ) : null}
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight" lang={titleLang}>
          {title}
        </h1>
        {actions ? <div className="flex flex-wrap gap-2">{actions}</div> : null}
      </div>
    </div>
  );
}

export function Stat({ label, value, to, hint }: { label: string; value: ReactNode; to?: string; hint?: string }) {
  const body = (
    <>
      <div className="text-sm text-slate-500">{label}</div>
      <div className="mt-1 text-2xl font-semibold">{value}</div>
      {hint ? <div className="mt-1 text-xs text-slate-500">{hint}</div> : null}
    </>
  );
  return to ? (
    <Link to={to} className="card block hover:border-brand-500">
      {body}
    </Link>
  ) : (
    <div className="card">{body}</div>
  );
}

export function EmptyState({ message, action }: { message: string; action?: ReactNode }) {
  return (
    <div className="card flex flex-col items-start gap-3 text-sm text-slate-600">
      <p>{message}</p>
      {action}
    </div>
  );
}

const BADGE: Record<string, string> = {
  green: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  red: "bg-red-50 text-red-700 ring-red-600/20",
  amber: "bg-amber-50 text-amber-800 ring-amber-600/20",
  blue: "bg-brand-50 text-brand-700 ring-brand-600/20",
  slate: "bg-slate-100 text-slate-700 ring-slate-500/20",
};
export type BadgeTone = keyof typeof BADGE;
/** The class of a badge (also used by markup built as a string, app/utils/html.ts). */
export function badgeClass(tone: BadgeTone = "slate"): string {
  return `inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${BADGE[tone]}`;
}
export function Badge({ children, tone = "slate" }: { children: ReactNode; tone?: BadgeTone }) {
  return <span className={badgeClass(tone)}>{children}</span>;
}

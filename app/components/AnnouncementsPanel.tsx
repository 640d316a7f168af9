import { Link } from "~/components/link";
import { Badge } from "~/components/ui/layout";
import type { MessageKey } from "~/i18n";
import { useFormat, useT } from "~/i18n/react";

export type AnnouncementItem = { id: number; kind: string; title: string; body: string; skus: string[]; endsAt: string | Date | null };

const KIND_TONE: Record<string, "blue" | "amber" | "green"> = { announcement: "blue", promotion: "amber", product_news: "green" };

/** Announcements, promotions and product news for a dealer's dashboard. */
export function AnnouncementsPanel({ items }: { items: AnnouncementItem[] }) {
  const t = useT();
  const f = useFormat();
  return (
    <section className="mt-8" aria-labelledby="announcements-heading" id="announcements" data-testid="announcements">
      <h2 id="announcements-heading" className="mb-3 text-lg font-semibold">
        {t("announcements.dashboard")}
      </h2>
      {items.length === 0 ? (
        <p className="card text-sm text-slate-600">{t("announcements.dashboardEmpty")}</p>
      ) : (
        <ul className="space-y-3">
          {items.map((a) => (
            <li key={a.id} id={`announcement-${a.id}`} className="card space-y-2">
              <div className="flex flex-wrap items-center gap-2">
                <Badge tone={KIND_TONE[a.kind] ?? "slate"}>{t(`announcements.kind.${a.kind}` as MessageKey)}</Badge>
                <h3 className="font-semibold">{a.title}</h3>
                {a.endsAt ? <span className="text-xs text-slate-500">{t("announcements.until", { date: f.dateTime(a.endsAt) })}</span> : null}
              </div>
              <p className="whitespace-pre-wrap text-sm text-slate-700">{a.body}</p>
              {a.skus.length ? (
                <p className="flex flex-wrap items-center gap-2 text-sm">
                  <span className="text-slate-500">{t("announcements.products")}:</span>
                  {a.skus.map((s) => (
                    <Link key={s} to={`/products/${encodeURIComponent(s)}`} className="link">
                      {s}
                    </Link>
                  ))}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

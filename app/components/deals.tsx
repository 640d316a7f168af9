/** Presentational pieces of the deals area (no data access). */
import { Link } from "~/components/link";
import { Badge } from "~/components/ui/layout";
import { useT } from "~/i18n/react";

const STAGE_TONE: Record<string, "green" | "red" | "amber" | "blue" | "slate"> = {
  registered: "blue",
  conflict: "amber",
  approved: "green",
  negotiating: "blue",
  quoted: "blue",
  won: "green",
  lost: "slate",
  rejected: "red",
  expired: "slate",
};

export function StageBadge({ stage }: { stage: string }) {
  const t = useT();
  return <Badge tone={STAGE_TONE[stage] ?? "slate"}>{t(`deals.stage.${stage}` as "deals.stage.registered")}</Badge>;
}

/** A deal as a list names it: a link to its page reading "#id title". */
export function DealLink({ deal }: { deal: { id: number; title: string } }) {
  return (
    <Link className="link" to={`/deals/${deal.id}`}>
      #{deal.id} {deal.title}
    </Link>
  );
}

const QUOTE_TONE: Record<string, "green" | "red" | "amber" | "blue" | "slate"> = {
  draft: "slate",
  pending_approval: "amber",
  proposed: "blue",
  accepted: "green",
  revision_requested: "amber",
  expired: "red",
  superseded: "slate",
  converted: "green",
};

export function QuoteBadge({ status }: { status: string }) {
  const t = useT();
  return <Badge tone={QUOTE_TONE[status] ?? "slate"}>{t(`quotes.status.${status}` as "quotes.status.draft")}</Badge>;
}

/** Basis points as a percentage with two decimals (integer math: 1234 bp → "12.34 %"). */
export function bpText(bp: number): string {
  const neg = bp < 0;
  const a = Math.abs(bp);
  return `${neg ? "-" : ""}${Math.floor(a / 100)}.${String(a % 100).padStart(2, "0")} %`;
}

/** A simple server-rendered horizontal bar chart (SVG) with an accessible data table fallback. */
export function BarChart({ rows, label }: { rows: { key: string; label: string; value: number; text: string; sub?: string }[]; label: string }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const rowH = 30;
  const labelW = 150;
  const barW = 420;
  const h = rows.length * rowH + 8;
  return (
    <svg role="img" aria-label={label} viewBox={`0 0 ${labelW + barW + 190} ${h}`} className="w-full max-w-3xl" data-testid="pipeline-chart">
      {rows.map((r, i) => {
        const w = Math.round((r.value / max) * barW);
        const y = i * rowH + 4;
        return (
          <g key={r.key}>
            <text x={labelW - 8} y={y + 17} textAnchor="end" className="fill-slate-700" fontSize="13">
              {r.label}
            </text>
            <rect x={labelW} y={y + 3} width={Math.max(w, r.value > 0 ? 2 : 0)} height={rowH - 10} rx="3" className="fill-brand-500" />
            <text x={labelW + Math.max(w, 0) + 8} y={y + 17} fontSize="12" className="fill-slate-600">
              {r.text}
              {r.sub ? ` · ${r.sub}` : ""}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/**
 * Charts rendered on the server as SVG: they show without JavaScript, carry a
 * <title> and <desc> for assistive technology, scale to the container (phone
 * included) and come with a data-table fallback. Presentational only: callers
 * pass translated labels and formatted values.
 */
import { useId } from "react";
import { ScrollX } from "~/components/ui/scroll-x";

export type Datum = { label: string; value: number; display?: string; href?: string };

type Common = { title: string; description: string; tableLabel: string; valueLabel: string; emptyLabel: string };

const PALETTE = ["#1d6fd8", "#0f9d76", "#e0a100", "#d9480f", "#7048e8", "#c2255c", "#1098ad", "#5c940d"];

function DataTable({ caption, data, labelHeader, valueHeader }: { caption: string; data: Datum[]; labelHeader: string; valueHeader: string }) {
  return (
    <details className="mt-2 text-sm">
      <summary className="cursor-pointer text-slate-600">{caption}</summary>
      <ScrollX>
        <table className="table mt-2">
          <thead>
            <tr>
              <th scope="col">{labelHeader}</th>
              <th scope="col" className="text-right">
                {valueHeader}
              </th>
            </tr>
          </thead>
          <tbody>
            {data.map((d, i) => (
              <tr key={i}>
                <td>
                  {d.href ? (
                    <a href={d.href} className="link">
                      {d.label}
                    </a>
                  ) : (
                    d.label
                  )}
                </td>
                <td className="text-right tabular-nums">{d.display ?? String(d.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollX>
    </details>
  );
}

/**
 * Horizontal bars: categories with long names (stages, dealers, products). Drawn in HTML, not SVG, so the labels
 * keep their size and wrap nowhere on a phone: one grid (label | bar track | value) whose rows share columns
 * (subgrid), so every bar is measured on the same track. With links, each row is a link named by its visible
 * label and value, and the chart a labelled group of them; without, one labelled image.
 */
export function BarChart({ title, description, tableLabel, valueLabel, emptyLabel, data, labelHeader }: Common & { data: Datum[]; labelHeader: string }) {
  const id = useId();
  const max = Math.max(0, ...data.map((d) => d.value));
  if (data.length === 0 || max === 0) {
    return (
      <figure className="w-full">
        <p className="py-3 text-sm text-slate-500" role="img" aria-label={`${title}: ${emptyLabel}`}>
          {emptyLabel}
        </p>
        <DataTable caption={tableLabel} data={data} labelHeader={labelHeader} valueHeader={valueLabel} />
      </figure>
    );
  }
  const linked = data.some((d) => d.href);
  return (
    <figure className="w-full">
      <div
        role={linked ? "group" : "img"}
        aria-labelledby={`${id}-t ${id}-d`}
        data-chart="bar"
        className="grid max-w-2xl grid-cols-[minmax(0,11rem)_minmax(3rem,1fr)_auto] items-center gap-x-2 gap-y-1 text-sm"
      >
        <span id={`${id}-t`} className="sr-only">
          {title}
        </span>
        <span id={`${id}-d`} className="sr-only">
          {description}
        </span>
        {data.map((d, i) => {
          const pct = d.value > 0 ? Math.max(1, Math.round((d.value / max) * 1000) / 10) : 0;
          const cells = (
            <>
              <span className="truncate text-right text-slate-700" title={d.label}>
                {d.label}
              </span>
              <span className="h-4" aria-hidden="true">
                <span className="block h-full rounded-sm" style={{ width: `${pct}%`, background: PALETTE[0] }} data-bar-pct={pct} />
              </span>
              <span className="whitespace-nowrap text-xs tabular-nums text-slate-900">{d.display ?? String(d.value)}</span>
            </>
          );
          return d.href ? (
            <a key={i} href={d.href} className="col-span-full grid grid-cols-subgrid items-center rounded py-0.5 hover:bg-slate-50 focus-visible:bg-slate-50">
              {cells}
            </a>
          ) : (
            <div key={i} className="col-span-full grid grid-cols-subgrid items-center py-0.5">
              {cells}
            </div>
          );
        })}
      </div>
      <DataTable caption={tableLabel} data={data} labelHeader={labelHeader} valueHeader={valueLabel} />
    </figure>
  );
}

export type Series = { name: string; values: number[]; displays?: string[] };

/** Vertical columns over time (months), one or more series side by side. */
export function ColumnChart({
  title,
  description,
  tableLabel,
  valueLabel,
  emptyLabel,
  categories,
  series,
  labelHeader,
}: Common & { categories: string[]; series: Series[]; labelHeader: string }) {
  const id = useId();
  const width = 600;
  const height = 240;
  const pad = { top: 16, right: 8, bottom: 36, left: 8 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  const groupW = categories.length ? plotW / categories.length : plotW;
  const barW = Math.max(4, (groupW * 0.7) / Math.max(1, series.length));
  const rows: Datum[] = categories.flatMap((c, ci) =>
    series.map((s) => ({ label: series.length > 1 ? `${c} · ${s.name}` : c, value: s.values[ci] ?? 0, display: s.displays?.[ci] })),
  );
  if (max === 0) {
    return (
      <figure className="w-full">
        <p className="py-3 text-sm text-slate-500" role="img" aria-label={`${title}: ${emptyLabel}`}>
          {emptyLabel}
        </p>
        <DataTable caption={tableLabel} data={rows} labelHeader={labelHeader} valueHeader={valueLabel} />
      </figure>
    );
  }
  return (
    <figure className="w-full">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby={`${id}-t ${id}-d`} className="max-w-3xl">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{description}</desc>
        <line x1={pad.left} x2={width - pad.right} y1={pad.top + plotH} y2={pad.top + plotH} stroke="#cbd5e1" />
        {categories.map((c, ci) => {
          const gx = pad.left + ci * groupW + (groupW - barW * series.length) / 2;
          return (
            <g key={ci}>
              {series.map((s, si) => {
                const v = s.values[ci] ?? 0;
                const h = max > 0 ? Math.round((v / max) * (plotH - 14)) : 0;
                return (
                  <rect key={si} x={gx + si * barW} y={pad.top + plotH - h} width={barW - 2} height={h} rx={2} fill={PALETTE[si % PALETTE.length]}>
                    <title>{`${c} · ${s.name}: ${s.displays?.[ci] ?? v}`}</title>
                  </rect>
                );
              })}
              <text x={pad.left + ci * groupW + groupW / 2} y={height - pad.bottom + 18} fontSize={12} textAnchor="middle" fill="#475569">
                {c}
              </text>
            </g>
          );
        })}
      </svg>
      {series.length > 1 ? (
        <ul className="mt-1 flex flex-wrap gap-3 text-xs text-slate-600">
          {series.map((s, i) => (
            <li key={i} className="flex items-center gap-1">
              <svg width="10" height="10" aria-hidden="true">
                <rect width="10" height="10" fill={PALETTE[i % PALETTE.length]} />
              </svg>
              {s.name}
            </li>
          ))}
        </ul>
      ) : null}
      <DataTable caption={tableLabel} data={rows} labelHeader={labelHeader} valueHeader={valueLabel} />
    </figure>
  );
}

/** A single ratio (fill rate, on-time rate) as a labelled meter. */
export function RatioMeter({ label, ratio, display }: { label: string; ratio: number | null; display: string }) {
  const r = ratio === null ? 0 : Math.max(0, Math.min(1, ratio));
  return (
    <div>
      <div className="flex justify-between text-sm">
        <span className="text-slate-600">{label}</span>
        <span className="font-semibold tabular-nums">{display}</span>
      </div>
      <svg viewBox="0 0 100 6" width="100%" height="8" role="img" aria-label={`${label}: ${display}`} preserveAspectRatio="none">
        <rect width="100" height="6" rx="3" fill="#e2e8f0" />
        <rect width={Math.round(r * 100)} height="6" rx="3" fill={r >= 0.9 ? "#0f9d76" : r >= 0.7 ? "#e0a100" : "#d9480f"} />
      </svg>
    </div>
  );
}

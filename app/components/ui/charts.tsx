/**
 * Charts rendered on the server as SVG: they show without JavaScript, carry a
 * <title> and <desc> for assistive technology, scale to the container (phone
 * included) and come with a data-table fallback. Presentational only: callers
 * pass translated labels and formatted values.
 */
import { useId } from "react";
import { ScrollX } from "~/components/ui/scroll-x";

/**
 * A datum. `alert` is a short text ("Over limit", "Overdue") for a value that needs attention: its
 * bar is drawn in red with diagonal stripes and the text is printed beside its label, so the marking
 * never rests on colour alone.
 */
export type Datum = { label: string; value: number; display?: string; href?: string; alert?: string };

type Common = { title: string; description: string; tableLabel: string; valueLabel: string; emptyLabel: string };

const PALETTE = ["#1d6fd8", "#0f9d76", "#e0a100", "#d9480f", "#7048e8", "#c2255c", "#1098ad", "#5c940d"];
/** Red with diagonal stripes: the alert fill (distinct in hue, in lightness and in texture). */
const ALERT_FILL = "repeating-linear-gradient(135deg, #b91c1c 0 4px, #f87171 4px 7px)";

/**
 * Round axis ticks from 0 up to at least `max`: steps of 1, 2 or 5 × 10ⁿ (never below `minStep`,
 * so counts never tick at 0.5), about `count` intervals. The last tick is the axis's end.
 */
export function niceTicks(max: number, count = 4, minStep = 1): number[] {
  if (!(max > 0)) return [0];
  const rough = max / count;
  const mag = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(minStep, [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= rough - 1e-9) ?? 10 * mag);
  const ticks: number[] = [];
  for (let v = 0; v < max + step - 1e-9; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return ticks;
}

/**
 * A generous estimate of a text's width in SVG user units (no DOM to measure on the server):
 * CJK and other wide characters a full em, digits and letters 0.62 em, narrow marks less. It errs
 * wide, so space reserved with it never lets a label clip.
 */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (
      c >= 0x1100 &&
      (c <= 0x115f || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xffef))
    )
      em += 1;
    else if (/[.,:;'|!il1 ]/.test(ch)) em += 0.36;
    else if (/[MW@%¥$€£]/.test(ch)) em += 0.9;
    else em += 0.62;
  }
  return em * fontSize;
}

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
                  {d.alert ? <span className="ml-2 font-semibold text-red-700">{d.alert}</span> : null}
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

/** Where a tick's label sits on an HTML axis: the first starts at its tick, the last ends at it, the others centre on it. */
function tickShift(i: number, n: number): string {
  return i === 0 ? "0" : i === n - 1 ? "-100%" : "-50%";
}

/**
 * Horizontal bars: categories with long names (stages, dealers, products). Drawn in HTML, not SVG, so
 * the text keeps the page's size on a phone. Each row is its label and its value on one line (either
 * wraps, neither is ever cut off) over a full-width bar track; below the rows an axis with round
 * ticks (`formatValue`, in the reader's locale) on the same width as the tracks. `reference` draws a
 * dashed line across the tracks at a value (the credit limit, 100 %), named under the axis.
 * With links, each row is a link named by its visible text, and the chart a labelled group of them;
 * without, one labelled image.
 */
export function BarChart({
  title,
  description,
  tableLabel,
  valueLabel,
  emptyLabel,
  data,
  labelHeader,
  formatValue = String,
  reference,
}: Common & {
  data: Datum[];
  labelHeader: string;
  /** An axis tick as the reader reads values (money, percent, count), short. */
  formatValue?: (v: number) => string;
  reference?: { value: number; label: string };
}) {
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
  const ticks = niceTicks(Math.max(max, reference?.value ?? 0));
  const end = ticks[ticks.length - 1]!;
  const at = (v: number) => Math.round((v / end) * 1000) / 10;
  const linked = data.some((d) => d.href);
  return (
    <figure className="w-full">
      <div role={linked ? "group" : "img"} aria-labelledby={`${id}-t ${id}-d`} data-chart="bar" className="max-w-2xl space-y-1.5 text-sm">
        <span id={`${id}-t`} className="sr-only">
          {title}
        </span>
        <span id={`${id}-d`} className="sr-only">
          {description}
        </span>
        {data.map((d, i) => {
          const pct = d.value > 0 ? Math.max(1, at(d.value)) : 0;
          const cells = (
            <>
              <span className="flex flex-wrap items-baseline justify-between gap-x-3">
                <span className="min-w-0 break-words text-slate-700">
                  {d.label}
                  {d.alert ? (
                    <span className="ml-2 inline-flex items-center gap-1 whitespace-nowrap rounded bg-red-50 px-1.5 text-xs font-semibold text-red-800 ring-1 ring-inset ring-red-600/30">
                      <span aria-hidden="true">▲</span>
                      {d.alert}
                    </span>
                  ) : null}
                </span>
                <span className="ml-auto break-words text-right text-xs tabular-nums text-slate-900" data-bar-value="">
                  {d.display ?? String(d.value)}
                </span>
              </span>
              <span className="relative mt-0.5 block h-3 rounded-sm bg-slate-100" aria-hidden="true">
                <span
                  className="block h-full rounded-sm"
                  style={{ width: `${pct}%`, background: d.alert ? ALERT_FILL : PALETTE[0] }}
                  data-bar-pct={pct}
                  data-alert={d.alert ? "" : undefined}
                />
                {reference ? (
                  <span className="absolute -bottom-0.5 -top-0.5 border-l-2 border-dashed border-slate-800" style={{ left: `${at(reference.value)}%` }} />
                ) : null}
              </span>
            </>
          );
          return d.href ? (
            <a key={i} href={d.href} className="block rounded py-0.5 hover:bg-slate-50 focus-visible:bg-slate-50">
              {cells}
            </a>
          ) : (
            <div key={i} className="py-0.5">
              {cells}
            </div>
          );
        })}
        <div className="relative h-5 border-t border-slate-300 text-xs tabular-nums text-slate-600" aria-hidden="true" data-axis="">
          {ticks.map((v, i) => (
            <span
              key={v}
              className="absolute top-0.5 whitespace-nowrap before:absolute before:-top-1 before:h-1 before:border-l before:border-slate-400 before:content-['']"
              style={{ left: `${at(v)}%`, transform: `translateX(${tickShift(i, ticks.length)})` }}
              data-tick={v}
            >
              {formatValue(v)}
            </span>
          ))}
        </div>
        {reference ? (
          <p className="flex items-center gap-1.5 text-xs text-slate-600" aria-hidden="true">
            <span className="inline-block h-3 border-l-2 border-dashed border-slate-800" />
            {reference.label}
          </p>
        ) : null}
      </div>
      <DataTable caption={tableLabel} data={data} labelHeader={labelHeader} valueHeader={valueLabel} />
    </figure>
  );
}

export type Series = { name: string; values: number[]; displays?: string[] };

type Layout = { width: number; height: number; fontSize: number; tickCount: number };
/** Wide screens, and phones: a narrower drawing with larger text, so a 390 px screen shows it near 12 px. */
const WIDE: Layout = { width: 640, height: 260, fontSize: 12, tickCount: 4 };
const NARROW: Layout = { width: 340, height: 240, fontSize: 13, tickCount: 3 };

/** One drawing of a column chart, every label placed inside the viewBox (space reserved by textWidth). */
export function columnLayout(categories: string[], series: Series[], formatValue: (v: number) => string, l: Layout) {
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  const ticks = niceTicks(max, l.tickCount);
  const end = ticks[ticks.length - 1]!;
  const tickLabels = ticks.map(formatValue);
  const fs = l.fontSize;
  const pad = { top: fs, right: 4, bottom: fs * 2.2, left: Math.ceil(Math.max(...tickLabels.map((t) => textWidth(t, fs)))) + 8 };
  const plotW = l.width - pad.left - pad.right;
  const plotH = l.height - pad.top - pad.bottom;
  const groupW = categories.length ? plotW / categories.length : plotW;
  const barW = Math.max(3, (groupW * 0.72) / Math.max(1, series.length));
  const y = (v: number) => pad.top + plotH - (end > 0 ? (v / end) * plotH : 0);
  // Category labels: every `step`-th, so that none overlaps the next shown.
  const widest = Math.max(0, ...categories.map((c) => textWidth(c, fs)));
  const step = Math.max(1, Math.ceil((widest + fs * 0.6) / groupW));
  const xLabels = categories.flatMap((c, ci) => {
    if (ci % step !== 0) return [];
    const w = textWidth(c, fs);
    const cx = pad.left + ci * groupW + groupW / 2;
    // Kept inside the drawing at both ends.
    const x = Math.min(Math.max(cx, w / 2), l.width - w / 2);
    return [{ text: c, x, y: l.height - fs * 0.7, width: w }];
  });
  const yLabels = ticks.map((v, i) => ({ text: tickLabels[i]!, x: pad.left - 6, y: y(v) + fs * 0.35, width: textWidth(tickLabels[i]!, fs), value: v }));
  const bars = categories.flatMap((_c, ci) => {
    const gx = pad.left + ci * groupW + (groupW - barW * series.length) / 2;
    return series.map((s, si) => {
      const v = s.values[ci] ?? 0;
      const top = y(v);
      return { ci, si, x: gx + si * barW, y: top, width: Math.max(1, barW - 2), height: pad.top + plotH - top, value: v };
    });
  });
  return { ...l, pad, plotW, plotH, ticks, y, xLabels, yLabels, bars, max };
}

function ColumnSvg({
  id,
  title,
  description,
  categories,
  series,
  formatValue,
  layout,
  className,
}: {
  id: string;
  title: string;
  description: string;
  categories: string[];
  series: Series[];
  formatValue: (v: number) => string;
  layout: Layout;
  className: string;
}) {
  const g = columnLayout(categories, series, formatValue, layout);
  return (
    <svg viewBox={`0 0 ${g.width} ${g.height}`} width="100%" role="img" aria-labelledby={`${id}-t ${id}-d`} className={className} data-chart="column">
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{description}</desc>
      {g.yLabels.map((t) => (
        <g key={t.value}>
          <line x1={g.pad.left} x2={g.width - g.pad.right} y1={g.y(t.value)} y2={g.y(t.value)} stroke={t.value === 0 ? "#94a3b8" : "#e2e8f0"} />
          <text x={t.x} y={t.y} fontSize={g.fontSize} textAnchor="end" fill="#475569" data-tick={t.value}>
            {t.text}
          </text>
        </g>
      ))}
      {g.bars.map((b) => {
        const s = series[b.si]!;
        return (
          <rect key={`${b.ci}-${b.si}`} x={b.x} y={b.y} width={b.width} height={b.height} rx={2} fill={PALETTE[b.si % PALETTE.length]}>
            <title>{`${categories[b.ci]} · ${s.name}: ${s.displays?.[b.ci] ?? formatValue(b.value)}`}</title>
          </rect>
        );
      })}
      {g.xLabels.map((t) => (
        <text key={t.text} x={t.x} y={t.y} fontSize={g.fontSize} textAnchor="middle" fill="#475569">
          {t.text}
        </text>
      ))}
    </svg>
  );
}

/**
 * Vertical columns over time (months), one or more series side by side, over a value axis with round
 * ticks (`formatValue`, short: "¥150万"). Drawn twice: for wide screens, and narrower with larger text
 * for phones (CSS shows one), so the text stays readable at 390 px.
 */
export function ColumnChart({
  title,
  description,
  tableLabel,
  valueLabel,
  emptyLabel,
  categories,
  series,
  labelHeader,
  formatValue = String,
}: Common & { categories: string[]; series: Series[]; labelHeader: string; formatValue?: (v: number) => string }) {
  const id = useId();
  const max = Math.max(0, ...series.flatMap((s) => s.values));
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
  const common = { title, description, categories, series, formatValue };
  return (
    <figure className="w-full">
      <ColumnSvg id={`${id}w`} {...common} layout={WIDE} className="hidden max-w-3xl sm:block" />
      <ColumnSvg id={`${id}n`} {...common} layout={NARROW} className="sm:hidden" />
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

/**
 * A single ratio (fill rate, on-time rate, credit left) as a labelled meter. `alert` ("Over limit")
 * is printed beside the figure and the track is drawn red with stripes: not colour alone.
 */
export function RatioMeter({ label, ratio, display, alert }: { label: string; ratio: number | null; display: string; alert?: string }) {
  // A pattern's id inside url(#…): React's ids carry colons, kept out of it.
  const id = useId().replace(/:/g, "");
  const r = ratio === null ? 0 : Math.max(0, Math.min(1, ratio));
  return (
    <div>
      <div className="flex flex-wrap justify-between gap-x-2 text-sm">
        <span className="text-slate-600">{label}</span>
        <span className="font-semibold tabular-nums">
          {alert ? <span className="mr-2 text-xs font-semibold text-red-800">▲ {alert}</span> : null}
          {display}
        </span>
      </div>
      <svg viewBox="0 0 100 6" width="100%" height="8" role="img" aria-label={`${label}: ${alert ? `${alert}, ` : ""}${display}`} preserveAspectRatio="none">
        {alert ? (
          <>
            <defs>
              <pattern id={`${id}-alert`} width="3" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                <rect width="3" height="6" fill="#f87171" />
                <rect width="1.6" height="6" fill="#b91c1c" />
              </pattern>
            </defs>
            <rect width="100" height="6" rx="3" fill={`url(#${id}-alert)`} data-alert="" />
          </>
        ) : (
          <>
            <rect width="100" height="6" rx="3" fill="#e2e8f0" />
            <rect width={Math.round(r * 100)} height="6" rx="3" fill={r >= 0.9 ? "#0f9d76" : r >= 0.7 ? "#e0a100" : "#d9480f"} />
          </>
        )}
      </svg>
    </div>
  );
}

/**
 * Charts rendered on the server (HTML and CSS; SVG for the small meters): they
 * show without JavaScript, carry a title and a description for assistive
 * technology, take the container's width (phone included) with the page's text
 * size, and come with a data-table fallback. Presentational only: callers
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

/** The chart's name and description, read by assistive technology through `aria-labelledby="{id}-t {id}-d"`. */
function ChartNames({ id, title, description }: { id: string; title: string; description: string }) {
  return (
    <>
      <span id={`${id}-t`} className="sr-only">
        {title}
      </span>
      <span id={`${id}-d`} className="sr-only">
        {description}
      </span>
    </>
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
        <ChartNames id={id} title={title} description={description} />
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

/** The plot's height (phone, then wider screens): one class for the plot and its value axis. */
const PLOT_H = "h-40 sm:h-48";
/** Text size of the axes (Tailwind's text-xs). */
const AXIS_FONT = 12;
/**
 * The narrowest plot a chart gets (a 320 px phone, card and axis padding taken off) and the narrowest at
 * 640 px and up (half a two-column card row). Month labels are thinned so that none overlaps the next at
 * these widths or wider.
 */
const PLOT_MIN_PHONE = 220;
const PLOT_MIN_WIDE = 400;

/**
 * Where everything of a column chart goes, in percent of the plot (which is as wide as its container) and,
 * for the space text needs, in CSS pixels estimated by textWidth (which errs wide):
 * - the value axis: round ticks from 0 (`formatValue`), each at `pct` from the bottom;
 * - every bar: its height in percent, side by side per category;
 * - every category label: centred under its category, shown on every screen (`all`), only from 640 px
 *   (`wide`) or not at all (`none`), so that shown labels never overlap at the narrowest plot;
 * - the room the axis column and the right edge keep so that the first and last labels, which reach past
 *   their category's column, are never cut off.
 */
export function columnPlan(categories: string[], series: Series[], formatValue: (v: number) => string) {
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  const ticks = niceTicks(max, 4);
  const end = ticks[ticks.length - 1]!;
  const pct = (v: number) => (end > 0 ? Math.round((Math.max(0, v) / end) * 1000) / 10 : 0);
  const yTicks = ticks.map((v) => ({ value: v, text: formatValue(v), pct: pct(v) }));
  const axisWidth = Math.ceil(Math.max(...yTicks.map((t) => textWidth(t.text, AXIS_FONT)))) + 8;
  const n = Math.max(1, categories.length);
  const widths = categories.map((c) => textWidth(c, AXIS_FONT));
  const widest = Math.max(0, ...widths);
  const stepAt = (plotWidth: number) => Math.max(1, Math.ceil((widest + AXIS_FONT * 0.6) / (plotWidth / n)));
  const phoneStep = stepAt(PLOT_MIN_PHONE);
  const wideStep = stepAt(PLOT_MIN_WIDE);
  const labels = categories.map((text, i) => ({
    text,
    centre: Math.round(((i + 0.5) / n) * 1000) / 10,
    show: i % phoneStep === 0 ? ("all" as const) : i % wideStep === 0 ? ("wide" as const) : ("none" as const),
  }));
  // How far a shown label reaches past the plot: half its width less half a category, at the narrowest plot.
  const reach = (i: number) => Math.max(0, Math.ceil(widths[i]! / 2 - PLOT_MIN_PHONE / n / 2));
  const shown = labels.flatMap((l, i) => (l.show === "none" ? [] : [i]));
  const last = shown[shown.length - 1];
  const bars = categories.map((_c, ci) => series.map((s) => pct(s.values[ci] ?? 0)));
  return {
    max,
    yTicks,
    bars,
    labels,
    /** The value axis column: its labels, or the first category label's reach, whichever is wider. */
    axisWidth: Math.max(axisWidth, shown.length ? reach(shown[0]!) : 0),
    /** Room kept right of the plot for the last shown label. */
    padRight: last === undefined ? 0 : Math.max(0, Math.ceil(widths[last]! / 2 - (PLOT_MIN_PHONE / n) * (n - last - 0.5))),
    /** Each bar's width within its category, in percent: the series share 72 % of it. */
    barWidth: Math.round((72 / Math.max(1, series.length)) * 10) / 10,
  };
}

/**
 * Vertical columns over time (months), one or more series side by side, over a value axis with round
 * ticks (`formatValue`, short: "¥150万"). Drawn once, in HTML: the plot takes its container's width and
 * the text keeps the page's size on every screen; month labels are thinned on phones. Each column names
 * its month, series and value on hover; the data table below has every value.
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
  const rows: Datum[] = categories.flatMap((c, ci) =>
    series.map((s) => ({ label: series.length > 1 ? `${c} · ${s.name}` : c, value: s.values[ci] ?? 0, display: s.displays?.[ci] })),
  );
  const g = columnPlan(categories, series, formatValue);
  if (g.max === 0) {
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
      <div
        role="img"
        aria-labelledby={`${id}-t ${id}-d`}
        data-chart="column"
        className="grid max-w-3xl pt-2 text-xs tabular-nums text-slate-600"
        style={{ gridTemplateColumns: `${g.axisWidth}px minmax(0, 1fr)`, paddingRight: g.padRight }}
      >
        <ChartNames id={id} title={title} description={description} />
        <div className={`relative ${PLOT_H}`} aria-hidden="true">
          {g.yTicks.map((t) => (
            <span
              key={t.value}
              className="absolute right-1.5 translate-y-1/2 whitespace-nowrap leading-none"
              style={{ bottom: `${t.pct}%` }}
              data-tick={t.value}
            >
              {t.text}
            </span>
          ))}
        </div>
        <div className={`relative ${PLOT_H}`} aria-hidden="true">
          {g.yTicks.map((t) => (
            <span
              key={t.value}
              className={`absolute inset-x-0 border-t ${t.value === 0 ? "border-slate-400" : "border-slate-200"}`}
              style={{ bottom: `${t.pct}%` }}
            />
          ))}
          <div className="absolute inset-0 flex items-end">
            {g.bars.map((heights, ci) => (
              <div key={ci} className="flex h-full flex-1 items-end justify-center gap-px">
                {heights.map((h, si) => (
                  <span
                    key={si}
                    className="rounded-t-sm"
                    style={{ height: `${h}%`, width: `${g.barWidth}%`, background: PALETTE[si % PALETTE.length] }}
                    title={`${categories[ci]} · ${series[si]!.name}: ${series[si]!.displays?.[ci] ?? formatValue(series[si]!.values[ci] ?? 0)}`}
                    data-bar=""
                  />
                ))}
              </div>
            ))}
          </div>
        </div>
        <div className="relative col-start-2 h-5" aria-hidden="true" data-axis="">
          {g.labels.map((l, i) =>
            l.show === "none" ? null : (
              <span
                key={i}
                className={`absolute top-1 -translate-x-1/2 whitespace-nowrap leading-none${l.show === "wide" ? " max-sm:hidden" : ""}`}
                style={{ left: `${l.centre}%` }}
                data-label=""
              >
                {l.text}
              </span>
            ),
          )}
        </div>
      </div>
      {series.length > 1 ? (
        <ul className="mt-1 flex flex-wrap gap-3 text-xs text-slate-600">
          {series.map((s, i) => (
            <li key={i} className="flex items-center gap-1">
              <span className="inline-block h-2.5 w-2.5" style={{ background: PALETTE[i % PALETTE.length] }} aria-hidden="true" />
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

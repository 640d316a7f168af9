import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { BarChart, ColumnChart, RatioMeter, columnPlan, niceTicks, textWidth } from "./charts";

/** Well-formedness: every element opened inside the SVG is closed in order. */
function assertWellFormedSvg(html: string) {
  const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
  expect(svgs.length).toBeGreaterThan(0);
  for (const svg of svgs) {
    const stack: string[] = [];
    for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^>]*?)(\/?)>/g)) {
      const [, closing, name, , selfClosing] = m;
      if (selfClosing) continue;
      if (closing) expect(stack.pop()).toBe(name);
      else stack.push(name!);
    }
    expect(stack).toEqual([]);
  }
}

const labels = {
  title: "Orders by status",
  description: "Open orders per status this month",
  tableLabel: "Data table",
  valueLabel: "Orders",
  emptyLabel: "No data",
  labelHeader: "Status",
};

describe("server-rendered charts", () => {
  it("a bar chart is a labelled group of links (or one image) with a title, a description and a data table", () => {
    const html = renderToStaticMarkup(
      <BarChart
        {...labels}
        data={[
          { label: "Submitted", value: 3, href: "/orders?status=submitted" },
          { label: "Approved <b>", value: 7, display: "7 orders" },
        ]}
      />,
    );
    // With links, a labelled group of links named by their visible text (no control inside an image); without, one image.
    const ids = /<div role="group" aria-labelledby="([^" ]+) ([^"]+)" data-chart="bar"/.exec(html);
    expect(ids).not.toBeNull();
    expect(html).toContain(`id="${ids![1]}" class="sr-only">Orders by status</span>`);
    expect(html).toContain(`id="${ids![2]}" class="sr-only">Open orders per status this month</span>`);
    // The link's text is its label and its value; the bar inside is hidden from assistive technology.
    expect(html).toMatch(/<a href="\/orders\?status=submitted"[^>]*>.*>Submitted<\/span>.*>3<\/span><\/span><span class="[^"]*" aria-hidden="true">.*?<\/a>/);
    expect(renderToStaticMarkup(<BarChart {...labels} data={[{ label: "A", value: 1 }]} />)).toMatch(
      /<div role="img" aria-labelledby="[^"]+ [^"]+" data-chart="bar"/,
    );
    expect(html).toContain("<table");
    // User text is escaped, never markup.
    expect(html).toContain("Approved &lt;b&gt;");
    expect(html).not.toContain("<b>");
  });

  it("scales bars to the largest value and shows an empty state without data", () => {
    const html = renderToStaticMarkup(
      <BarChart
        {...labels}
        data={[
          { label: "A", value: 10 },
          { label: "B", value: 5 },
          { label: "C", value: 0 },
        ]}
      />,
    );
    // The axis ends on a round tick (10, the largest value here): bars are measured on it.
    const widths = [...html.matchAll(/data-bar-pct="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toEqual([100, 50, 0]);
    const empty = renderToStaticMarkup(<BarChart {...labels} data={[]} />);
    expect(empty).toContain("No data");
    expect(empty).toContain('aria-label="Orders by status: No data"');
  });

  it("a column chart draws every series per month once, with a legend and a table row per value", () => {
    const html = renderToStaticMarkup(
      <ColumnChart
        {...labels}
        categories={["2026-09", "2026-10", "2026-11"]}
        series={[
          { name: "Ordered", values: [5, 0, 8] },
          { name: "Shipped", values: [4, 1, 8], displays: ["4 units", "1 unit", "8 units"] },
        ]}
      />,
    );
    // One drawing: an image named by its title and description.
    expect(html.match(/data-chart="column"/g)).toHaveLength(1);
    const ids = /<div role="img" aria-labelledby="([^" ]+) ([^"]+)" data-chart="column"/.exec(html);
    expect(ids).not.toBeNull();
    expect(html).toContain(`<span id="${ids![1]}" class="sr-only">Orders by status</span>`);
    expect(html.match(/data-bar=""/g)).toHaveLength(6);
    // The tallest bar reaches the axis end (ticks 0, 2, … 8), the others in proportion; two series share 72 % of a month.
    expect(html).toContain('style="height:100%;width:36%;background:#1d6fd8" title="2026-11 · Ordered: 8"');
    expect(html).toContain('style="height:62.5%;width:36%;background:#1d6fd8" title="2026-09 · Ordered: 5"');
    expect(html).toContain('title="2026-10 · Shipped: 1 unit"');
    expect(html).not.toContain("<svg");
    expect((html.match(/<tr>/g) ?? []).length).toBe(1 + 6);
    expect(html).toContain("Ordered");
    expect(html).toContain("Shipped");
  });

  it("a ratio meter has an accessible label", () => {
    const html = renderToStaticMarkup(<RatioMeter label="On-time delivery" ratio={0.92} display="92%" />);
    assertWellFormedSvg(html);
    expect(html).toContain('aria-label="On-time delivery: 92%"');
  });

  it("axes tick at round values from zero to at least the largest value, never at fractions of a count", () => {
    expect(niceTicks(10)).toEqual([0, 5, 10]);
    expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(1)).toEqual([0, 1]);
    expect(niceTicks(195.5)).toEqual([0, 50, 100, 150, 200]);
    expect(niceTicks(1_734_500_00)).toEqual([0, 50_000_000, 100_000_000, 150_000_000, 200_000_000]);
    expect(niceTicks(0)).toEqual([0]);
    for (const max of [7, 42, 999, 12_345, 8_000_001]) {
      const t = niceTicks(max);
      expect(t[0]).toBe(0);
      expect(t[t.length - 1]).toBeGreaterThanOrEqual(max);
      const step = t[1]! - t[0]!;
      expect(String(step / 10 ** Math.floor(Math.log10(step)))).toMatch(/^(1|2|5)$/);
      expect(t.length).toBeLessThanOrEqual(6);
    }
  });

  it("a bar chart prints its ticks as the caller formats them, on the same scale as the bars", () => {
    const html = renderToStaticMarkup(
      <BarChart
        {...labels}
        data={[
          { label: "North", value: 150_000_00, display: "¥150,000.00" },
          { label: "East", value: 40_000_00, display: "¥40,000.00" },
        ]}
        formatValue={(v) => `¥${v / 1_000_000}万`}
      />,
    );
    const ticks = [...html.matchAll(/data-tick="(\d+)">([^<]+)</g)].map((m) => [Number(m[1]), m[2]]);
    expect(ticks).toEqual([
      [0, "¥0万"],
      [5_000_000, "¥5万"],
      [10_000_000, "¥10万"],
      [15_000_000, "¥15万"],
    ]);
    expect([...html.matchAll(/data-bar-pct="([\d.]+)"/g)].map((m) => Number(m[1]))).toEqual([100, 26.7]);
    // The last tick ends at the axis's end, the first starts at its start: neither hangs outside.
    expect(html).toMatch(/left:100%;transform:translateX\(-100%\)" data-tick="15000000"/);
    expect(html).toMatch(/left:0%;transform:translateX\(0\)" data-tick="0"/);
  });

  it("a long value label is never cut: it is printed whole, may wrap, and is not truncated or hidden", () => {
    const long = "195.5% · ¥1,734,500,000.00 / ¥887,000,000.00";
    const html = renderToStaticMarkup(<BarChart {...labels} data={[{ label: "D-0042 华东某某某某某某机电设备有限公司", value: 195.5, display: long }]} />);
    const value = /<span class="([^"]*)" data-bar-value="">([^<]*)<\/span>/.exec(html)!;
    expect(value[2]).toBe(long.replace(/&/g, "&amp;"));
    expect(value[1]).not.toMatch(/truncate|overflow-hidden|whitespace-nowrap|text-ellipsis/);
    expect(html).toContain("D-0042 华东某某某某某某机电设备有限公司");
    expect(html).not.toMatch(/class="[^"]*truncate/);
  });

  it("over the limit is marked by a text and a striped red bar, not colour alone; the table says it too", () => {
    const html = renderToStaticMarkup(
      <BarChart
        {...labels}
        data={[
          { label: "D-1 Healthy", value: 40, display: "40%" },
          { label: "D-2 Over", value: 195.5, display: "195.5%", alert: "Over limit" },
        ]}
        reference={{ value: 100, label: "Credit limit (100%)" }}
      />,
    );
    const rows = html.split("data-bar-pct").slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).not.toContain("data-alert");
    expect(rows[1]).toMatch(/^="[\d.]+" data-alert=""/);
    expect(html).toContain("repeating-linear-gradient(135deg, #b91c1c");
    expect((html.match(/Over limit/g) ?? []).length).toBe(2); // beside the label, and in the data table
    expect(html).toContain("Credit limit (100%)");
    // The reference line sits at 100 on an axis that runs to 200.
    expect(html).toContain("left:50%");
    const meter = renderToStaticMarkup(<RatioMeter label="Credit available" ratio={-0.2} display="0%" alert="Over limit" />);
    assertWellFormedSvg(meter);
    expect(meter).toContain('aria-label="Credit available: Over limit, 0%"');
    expect(meter).toContain("▲ Over limit");
    expect(meter).toMatch(/<pattern id="[^":]+-alert"/);
  });

  it("a column chart has a value axis with formatted ticks, and month labels that never overlap or reach past the chart", () => {
    const categories = ["2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"];
    const series = [
      { name: "Ordered", values: categories.map((_, i) => (i + 1) * 123_456_789_00) },
      { name: "Shipped", values: categories.map((_, i) => i * 98_765_432_00) },
    ];
    const fmt = (v: number) => `CN¥${(v / 100).toLocaleString("en")}`; // long on purpose
    const g = columnPlan(categories, series, fmt);
    expect(g.yTicks[0]).toEqual({ value: 0, text: "CN¥0", pct: 0 });
    expect(g.yTicks[g.yTicks.length - 1]!.pct).toBe(100);
    expect(g.yTicks[g.yTicks.length - 1]!.value).toBeGreaterThanOrEqual(g.max);
    // The axis column holds its widest label.
    for (const t of g.yTicks) expect(g.axisWidth).toBeGreaterThanOrEqual(textWidth(t.text, 12));
    expect(g.bars).toHaveLength(12);
    for (const b of g.bars) for (const h of b) expect(h).toBeLessThanOrEqual(100);
    // At every plot width from a 320 px phone's up (wide-only labels from 640 px screens), shown labels never overlap,
    // the first stays within the axis column and the last within the room kept on the right.
    for (const [plot, phone] of [
      [220, true],
      [300, true],
      [400, false],
      [700, false],
    ] as const) {
      const shown = g.labels.map((l, i) => ({ ...l, i, w: textWidth(l.text, 12) })).filter((l) => l.show === "all" || (l.show === "wide" && !phone));
      expect(shown.length).toBeGreaterThan(1);
      const span = shown.map((l) => ({ left: (l.centre / 100) * plot - l.w / 2, right: (l.centre / 100) * plot + l.w / 2 }));
      for (let i = 1; i < span.length; i++) expect(span[i]!.left).toBeGreaterThan(span[i - 1]!.right);
      expect(span[0]!.left).toBeGreaterThanOrEqual(-g.axisWidth);
      expect(span[span.length - 1]!.right).toBeLessThanOrEqual(plot + g.padRight);
    }
    // Thinner on phones than from 640 px.
    expect(g.labels.filter((l) => l.show === "all").length).toBeLessThan(g.labels.filter((l) => l.show !== "none").length);
    const html = renderToStaticMarkup(<ColumnChart {...labels} categories={categories.slice(0, 3)} series={series} formatValue={fmt} />);
    expect((html.match(/data-tick="0">CN¥0</g) ?? []).length).toBe(1);
  });

  it("estimates Chinese text as wider than Latin text of the same length", () => {
    expect(textWidth("华东经销商", 12)).toBe(60);
    expect(textWidth("North", 12)).toBeLessThan(textWidth("华东经销", 12));
  });
});

import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { BarChart, ColumnChart, RatioMeter } from "./charts";

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
    expect(html).toMatch(/<a href="\/orders\?status=submitted"[^>]*>.*Submitted.*3<\/span><\/a>/);
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
    const widths = [...html.matchAll(/data-bar-pct="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toEqual([100, 50, 0]);
    const empty = renderToStaticMarkup(<BarChart {...labels} data={[]} />);
    expect(empty).toContain("No data");
    expect(empty).toContain('aria-label="Orders by status: No data"');
  });

  it("a column chart draws every series per month with a legend and a table row per value", () => {
    const html = renderToStaticMarkup(
      <ColumnChart
        {...labels}
        categories={["2026-09", "2026-10", "2026-11"]}
        series={[
          { name: "Ordered", values: [5, 0, 8] },
          { name: "Shipped", values: [4, 1, 8] },
        ]}
      />,
    );
    assertWellFormedSvg(html);
    expect((html.match(/<tr>/g) ?? []).length).toBe(1 + 6);
    expect(html).toContain("Ordered");
    expect(html).toContain("Shipped");
  });

  it("a ratio meter has an accessible label", () => {
    const html = renderToStaticMarkup(<RatioMeter label="On-time delivery" ratio={0.92} display="92%" />);
    assertWellFormedSvg(html);
    expect(html).toContain('aria-label="On-time delivery: 92%"');
  });
});

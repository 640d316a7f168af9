import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Link } from "~/components/link";
import { ListTable, Th } from "~/components/list";
import { Badge } from "~/components/ui/layout";
import { formattersFor } from "~/i18n/react";
import { html, escapeHtml, SafeHtml } from "~/utils/html";
import { stockRowsHtml, type StockRowsContext, type StockRowView } from "./stock-rows";

const HOSTILE = `<img src=x onerror="alert('x')"> & </td></tr><script>alert(1)</script>`;

const rows: StockRowView[] = [
  {
    id: 1,
    sku: "AC-1000",
    name: HOSTILE,
    category_code: "AC",
    product_line_code: "L<1>",
    unit: `台"'`,
    currency: "CNY",
    status: "active",
    made_to_order: false,
    lead_time_days: null,
    price_minor: 1234567,
    byWarehouse: [0, 5, 1200],
    available: 1205,
    nextIncoming: { quantity: 30, eta: "2026-12-01" },
    promiseDate: "2026-11-23",
  },
  {
    id: 2,
    sku: "KIT_9.x-2",
    name: "定制 Kit",
    category_code: "KIT",
    product_line_code: "KIT",
    unit: "set",
    currency: "CNY",
    status: "discontinued",
    made_to_order: true,
    lead_time_days: 12,
    price_minor: 0,
    byWarehouse: [0, 0, 0],
    available: 0,
    nextIncoming: null,
    promiseDate: null,
  },
];

function context(locale: "en" | "zh-CN"): StockRowsContext {
  return {
    f: formattersFor(locale, "Asia/Shanghai"),
    categoryName: (c) => (c === "AC" ? `Air <b>con</b>` : c),
    lineName: (c) => c,
    checkHref: (sku) => `/stock?q=a%26b&category=AC&checkSku=${encodeURIComponent(sku)}#availability`,
    checkLabel: "Check",
    noPromise: "No date",
    discontinued: "Discontinued",
    mtoBadge: (days) => `Made to order · ${days} working days`,
    labels: {
      sku: "SKU",
      product: "Product",
      price: "Price",
      warehouses: WAREHOUSES,
      available: "Available",
      nextIncoming: "Next in",
      promiseDate: "Promise",
    },
  };
}

/** Warehouse column names, one hostile: a label is text in an attribute, never markup. */
const WAREHOUSES = ["WH-BJ North", `WH-"X" <b>`, "WH-SH East"];

/** The stock table's header as the page renders it: ListTable labels each row's cells from it. */
function head(c: StockRowsContext) {
  const l = c.labels;
  return (
    <>
      <Th>{l.sku}</Th>
      <Th>{l.product}</Th>
      <Th>{l.price}</Th>
      <Th>{l.available}</Th>
      <Th>{l.promiseDate}</Th>
      <Th>{l.nextIncoming}</Th>
      {WAREHOUSES.map((w) => (
        <Th key={w}>{w}</Th>
      ))}
    </>
  );
}

/** The reference rows inside ListTable, as React renders them: the `<tbody>`'s inner markup. */
function referenceBody(c: StockRowsContext): string {
  const markup = renderToStaticMarkup(<ListTable head={head(c)}>{ReactRows({ c })}</ListTable>);
  return /<tbody[^>]*>([\s\S]*)<\/tbody>/.exec(markup)![1]!;
}

/**
 * The rows as the page rendered them with React elements before decision 078: the reference. (Since decision 118
 * the product cell wraps, the key figures come before the warehouses with the check link under the promise date,
 * and ListTable gives every cell its column's label from the header.)
 */
function ReactRows({ c }: { c: StockRowsContext }) {
  const f = c.f;
  return (
    <>
      {rows.map((r) => (
        <tr key={r.id} data-sku={r.sku}>
          <td className="whitespace-nowrap font-mono text-xs">
            <Link className="link" to={`/products/${encodeURIComponent(r.sku)}`}>
              {r.sku}
            </Link>
          </td>
          <td className="wrap">
            <div className="font-medium">{r.name}</div>
            <div className="text-xs text-slate-500">{`${c.categoryName(r.category_code)} · ${c.lineName(r.product_line_code)}`}</div>
            {r.made_to_order || r.status === "discontinued" ? (
              <div className="mt-1 flex gap-1">
                {r.made_to_order ? <Badge tone="blue">{c.mtoBadge(r.lead_time_days ?? 0)}</Badge> : null}
                {r.status === "discontinued" ? <Badge tone="slate">{c.discontinued}</Badge> : null}
              </div>
            ) : null}
          </td>
          <td className="whitespace-nowrap text-right tabular-nums">
            {f.money(r.price_minor, r.currency)}
            <span className="block text-xs text-slate-500">{`/ ${r.unit}`}</span>
          </td>
          <td className="text-right font-semibold tabular-nums">{f.number(r.available)}</td>
          <td className="whitespace-nowrap">
            <span data-testid="promise-date">{r.promiseDate ? f.date(r.promiseDate) : c.noPromise}</span>
            <Link className="link block text-xs" to={c.checkHref(r.sku)}>
              {c.checkLabel}
            </Link>
          </td>
          <td className="whitespace-nowrap">{r.nextIncoming ? `${f.number(r.nextIncoming.quantity)} · ${f.date(r.nextIncoming.eta)}` : "—"}</td>
          {r.byWarehouse.map((n, i) => (
            <td key={i} className={n > 0 ? "num" : "num-0"}>
              {f.number(n)}
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

describe("the stock rows rendered as one string", () => {
  it.each(["en", "zh-CN"] as const)("are exactly the markup React renders for the same rows in ListTable (%s), hostile text included", (locale) => {
    const c = context(locale);
    const mine = stockRowsHtml(rows, c);
    expect(mine).toBe(referenceBody(c));
    // Every cell carries its column's name for the phone's cards, the hostile one as text.
    expect(mine).toContain('<td class="num-0" data-label="WH-BJ North">0</td>');
    expect(mine).toContain('data-label="WH-&quot;X&quot; &lt;b&gt;"');
    expect(mine).toContain('<td class="whitespace-nowrap" data-label="Promise"><span data-testid="promise-date">');
    // Nothing a product row holds becomes markup.
    expect(mine).not.toContain("<img");
    expect(mine).not.toContain("<script");
    expect(mine).not.toContain("<b>");
    expect(mine).toContain("&lt;img src=x onerror=&quot;alert(&#x27;x&#x27;)&quot;&gt; &amp; &lt;/td&gt;&lt;/tr&gt;&lt;script&gt;");
    expect(mine).toContain('href="/stock?q=a%26b&amp;category=AC&amp;checkSku=KIT_9.x-2#availability" data-nav=""');
    expect(mine.match(/<tr /g)).toHaveLength(2);
  });

  it("is empty for no rows", () => {
    expect(stockRowsHtml([], context("en"))).toBe("");
  });
});

describe("html``", () => {
  it("escapes every interpolated string and number, keeps SafeHtml and arrays of it, drops null, undefined and false", () => {
    const inner = html`<b>${"<i>"}</b>`;
    expect(inner.value).toBe("<b>&lt;i&gt;</b>");
    expect(html`<p title="${`"x' & y`}">${inner}${[html`<br>`, html`${7}`]}${null}${undefined}${false}</p>`.value).toBe(
      '<p title="&quot;x&#x27; &amp; y"><b>&lt;i&gt;</b><br>7</p>',
    );
    // A SafeHtml is only what html`` made: a plain string that looks like markup is text.
    expect(html`${"<b>bold</b>"}`.value).toBe("&lt;b&gt;bold&lt;/b&gt;");
    expect(new SafeHtml("<b>").toString()).toBe("<b>");
    expect(escapeHtml("plain 中文 text")).toBe("plain 中文 text");
    expect(escapeHtml("&&")).toBe("&amp;&amp;");
  });
});

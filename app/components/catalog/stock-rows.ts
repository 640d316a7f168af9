/**
 * The stock matrix's rows as one HTML string (decision 078): 25 rows × up to 40
 * warehouse columns is the largest element count of any page, and rendering it
 * element by element through React was the biggest single cost of the most
 * used search. The key figures (available, promise date with its check link, next incoming) come before the
 * per-warehouse columns, so they are in view while the warehouses scroll (decision 118). Every value is escaped by `html`; links are the same plain
 * `data-nav` anchors <Link> renders, so clicks still navigate client-side.
 */
import { badgeClass } from "~/components/ui/layout";
import type { Formatters } from "~/i18n/react";
import { escapeHtml, html, SafeHtml } from "~/utils/html";

export type StockRowView = {
  id: number;
  sku: string;
  name: string;
  category_code: string;
  product_line_code: string;
  unit: string;
  currency: string;
  status: string;
  made_to_order: boolean | number;
  lead_time_days: number | null;
  price_minor: number;
  byWarehouse: number[];
  available: number;
  nextIncoming: { quantity: number; eta: string } | null;
  promiseDate: string | null;
};

export type StockRowsContext = {
  f: Pick<Formatters, "money" | "number" | "date">;
  categoryName: (code: string) => string;
  lineName: (code: string) => string;
  checkHref: (sku: string) => string;
  checkLabel: string;
  noPromise: string;
  discontinued: string;
  mtoBadge: (days: number) => string;
  /** The header's column names, in column order (a phone shows them in each row's card; decision 118). */
  labels: StockColumnLabels;
};

export type StockColumnLabels = {
  sku: string;
  product: string;
  price: string;
  warehouses: readonly string[];
  available: string;
  nextIncoming: string;
  promiseDate: string;
};

function row(r: StockRowView, c: StockRowsContext): SafeHtml {
  const { f } = c;
  const badges =
    r.made_to_order || r.status === "discontinued"
      ? html`<div class="mt-1 flex gap-1">${r.made_to_order ? html`<span class="${badgeClass("blue")}">${c.mtoBadge(r.lead_time_days ?? 0)}</span>` : null}${r.status === "discontinued" ? html`<span class="${badgeClass("slate")}">${c.discontinued}</span>` : null}</div>`
      : null;
  // The warehouse cells, most of the page's markup, as one string: a constant class and an escaped number each.
  const l = c.labels;
  let cellsHtml = "";
  r.byWarehouse.forEach((n, i) => {
    cellsHtml += `<td class="${n > 0 ? "num" : "num-0"}" data-label="${escapeHtml(l.warehouses[i] ?? "")}">${escapeHtml(f.number(n))}</td>`;
  });
  const cells = new SafeHtml(cellsHtml);
  return html`<tr data-sku="${r.sku}"><td class="whitespace-nowrap font-mono text-xs" data-label="${l.sku}"><a href="${`/products/${encodeURIComponent(r.sku)}`}" data-nav="" class="link">${r.sku}</a></td><td class="wrap" data-label="${l.product}"><div class="font-medium">${r.name}</div><div class="text-xs text-slate-500">${`${c.categoryName(r.category_code)} · ${c.lineName(r.product_line_code)}`}</div>${badges}</td><td class="whitespace-nowrap text-right tabular-nums" data-label="${l.price}">${f.money(r.price_minor, r.currency)}<span class="block text-xs text-slate-500">${`/ ${r.unit}`}</span></td><td class="text-right font-semibold tabular-nums" data-label="${l.available}">${f.number(r.available)}</td><td class="whitespace-nowrap" data-label="${l.promiseDate}"><span data-testid="promise-date">${r.promiseDate ? f.date(r.promiseDate) : c.noPromise}</span><a href="${c.checkHref(r.sku)}" data-nav="" class="link block text-xs">${c.checkLabel}</a></td><td class="whitespace-nowrap" data-label="${l.nextIncoming}">${r.nextIncoming ? `${f.number(r.nextIncoming.quantity)} · ${f.date(r.nextIncoming.eta)}` : "—"}</td>${cells}</tr>`;
}

export function stockRowsHtml(rows: readonly StockRowView[], c: StockRowsContext): string {
  return html`${rows.map((r) => row(r, c))}`.value;
}

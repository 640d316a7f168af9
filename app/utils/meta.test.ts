import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { MetaArgs } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { metaLocale, pageMeta, pageTitle } from "./meta";

type OrderData = { order: { number: string | null } };
/** A loader's type, as a route's `typeof loader`. */
type OrderLoader = () => Promise<OrderData>;

/**
 * What Remix hands a meta function: the page's own data and the matched routes, root first with the root
 * loader's data (app/root.tsx: the reader's language and more; none when the root loader failed).
 */
function args(locale: unknown, data: OrderData | undefined | null, rootData: unknown = { locale, appName: "?", actor: null }): MetaArgs<OrderLoader> {
  return {
    // Remix's types leave out the null it hands over at run time (see pageMeta).
    data: data as OrderData | undefined,
    params: {},
    location: { pathname: "/orders/SO-2026-000015", search: "", hash: "", state: null, key: "default" },
    matches: [
      { id: "root", pathname: "/", data: rootData, params: {}, meta: [] },
      { id: "routes/orders.$number", pathname: "/orders/SO-2026-000015", data, params: {}, meta: [] },
    ],
  };
}

describe("page titles", () => {
  const list = pageMeta("nav.orders");
  const detail = pageMeta<OrderLoader>("orders.order", (d) => d.order.number);

  it("names the page, then the application, in the reader's language", () => {
    expect(list(args("zh-CN", undefined))).toEqual([{ title: "订单 · 经销商工作台" }]);
    expect(list(args("en", undefined))).toEqual([{ title: "Orders · Dealer Desk" }]);
  });

  it("adds the record of a detail page", () => {
    const data = { order: { number: "SO-2026-000015" } };
    expect(detail(args("zh-CN", data))).toEqual([{ title: "订单 SO-2026-000015 · 经销商工作台" }]);
    expect(detail(args("en", data))).toEqual([{ title: "Order SO-2026-000015 · Dealer Desk" }]);
  });

  it("names the page alone without loader data (an error response) or without a record", () => {
    expect(detail(args("zh-CN", undefined))).toEqual([{ title: "订单 · 经销商工作台" }]);
    expect(detail(args("en", undefined))).toEqual([{ title: "Order · Dealer Desk" }]);
    // An action that throws a 4xx response skips the loaders: the page's data is null, not undefined.
    expect(detail(args("en", null))).toEqual([{ title: "Order · Dealer Desk" }]);
    expect(detail(args("en", { order: { number: null } }))).toEqual([{ title: "Order · Dealer Desk" }]);
    expect(detail(args("en", { order: { number: "  " } }))).toEqual([{ title: "Order · Dealer Desk" }]);
  });

  it("gives the record function the reader's language", () => {
    const named = pageMeta<OrderLoader>("orders.order", (d, locale) => `${d.order.number} (${locale})`);
    expect(named(args("zh-CN", { order: { number: "SO-1" } }))).toEqual([{ title: "订单 SO-1 (zh-CN) · 经销商工作台" }]);
  });

  it("falls back to the default language when the root loader has no data or an unknown language", () => {
    expect(list(args("en", undefined, null))).toEqual([{ title: "订单 · 经销商工作台" }]);
    expect(list(args("fr", undefined))).toEqual([{ title: "订单 · 经销商工作台" }]);
    expect(metaLocale([{ id: "root", data: undefined }])).toBe("zh-CN");
    expect(metaLocale([])).toBe("zh-CN");
    expect(metaLocale([{ id: "root", data: { locale: "en" } }])).toBe("en");
    expect(pageTitle("en", "settings.title")).toBe("Settings · Dealer Desk");
  });
});

describe("every page has a title", () => {
  const dir = path.resolve("app/routes");
  const pages = readdirSync(dir)
    .filter((f) => /\.tsx?$/.test(f) && !f.includes(".test."))
    .map((f) => ({ file: f, src: readFileSync(path.join(dir, f), "utf8") }))
    .filter(({ src }) => /^export\s+default\b/m.test(src));

  it("finds the pages", () => {
    expect(pages.length).toBeGreaterThan(50);
  });

  it("every route module with a default export (a page) exports meta", () => {
    const untitled = pages.filter(({ src }) => !/^export\s+(const|let|function|async\s+function)\s+meta\b/m.test(src)).map(({ file }) => file);
    expect(untitled).toEqual([]);
  });

  it("no page hard-codes a title in one language", () => {
    const hardCoded = pages.filter(({ src }) => /title:\s*["'`]/.test(src.match(/^export\s+const\s+meta\b[^;]*;/ms)?.[0] ?? "")).map(({ file }) => file);
    expect(hardCoded).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { canonicalPath, safeRedirectPath } from "./url-safety";

/** Targets that would leave the site, or have no single reading: each must give the fallback. */
const HOSTILE = [
  "//evil.example",
  "///evil.example",
  "/\\evil.example",
  "/\\/evil.example",
  "\\\\evil.example",
  "/.//evil.example",
  "/./\\evil.example",
  "/..//evil.example",
  "/a/..//evil.example",
  "/a/b/../..//evil.example",
  "/%2e//evil.example",
  "/%2E//evil.example",
  "/%2e%2e//evil.example",
  "/%2f%2fevil.example",
  "/%2F%2Fevil.example",
  "/%5cevil.example",
  "/%5Cevil.example",
  "/%252f%252fevil.example",
  "/.%2f%2fevil.example",
  "/%09/evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\u0000/evil.example",
  "/%00",
  "/%FF",
  "https://evil.example/",
  "http:evil.example",
  "javascript:alert(1)",
  "data:text/html,x",
  "evil.example",
  " /orders",
  "",
  "/".repeat(1) + "x".repeat(2001),
];

describe("safeRedirectPath", () => {
  it.each(HOSTILE)("refuses %j", (to) => {
    expect(safeRedirectPath(to, "/home")).toBe("/home");
  });

  it("keeps local paths with their query and hash, resolving dot segments", () => {
    expect(safeRedirectPath("/orders?status=submitted")).toBe("/orders?status=submitted");
    expect(safeRedirectPath("/orders/./x/../new")).toBe("/orders/new");
    expect(safeRedirectPath("/stock?q=%2F%2Fa#top")).toBe("/stock?q=%2F%2Fa#top");
    expect(safeRedirectPath("/products/%E4%B8%AD")).toBe("/products/%E4%B8%AD");
    expect(safeRedirectPath("/")).toBe("/");
  });

  it("answers the fallback for what is not a string", () => {
    for (const v of [undefined, null, 42, ["/orders"], { to: "/" }]) expect(safeRedirectPath(v, "/x")).toBe("/x");
  });
});

describe("canonicalPath", () => {
  it("resolves dot segments (also percent-encoded) and repeated slashes the way the router reads them", () => {
    const cases: [string, string, string][] = [
      ["/import/../orders/new", "/orders/new", ""],
      ["/import/%2e%2e/orders/new", "/orders/new", ""],
      ["/import/%2E%2e/orders/new?x=1", "/orders/new", "?x=1"],
      ["/unsubscribe/../orders/addresses", "/orders/addresses", ""],
      ["/orders/./new", "/orders/new", ""],
      ["/orders//new", "/orders/new", ""],
      ["/../../etc", "/etc", ""],
    ];
    for (const [target, path, search] of cases) expect(canonicalPath(target), target).toEqual({ ok: true, path, search, changed: true });
    expect(canonicalPath("/stock?q=../..//x")).toEqual({ ok: true, path: "/stock", search: "?q=../..//x", changed: false });
    expect(canonicalPath("/orders/new?q=a")).toEqual({ ok: true, path: "/orders/new", search: "?q=a", changed: false });
    expect(canonicalPath("/products/%E4%B8%AD")).toEqual({ ok: true, path: "/products/%E4%B8%AD", search: "", changed: false });
  });

  it("refuses what has no single reading", () => {
    for (const t of [
      "/%FF",
      "/orders/%E4%B8",
      "/orders%2fnew",
      "/orders%2Fnew",
      "/a%5cb",
      "/a\\b",
      "/a%00",
      "/a%0d%0aX: y",
      "/a\u0001",
      "*",
      "http://evil.example/orders",
      "orders",
    ]) {
      expect(canonicalPath(t).ok, t).toBe(false);
    }
  });
});

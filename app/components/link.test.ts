import { describe, expect, it } from "vitest";
import { clientNavigationFor, isActivePath } from "./link";

const here = { origin: "https://desk.example", href: "https://desk.example/orders?status=approved" };
const click = { button: 0, metaKey: false, altKey: false, ctrlKey: false, shiftKey: false, defaultPrevented: false };

function anchor(href: string, attrs: Record<string, string> = {}) {
  const all: Record<string, string> = { "data-nav": "", ...attrs };
  return {
    href: new URL(href, here.href).href,
    target: all.target ?? "",
    hasAttribute: (n: string) => n in all,
    getAttribute: (n: string) => all[n] ?? null,
  };
}

describe("client navigation of marked links", () => {
  it("navigates to the link's path, query and hash on a plain left click", () => {
    expect(clientNavigationFor(click, anchor("/orders/SO-2026-000001#lines"), here)).toEqual({
      path: "/orders/SO-2026-000001#lines",
      replace: false,
      preventScrollReset: false,
    });
  });

  it("resolves a query-only link against the current page, as the router does for a leaf route", () => {
    expect(clientNavigationFor(click, anchor("?page=2"), here)?.path).toBe("/orders?page=2");
  });

  it("replaces the history entry for the page already shown, or when the link asks", () => {
    expect(clientNavigationFor(click, anchor("/orders?status=approved"), here)?.replace).toBe(true);
    expect(clientNavigationFor(click, anchor("/orders?status=draft", { "data-nav": "replace" }), here)?.replace).toBe(true);
    expect(clientNavigationFor(click, anchor("?dispute=4", { "data-nav": "replace keep-scroll" }), here)).toMatchObject({
      replace: true,
      preventScrollReset: true,
    });
    expect(clientNavigationFor(click, anchor("?dispute=4", { "data-nav": "keep-scroll" }), here)).toMatchObject({ replace: false, preventScrollReset: true });
  });

  it("leaves the browser alone: modifier keys, other buttons, handled clicks, new windows, downloads, other sites, unmarked links", () => {
    const a = anchor("/orders/SO-2026-000001");
    for (const k of ["metaKey", "altKey", "ctrlKey", "shiftKey", "defaultPrevented"] as const)
      expect(clientNavigationFor({ ...click, [k]: true }, a, here)).toBeNull();
    expect(clientNavigationFor({ ...click, button: 1 }, a, here)).toBeNull();
    expect(clientNavigationFor(click, anchor("/orders", { target: "_blank" }), here)).toBeNull();
    expect(clientNavigationFor(click, anchor("/orders", { target: "_self" }), here)).not.toBeNull();
    expect(clientNavigationFor(click, anchor("/statements/1?format=csv", { download: "" }), here)).toBeNull();
    expect(clientNavigationFor(click, anchor("https://elsewhere.example/orders"), here)).toBeNull();
    const plain = { ...a, hasAttribute: () => false, getAttribute: () => null };
    expect(clientNavigationFor(click, plain, here)).toBeNull();
    expect(clientNavigationFor(click, null, here)).toBeNull();
  });
});

describe("active links", () => {
  it("matches the path itself and, unless `end`, the paths below it (not a mere prefix)", () => {
    expect(isActivePath("/orders", "/orders", false)).toBe(true);
    expect(isActivePath("/orders/SO-1", "/orders", false)).toBe(true);
    expect(isActivePath("/orders/SO-1", "/orders", true)).toBe(false);
    expect(isActivePath("/ordersx", "/orders", false)).toBe(false);
    expect(isActivePath("/orders", "/orders/", true)).toBe(true);
    expect(isActivePath("/", "/", true)).toBe(true);
    expect(isActivePath("/orders", "/", false)).toBe(false);
  });
});

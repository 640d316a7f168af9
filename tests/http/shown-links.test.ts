/**
 * A link the viewer is shown is a link the viewer may open. Every role opens every page the role ×
 * route matrix allows it (with a record of each kind, a sent-back order and invoiced, shipped orders),
 * collects the portal links on it and follows each: none may answer 403 or 404.
 * Needs `npx remix build`.
 */
import { describe, expect, it, vi } from "vitest";
import { ROLES, type Role } from "../../app/modules/auth/permissions";
import { orderIn, type World } from "../factories/orders";
import { clientFor, withTestServer } from "../helpers/http";
import { buildFixture, MATRIX } from "./route-matrix";

let base = "";
withTestServer((b) => (base = b));

/** Portal links of a page: href="/…" of anchors, less downloads, assets, sign-out and the language switch. */
export function portalLinks(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/<a\b[^>]*\bhref="(\/[^"]*)"/g)) {
    const href = m[1]!.replace(/&amp;/g, "&").split("#")[0]!;
    if (!href || href.startsWith("//") || /^\/(build|favicon|logout|locale)\b/.test(href) || /[?&]format=csv\b/.test(href)) continue;
    out.add(href);
  }
  return [...out];
}

describe("links shown are links that open", () => {
  it("no page shows any role a link that answers 403 or 404", { timeout: 240_000 }, async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-18T03:00:00Z"));
    const fx = await buildFixture();
    // More kinds of record for the links to start from: a sent-back order, a shipped one.
    await orderIn(fx.cast as unknown as World, "draft");
    await orderIn(fx.cast as unknown as World, "shipped");
    const broken: string[] = [];
    for (const role of ROLES as readonly Role[]) {
      const c = await clientFor(base, fx.cast.byRole[role]);
      const pages = Object.values(MATRIX)
        .filter((e) => Array.isArray(e.allow) && (e.allow as readonly Role[]).includes(role))
        .map((e) => e.path(fx))
        .filter((p) => !p.endsWith("/progress"));
      const checked = new Map<string, number>();
      for (const page of pages) {
        const r = await c.get(page);
        if (r.status !== 200) continue;
        for (const href of portalLinks(r.text)) {
          if (!checked.has(href)) checked.set(href, (await c.get(href)).status);
          const status = checked.get(href)!;
          if (status === 403 || status === 404) broken.push(`${role} on ${page}: ${href} → ${status}`);
        }
      }
      expect(checked.size, role).toBeGreaterThan(5);
    }
    expect(broken).toEqual([]);
  });
});

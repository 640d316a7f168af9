/**
 * The route-matching memo (app/utils/router-cache.server.ts, decision 071) is
 * installed when the server starts the way production starts it, and every URL of
 * the build matches exactly as with the unpatched @remix-run/router.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

describe("route-matching memo", () => {
  it("is installed in a fresh server process and matches every route exactly as the unpatched router", () => {
    const r = spawnSync(path.resolve("node_modules/.bin/tsx"), ["tests/http/router-cache-probe.ts"], { encoding: "utf8", env: { ...process.env, NODE_ENV: "production", JOBS: "off" }, timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { status: { patched: boolean }; distinct: boolean; urls: number; results: { url: string; same: boolean; want: string; got: string }[]; routeObjects: Record<string, boolean | number> & { routeCount: number }; isolation: { fresh: boolean; sharedParams: boolean } };
    expect(out.status.patched).toBe(true);
    // RemixServer's per-render route objects come from the memo for the same build, and are rebuilt for another.
    expect(out.routeObjects).toEqual({ sameRoutes: true, rebuiltOnChange: true, sameDataRoutes: true, manifestIds: out.routeObjects.routeCount, manifestsEqual: true, routeCount: out.routeObjects.routeCount });
    expect(out.routeObjects.routeCount).toBeGreaterThan(55);
    expect(out.distinct).toBe(true);
    expect(out.isolation).toEqual({ fresh: true, sharedParams: true });
    expect(out.urls).toBeGreaterThan(60);
    expect(out.results.filter((x) => !x.same)).toEqual([]);
    // The sample really exercises matching: most URLs match a leaf route, some match nothing.
    expect(out.results.filter((x) => x.want !== "null").length).toBeGreaterThan(55);
    expect(out.results.some((x) => x.want === "null" || x.want.includes('"id":"root"'))).toBe(true);
  });
});

/**
 * Run as a child process by router-cache.test.ts (a fresh Node, loaded the way
 * production loads it): imports the server module graph, then matches every route
 * of the build with the patched @remix-run/router and with an unpatched copy of
 * the same file, and prints what it found as JSON.
 */
import "../../server";
import { readFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import path from "node:path";
import type { AgnosticRouteObject } from "@remix-run/router";
import { installRouterCache } from "../../app/utils/router-cache.server";
import { loadBuild, routeTree, type ManifestRoute } from "../../server";

type Router = typeof import("@remix-run/router");
const require = createRequire(import.meta.url);

const status = installRouterCache();
const patched = require("@remix-run/router") as Router;
const file = require.resolve("@remix-run/router");
const original = new Module(`${file}#unpatched`);
original.filename = file;
// @ts-expect-error -- internal Node API, as in router-cache.server.ts
original.paths = Module._nodeModulePaths(path.dirname(file));
// @ts-expect-error -- internal Node API: compile the file as it is on disk
original._compile(readFileSync(file, "utf8"), file);
const unpatched = original.exports as Router;

const build = await loadBuild();
const manifest = build.routes as Record<string, ManifestRoute>;
const tree: AgnosticRouteObject[] = routeTree(manifest);
// Every route's path with its params filled in, plus some that match nothing or only a splat.
const urls = new Set<string>(["/", "/nope", "/orders/", "//orders", "/ORDERS", "/orders/DD-2026-000001/extra", "/%E5%86%B0"]);
const full = (id: string | undefined): string => {
  const r = id ? manifest[id] : undefined;
  if (!r) return "";
  return `${full(r.parentId)}/${r.path ?? ""}`;
};
for (const r of Object.values(manifest)) urls.add(full(r.id).replace(/\/+/g, "/").replace(/:(\w+)/g, (_m, p: string) => `${p}-7`).replace(/\*$/, "a/b"));

const shape = (m: ReturnType<Router["matchRoutes"]>) => m?.map((x) => ({ id: x.route.id, params: x.params, pathname: x.pathname, base: x.pathnameBase })) ?? null;
const results = [...urls].map((url) => {
  const want = JSON.stringify(shape(unpatched.matchRoutes(tree, url)));
  const first = JSON.stringify(shape(patched.matchRoutes(tree, url)));
  const again = JSON.stringify(shape(patched.matchRoutes(tree, url)));
  const pathWant = JSON.stringify(unpatched.matchPath({ path: "/orders/:number", end: false }, url));
  const pathGot = JSON.stringify(patched.matchPath({ path: "/orders/:number", end: false }, url));
  return { url, same: want === first && first === again && pathWant === pathGot, want, got: first };
});
// Remembered matches are handed out as fresh objects: changing one result changes nothing later.
const isolation = (() => {
  const url = "/orders/SO-2026-000001";
  const a = patched.matchRoutes(tree, url)!;
  (a[a.length - 1]!.params as Record<string, string>).number = "changed";
  a.pop();
  const b = patched.matchRoutes(tree, url)!;
  const shared = b.every((m) => m.params === b[0]!.params);
  return { fresh: JSON.stringify(shape(b)) === JSON.stringify(shape(unpatched.matchRoutes(tree, url))), sharedParams: shared };
})();
// The per-render rebuilds: same build → the same route objects; another module → rebuilt.
type Create = (manifestRoutes: unknown, routeModules: Record<string, unknown>, future: unknown, isSpaMode: boolean) => { id: string }[];
const remixRoutes = require("@remix-run/react/dist/routes.js") as { createServerRoutes: Create };
const modules = () => Object.fromEntries(Object.entries(build.routes).map(([id, r]) => [id, r.module]));
const first = remixRoutes.createServerRoutes(build.assets.routes, modules(), build.future, false);
const second = remixRoutes.createServerRoutes(build.assets.routes, modules(), build.future, false);
const changed = remixRoutes.createServerRoutes(build.assets.routes, { ...modules(), root: { ...build.routes.root!.module } }, build.future, false);
const convert = patched.UNSAFE_convertRoutesToDataRoutes as unknown as (routes: unknown, map: unknown, parentPath?: string[], manifest?: Record<string, unknown>) => unknown[];
const mapProps = (r: object) => ({ hasErrorBoundary: "ErrorBoundary" in r });
const m1: Record<string, unknown> = {};
const m2: Record<string, unknown> = {};
const d1 = convert(first, mapProps, undefined, m1);
const d2 = convert(first, mapProps, undefined, m2);
const routeObjects = {
  sameRoutes: first === second,
  rebuiltOnChange: changed !== first && changed.length === first.length,
  sameDataRoutes: d1 === d2,
  manifestIds: Object.keys(m2).length,
  manifestsEqual: JSON.stringify(Object.keys(m1).sort()) === JSON.stringify(Object.keys(m2).sort()) && Object.keys(m1).every((k) => m1[k] === m2[k]),
  routeCount: Object.keys(build.routes).length,
};
console.log(JSON.stringify({ status, distinct: patched !== unpatched, urls: results.length, results, routeObjects, isolation }));
process.exit(0);

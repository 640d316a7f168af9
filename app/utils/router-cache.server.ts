/**
 * Route matching without the per-call set-up (decision 071).
 *
 * @remix-run/router's `matchRoutes` flattens and ranks the whole route tree and
 * compiles every candidate path into a RegExp on every call, and one page request
 * calls it three or four times (Remix's request handler, the static handler's
 * query, the server router's render). Profiles of /orders at scale 1 put it at
 * about a fifth of the server's CPU. This loads the package's CommonJS build
 * with two memo tables added, before anything else requires it:
 *
 * - the ranked branches of a routes array, kept per array (WeakMap); the server's
 *   route arrays are built once per build and never mutated on the server;
 * - the matches of a pathname against those branches (at most 2,000 pathnames per
 *   routes array, then it starts over); each call gets fresh match objects and a
 *   fresh params object, so a caller that changes them changes nothing shared;
 * - the compiled matcher of a (path, caseSensitive, end) triple; the RegExp has no
 *   global flag (no lastIndex state) and callers only read the params list.
 *
 * And, on the module objects the callers read at call time (no source change), two
 * memo wrappers for what Remix's RemixServer rebuilds on every render:
 *
 * - `createServerRoutes(manifest.routes, routeModules, future, isSpaMode)` of
 *   @remix-run/react, per (manifest routes, route modules) of the build;
 * - `UNSAFE_convertRoutesToDataRoutes(routes, mapRouteProperties)` as
 *   react-router-dom's createStaticRouter calls it, per routes array; the manifest the
 *   caller passes is filled from the memo, as the original fills it.
 *
 * With stable route arrays the branch memo above also serves the server render.
 *
 * The results are the very values the unpatched functions return. If the package's
 * source no longer contains the patched lines (a version change), nothing is
 * patched, a warning is logged, and everything works as before, only slower;
 * tests/http/router-cache.test.ts fails then, so the change is not silent.
 */
import { readFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

/**
 * JavaScript added to the router module for the loader-data pass-through (decision 080).
 * `__ddJsonPlain(v)`: true when `JSON.parse(JSON.stringify(v))` is a value equal to `v`
 * (null, strings, booleans, finite numbers other than -0, arrays of those without holes,
 * plain objects (prototype Object.prototype) without `toJSON` and without undefined
 * values); anything else (a Date, a Map, a class instance, undefined, NaN, -0) keeps the
 * round trip. Outside production the remembered value is frozen, deeply, so a component
 * or a later step that changes loader data in place (which the round trip used to hide)
 * throws in tests instead of changing a value other requests may share.
 */
const LOADER_DATA_HELPERS = `const __ddJsonData = new WeakMap();
const __ddFreezeData = process.env.NODE_ENV !== "production";
function __ddJsonPlain(v, depth) {
  if (v === null) return true;
  switch (typeof v) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(v) && !Object.is(v, -0);
    case "object": {
      if (depth > 200) return false;
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== Array.prototype) return false;
        for (let i = 0; i < v.length; i++) if (!__ddJsonPlain(v[i], depth + 1)) return false;
        return true;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype) return false;
      if (typeof v.toJSON === "function") return false;
      for (const k in v) if (!__ddJsonPlain(v[k], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}
const __ddEncoder = new TextEncoder();
function __ddLazyJson(data) {
  return new ReadableStream({
    pull(controller) {
      controller.enqueue(__ddEncoder.encode(JSON.stringify(data)));
      controller.close();
    },
  }, { highWaterMark: 0 });
}
function __ddGuard(v) {
  if (__ddFreezeData && v !== null && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k in v) __ddGuard(v[k]);
  }
  return v;
}
`;

const REPLACEMENTS: Array<[string, string]> = [
  [
    "  let branches = flattenRoutes(routes);\n  rankRouteBranches(branches);\n",
    "  let branches = __ddBranches.get(routes);\n  if (branches === undefined) {\n    branches = flattenRoutes(routes);\n    rankRouteBranches(branches);\n    __ddBranches.set(routes, branches);\n  }\n",
  ],
  [
    "  let matches = null;\n  let decoded = decodePath(pathname);\n",
    "  let __ddKey = (allowPartial ? \"1\" : \"0\") + pathname;\n" +
      "  let __ddMemo = __ddMatches.get(branches);\n" +
      "  if (__ddMemo === undefined) {\n    __ddMemo = new Map();\n    __ddMatches.set(branches, __ddMemo);\n  }\n" +
      "  let __ddHit = __ddMemo.get(__ddKey);\n" +
      "  if (__ddHit !== undefined) return __ddCopyMatches(__ddHit);\n" +
      "  let matches = null;\n  let decoded = decodePath(pathname);\n",
  ],
  [
    "    matches = matchRouteBranch(branches[i], decoded, allowPartial);\n  }\n  return matches;\n}\n",
    "    matches = matchRouteBranch(branches[i], decoded, allowPartial);\n  }\n" +
      "  if (__ddMemo.size >= 2000) __ddMemo.clear();\n  __ddMemo.set(__ddKey, matches);\n  return __ddCopyMatches(matches);\n}\n" +
      "const __ddMatches = new WeakMap();\n" +
      "function __ddCopyMatches(matches) {\n  if (matches === null) return null;\n" +
      "  // One params object shared by every match, as matchRouteBranch makes it; fresh per call.\n" +
      "  const params = Object.assign({}, matches[0] && matches[0].params);\n" +
      "  return matches.map((m) => ({ params, pathname: m.pathname, pathnameBase: m.pathnameBase, route: m.route }));\n}\n",
  ],
  [
    "function compilePath(path, caseSensitive, end) {\n",
    "const __ddBranches = new WeakMap();\nconst __ddCompiled = new Map();\n" +
      "function compilePath(path, caseSensitive, end) {\n" +
      "  const key = path + \"\\u0000\" + (caseSensitive === true) + (end !== false);\n" +
      "  let hit = __ddCompiled.get(key);\n" +
      "  if (hit === undefined) {\n    hit = __ddCompilePathUncached(path, caseSensitive, end);\n    if (__ddCompiled.size < 5000) __ddCompiled.set(key, hit);\n  }\n" +
      "  return hit;\n}\n" +
      "function __ddCompilePathUncached(path, caseSensitive, end) {\n",
  ],
  // Loader data without the JSON round trip (decision 080): `json(data)` remembers `data`
  // with its Response when the round trip would give back an equal value, and the
  // document request's data conversion takes it instead of parsing the body it just wrote.
  [
    "  return new Response(JSON.stringify(data), _extends({}, responseInit, {\n    headers\n  }));\n};\n",
    "  if (!__ddJsonPlain(data, 0)) return new Response(JSON.stringify(data), _extends({}, responseInit, {\n    headers\n  }));\n" +
      "  let __ddResponse = new Response(__ddLazyJson(data), _extends({}, responseInit, {\n    headers\n  }));\n" +
      "  __ddJsonData.set(__ddResponse, __ddGuard(data));\n" +
      "  return __ddResponse;\n};\n" +
      LOADER_DATA_HELPERS,
  ],
  ["          data = await result.json();\n", "          data = __ddJsonData.has(result) ? __ddJsonData.get(result) : await result.json();\n"],
];

export type RouterCacheStatus = { patched: boolean; file: string; reason?: string };

let status: RouterCacheStatus | undefined;

/** Installs the patched module into the CommonJS cache (idempotent). */
export function installRouterCache(): RouterCacheStatus {
  if (status) return status;
  const file = require.resolve("@remix-run/router");
  // An ES module that imports the package gets a placeholder entry while the module graph is
  // linked, before any module runs; it is filled (compiled) at the first evaluation. Fill it here.
  const existing = require.cache[file];
  if (existing?.loaded) {
    status = { patched: false, file, reason: "@remix-run/router was loaded before the cache could be installed" };
    console.warn(JSON.stringify({ level: "warn", msg: "router cache not installed", reason: status.reason }));
    return status;
  }
  let source = readFileSync(file, "utf8");
  for (const [from, to] of REPLACEMENTS) {
    if (source.split(from).length !== 2) {
      status = { patched: false, file, reason: `@remix-run/router source changed; not patched (looked for ${JSON.stringify(from.slice(0, 40))})` };
      console.warn(JSON.stringify({ level: "warn", msg: "router cache not installed", reason: status.reason }));
      return status;
    }
    source = source.replace(from, to);
  }
  const m = existing ?? new Module(file);
  m.filename = file;
  // @ts-expect-error -- internal but stable Node API used to resolve the module's own requires
  m.paths = Module._nodeModulePaths(path.dirname(file));
  // @ts-expect-error -- internal but stable Node API: compile CommonJS source as that file
  m._compile(source, file);
  m.loaded = true;
  require.cache[file] = m;
  memoiseRouteObjects(m.exports as Record<string, unknown>);
  return (status = { patched: true, file });
}

type AnyFn = (...args: never[]) => unknown;

function sameModules(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (a === b) return true;
  let n = 0;
  for (const k in b) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  return n === Object.keys(a).length;
}

/** The two per-render rebuilds of the route objects, memoised per build (see above). */
function memoiseRouteObjects(router: Record<string, unknown>) {
  const convert = router.UNSAFE_convertRoutesToDataRoutes as (routes: object, map: unknown, parentPath?: string[], manifest?: Record<string, unknown>) => unknown[];
  const converted = new WeakMap<object, { map: unknown; dataRoutes: unknown[]; manifest: Record<string, unknown> }>();
  router.UNSAFE_convertRoutesToDataRoutes = function memoConvert(routes: object, map: unknown, parentPath?: string[], manifest?: Record<string, unknown>) {
    if (parentPath !== undefined && parentPath.length > 0) return convert(routes, map, parentPath, manifest);
    let hit = converted.get(routes);
    if (hit === undefined || hit.map !== map) {
      const own: Record<string, unknown> = {};
      hit = { map, dataRoutes: convert(routes, map, parentPath, own), manifest: own };
      converted.set(routes, hit);
    }
    if (manifest) Object.assign(manifest, hit.manifest);
    return hit.dataRoutes;
  };

  const remixRoutes = require("@remix-run/react/dist/routes.js") as Record<string, AnyFn>;
  const create = remixRoutes.createServerRoutes as unknown as (manifestRoutes: object, routeModules: object, future: unknown, isSpaMode: unknown, ...rest: unknown[]) => unknown[];
  const created = new WeakMap<object, { routeModules: object; future: unknown; isSpaMode: unknown; routes: unknown[] }>();
  remixRoutes.createServerRoutes = function memoCreate(manifestRoutes: object, routeModules: object, future: unknown, isSpaMode: unknown, ...rest: unknown[]) {
    if (rest.length > 0) return create(manifestRoutes, routeModules, future, isSpaMode, ...rest);
    const hit = created.get(manifestRoutes);
    // Remix builds a new routeModules object per request from the build's modules: the
    // same modules under the same ids is the same input.
    if (hit && hit.future === future && hit.isSpaMode === isSpaMode && sameModules(hit.routeModules as Record<string, unknown>, routeModules as Record<string, unknown>)) return hit.routes;
    const routes = create(manifestRoutes, routeModules, future, isSpaMode);
    created.set(manifestRoutes, { routeModules, future, isSpaMode, routes });
    return routes;
  } as unknown as AnyFn;
}

installRouterCache();

/**
 * Run as a child process by loader-data.test.ts (a fresh Node, loaded the way
 * production loads it): loader data through the patched @remix-run/router
 * (decision 080). For each value a loader returns with `json()`, a document-style
 * query gives the router's loader data and a data-style query gives the response
 * body; both are compared with what the JSON round trip gives. Prints the
 * findings as JSON.
 */
import { isDeepStrictEqual } from "node:util";
import { createRequire } from "node:module";
import { installRouterCache } from "../../app/utils/router-cache.server";

type Router = typeof import("@remix-run/router");
const require = createRequire(import.meta.url);
const status = installRouterCache();
const router = require("@remix-run/router") as Router;
// Remix's json (what the routes import from @remix-run/node) is the router's json.
const { json } = require("@remix-run/node") as typeof import("@remix-run/node");

class Money {
  constructor(public minor: number) {}
}
const shared = { code: "AC", name_zh: "空调" };
const CASES: Record<string, () => unknown> = {
  plain: () => ({ rows: [{ id: 1, sku: "AC-1", name: "冰箱 \u{1F600} \"q\" </script>", price_minor: 123456, on: true, nothing: null }], total: 1, tags: [], nested: { a: [[1, 2], { b: "x" }] } }),
  sharedReference: () => ({ first: shared, second: shared }),
  nullPrototype: () => Object.assign(Object.create(null) as object, { a: 1 }),
  topLevelArray: () => [1, "two", null],
  topLevelString: () => "just text",
  date: () => ({ at: new Date("2026-11-23T08:00:00Z") }),
  undefinedValue: () => ({ a: 1, b: undefined }),
  negativeZero: () => ({ n: -0 }),
  notANumber: () => ({ n: NaN, i: Infinity }),
  hole: () => {
    const list = [1, 2, 3];
    delete list[1];
    return { list };
  },
  map: () => ({ m: new Map([["a", 1]]) }),
  classInstance: () => ({ price: new Money(100) }),
  toJSON: () => ({ v: { toJSON: () => "custom" } }),
  deepDate: () => ({ a: [{ b: [{ c: new Date(0) }] }] }),
};

const results: Record<string, { passThrough: boolean; documentEqual: boolean; bodyEqual: boolean; frozen: boolean }> = {};
for (const [name, make] of Object.entries(CASES)) {
  const values: unknown[] = [];
  const handler = router.createStaticHandler([
    {
      id: "root",
      path: "/",
      loader: () => {
        const v = make();
        values.push(v);
        return json(v);
      },
    },
  ]);
  const context = await handler.query(new Request("http://localhost/"));
  if (context instanceof Response) throw new Error(`${name}: unexpected response`);
  const data = context.loaderData.root;
  const expected = JSON.parse(JSON.stringify(values[0])) as unknown;
  const response = (await handler.queryRoute(new Request("http://localhost/"), { routeId: "root" })) as Response;
  const body = await response.text();
  results[name] = {
    passThrough: data === values[0],
    documentEqual: isDeepStrictEqual(data, expected),
    bodyEqual: body === JSON.stringify(values[1]),
    frozen: typeof data === "object" && data !== null && Object.isFrozen(data),
  };
}
// A frozen value cannot be changed in place (strict mode, as ES modules and the build run).
let mutationThrows = false;
try {
  (shared as { code: string }).code = "REF";
} catch {
  mutationThrows = true;
}
console.log(JSON.stringify({ status, results, mutationThrows }));
process.exit(0);

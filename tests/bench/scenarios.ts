/**
 * What the benchmark measures: one small declarative entry per scenario.
 *
 *   name      stable id (the JSON report is keyed by it)
 *   role(s)   who signs in (ctx.login picks real users of the generated data)
 *   build     picks the URLs (and form bodies) from the generated data; the
 *             harness rotates through them, one per request
 *   expect    the statuses that count as success (anything else is non-2xx/failure)
 *
 * A scenario whose route does not exist in the build is reported as
 * "n/a (route missing)"; when the page lands, the entry just works. Form field
 * names of write scenarios follow the route's form: check them against the
 * route when it lands (the probe request reports a mismatch with its status).
 */
import type { Rng } from "../../db/seed/random";

export type Role = "dealer_admin" | "dealer_sales" | "dealer_finance" | "account_manager" | "ops" | "finance" | "admin";

export type BenchUser = { id: number; email: string; role: Role; organisationId: number; cookie: string };

export type Form = Record<string, string | string[]>;

export type RequestSpec = {
  method: "GET" | "POST";
  path: string;
  user: BenchUser;
  /** A form body; a function makes a fresh one per request (idempotency keys). */
  form?: Form | (() => Form);
  /** A dealer API call: the Bearer token (no cookie), and a JSON body with its Idempotency-Key, fresh per request. */
  api?: { token: string; body?: () => { json: unknown; idempotencyKey?: string } };
};

export type Ctx = {
  /** Reads the bench database directly (scenario set-up only, never during load). */
  q: <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;
  /** Signs a user in (POST /login with our Origin) once and keeps the cookie. */
  login: (email: string) => Promise<BenchUser>;
  /** Creates an API token through the dealer administrator's own page (/settings/api-tokens); returns its secret. */
  apiToken: (dealerAdmin: BenchUser, scopes: string[]) => Promise<string>;
  rng: Rng;
  smoke: boolean;
  /** How many distinct users/URLs to rotate through. */
  variety: number;
};

export type Scenario = {
  name: string;
  title: string;
  kind: "read" | "write";
  /** Concurrency steps added to the standard ones (a target is stated at that many users). */
  extraSteps?: number[];
  /** Each request uses up one prepared item (e.g. approving an order): never rotate past the end. */
  consumes?: boolean;
  expect: number[];
  build: (ctx: Ctx) => Promise<RequestSpec[]>;
};

// ---------- helpers shared by the entries ----------

/**
 * The primary users (the generator names them admin@/sales@/finance@<code>.bench.local)
 * of n dealers: a third from the biggest (dealers are generated biggest first), the
 * rest spread evenly over the long tail of smaller ones.
 */
async function dealerUsers(ctx: Ctx, kinds: ("admin" | "sales" | "finance")[], n = ctx.variety) {
  const all = await ctx.q<{ code: string; id: number }>("SELECT id, code FROM organisations WHERE kind = 'dealer' AND status = 'active' ORDER BY id");
  const top = Math.ceil(n / 3);
  const picks = new Set<number>();
  for (let i = 0; i < Math.min(n, all.length); i++) picks.add(i < top ? i : top + Math.floor(((i - top) * (all.length - top)) / Math.max(1, n - top)));
  const out: BenchUser[] = [];
  for (const [i, idx] of [...picks].entries()) out.push(await ctx.login(`${kinds[i % kinds.length]}@${all[idx]!.code.toLowerCase()}.bench.local`));
  return out;
}

async function staffUsers(ctx: Ctx, role: Role, n: number) {
  const rows = await ctx.q<{ email: string }>("SELECT email FROM users WHERE organisation_id = 1 AND role = ? AND status = 'active' ORDER BY id LIMIT ?", [
    role,
    n,
  ]);
  const out: BenchUser[] = [];
  for (const r of rows) out.push(await ctx.login(r.email));
  return out;
}

function shuffle<T>(rng: Rng, xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const get = (user: BenchUser, path: string): RequestSpec => ({ method: "GET", path, user });

// ---------- the scenarios ----------

export const SCENARIOS: Scenario[] = [
  {
    name: "dashboard-dealer",
    title: "Dealer dashboard (/)",
    kind: "read",
    extraSteps: [20],
    expect: [200],
    build: async (ctx) => (await dealerUsers(ctx, ["admin", "sales", "finance"])).map((u) => get(u, "/")),
  },
  {
    name: "dashboard-am",
    title: "Account manager dashboard (/)",
    kind: "read",
    extraSteps: [20],
    expect: [200],
    build: async (ctx) => (await staffUsers(ctx, "account_manager", Math.max(2, Math.floor(ctx.variety / 3)))).map((u) => get(u, "/")),
  },
  {
    name: "dashboard-ops",
    title: "Order desk dashboard (/)",
    kind: "read",
    extraSteps: [20],
    expect: [200],
    build: async (ctx) => (await staffUsers(ctx, "ops", 4)).map((u) => get(u, "/")),
  },
  {
    name: "dashboard-finance",
    title: "Finance dashboard (/)",
    kind: "read",
    extraSteps: [20],
    expect: [200],
    build: async (ctx) => (await staffUsers(ctx, "finance", 4)).map((u) => get(u, "/")),
  },
  {
    name: "dashboard-admin",
    title: "Administrator dashboard: order desk and finance panels (/)",
    kind: "read",
    extraSteps: [20],
    expect: [200],
    build: async (ctx) => (await staffUsers(ctx, "admin", 3)).map((u) => get(u, "/")),
  },
  {
    name: "measures-dealer",
    title: "A dealer's profit measures with trends and SKU lists (/measures/:dealerId)",
    kind: "read",
    extraSteps: [20],
    expect: [200],
    build: async (ctx) => {
      const dealers = await ctx.q<{ code: string; id: number }>(
        "SELECT id, code FROM organisations WHERE kind = 'dealer' AND status = 'active' ORDER BY id LIMIT ?",
        [Math.max(2, ctx.variety)],
      );
      const out = [];
      for (const [i, d] of dealers.entries())
        out.push(get(await ctx.login(`${i % 2 ? "sales" : "admin"}@${d.code.toLowerCase()}.bench.local`), `/measures/${d.id}`));
      return out;
    },
  },
  {
    name: "managers-ranking",
    title: "Account managers ranked by their dealers' measures (/reports/managers)",
    kind: "read",
    expect: [200],
    build: async (ctx) => (await staffUsers(ctx, "admin", 2)).map((u) => get(u, "/reports/managers")),
  },
  {
    name: "orders-list",
    title: "Order list, filtered and paged (/orders)",
    kind: "read",
    extraSteps: [20],
    expect: [200],
    build: async (ctx) => {
      const users = await dealerUsers(ctx, ["sales", "admin"]);
      const specs: RequestSpec[] = [];
      for (const u of users) {
        const rows = await ctx.q<{ status: string; n: number }>(
          "SELECT status, COUNT(*) AS n FROM orders WHERE dealer_id = ? GROUP BY status ORDER BY n DESC",
          [u.organisationId],
        );
        specs.push(get(u, "/orders"));
        for (const r of rows.slice(0, 3)) {
          specs.push(get(u, `/orders?status=${r.status}`));
          if (Number(r.n) > 60) specs.push(get(u, `/orders?status=${r.status}&page=2`));
        }
      }
      return shuffle(ctx.rng, specs);
    },
  },
  {
    name: "order-detail",
    title: "Order page (/orders/:number)",
    kind: "read",
    extraSteps: [20],
    expect: [200],
    build: async (ctx) => {
      const users = await dealerUsers(ctx, ["sales", "admin", "finance"]);
      const specs: RequestSpec[] = [];
      for (const u of users) {
        const rows = await ctx.q<{ number: string }>("SELECT number FROM orders WHERE dealer_id = ? AND number IS NOT NULL ORDER BY CRC32(id) LIMIT 5", [
          u.organisationId,
        ]);
        for (const r of rows) specs.push(get(u, `/orders/${r.number}`));
      }
      return shuffle(ctx.rng, specs);
    },
  },
  {
    name: "stock-search",
    title: "Stock search (/stock?q=…)",
    kind: "read",
    extraSteps: [20],
    expect: [200],
    build: async (ctx) => {
      const users = [...(await dealerUsers(ctx, ["sales", "admin"])), ...(await staffUsers(ctx, "ops", 2)), ...(await staffUsers(ctx, "account_manager", 2))];
      const terms = ["Inverter", "变频", "Smart", "静音", "AC-PRO", "REF-HOME", "Slim", "冰箱", "Turbo", "WH-ECO"];
      const cats = ["AC", "REF", "WM", "KIT"];
      return users.flatMap((u, i) => [
        get(u, `/stock?q=${encodeURIComponent(terms[i % terms.length]!)}`),
        get(u, `/stock?category=${cats[i % cats.length]}&availableOnly=1`),
        get(u, `/stock?q=${encodeURIComponent(terms[(i + 3) % terms.length]!)}&page=2`),
      ]);
    },
  },
  {
    name: "availability",
    title: "Availability check (/stock?check=1…)",
    kind: "read",
    expect: [200],
    build: async (ctx) => {
      const users = await dealerUsers(ctx, ["sales", "admin"]);
      const skus = await ctx.q<{ sku: string }>("SELECT sku FROM products WHERE status = 'active' ORDER BY CRC32(id) LIMIT ?", [Math.max(10, ctx.variety * 2)]);
      const regions = ["east", "north", "south", "central", "west", "northeast"];
      return users.flatMap((u, i) =>
        [0, 1].map((k) => {
          const sku = skus[(i * 2 + k) % skus.length]!.sku;
          return get(
            u,
            `/stock?check=1&checkSku=${encodeURIComponent(sku)}&checkQty=${5 + ((i + k) % 4) * 20}&checkRegion=${regions[(i + k) % regions.length]}`,
          );
        }),
      );
    },
  },
  {
    name: "product-page",
    title: "Product page (/products/:sku)",
    kind: "read",
    expect: [200],
    build: async (ctx) => {
      const users = await dealerUsers(ctx, ["sales", "admin"]);
      const skus = await ctx.q<{ sku: string }>("SELECT sku FROM products WHERE status = 'active' ORDER BY CRC32(id + 7) LIMIT ?", [
        Math.max(10, ctx.variety * 2),
      ]);
      return users.flatMap((u, i) => [get(u, `/products/${skus[(i * 2) % skus.length]!.sku}`), get(u, `/products/${skus[(i * 2 + 1) % skus.length]!.sku}`)]);
    },
  },
  {
    name: "deals-list",
    title: "Deal list (/deals)",
    kind: "read",
    expect: [200],
    build: async (ctx) => {
      const users = [...(await dealerUsers(ctx, ["sales", "admin"])), ...(await staffUsers(ctx, "account_manager", Math.max(2, Math.floor(ctx.variety / 3))))];
      const stages = ["", "negotiating", "quoted", "won", "approved"];
      return users.flatMap((u, i) => [get(u, "/deals"), get(u, `/deals?stage=${stages[(i % (stages.length - 1)) + 1]}`)]);
    },
  },
  {
    name: "deal-page",
    title: "Deal page (/deals/:id)",
    kind: "read",
    expect: [200],
    build: async (ctx) => {
      const users = await dealerUsers(ctx, ["sales", "admin"]);
      const specs: RequestSpec[] = [];
      for (const u of users) {
        const rows = await ctx.q<{ id: number }>("SELECT id FROM deals WHERE dealer_id = ? ORDER BY CRC32(id) LIMIT 4", [u.organisationId]);
        for (const r of rows) specs.push(get(u, `/deals/${r.id}`));
      }
      // Account managers open the deals on their own key accounts.
      for (const am of await staffUsers(ctx, "account_manager", 2)) {
        const rows = await ctx.q<{ id: number }>("SELECT id FROM deals WHERE account_manager_id = ? ORDER BY CRC32(id) LIMIT 4", [am.id]);
        for (const r of rows) specs.push(get(am, `/deals/${r.id}`));
      }
      return shuffle(ctx.rng, specs);
    },
  },
  {
    name: "statement-page",
    title: "Statement page, ~1,000 lines (/statements/:id)",
    kind: "read",
    extraSteps: [20],
    expect: [200],
    build: async (ctx) => {
      // The statements closest to 1,000 lines (the target's size), read by their dealers' finance clerks.
      const rows = await ctx.q<{ id: number; code: string }>(
        "SELECT s.id, o.code FROM statements s JOIN organisations o ON o.id = s.dealer_id WHERE o.status = 'active' ORDER BY ABS(s.line_count - 1000), s.id LIMIT ?",
        [ctx.variety],
      );
      const specs: RequestSpec[] = [];
      for (const [i, r] of rows.entries())
        specs.push(get(await ctx.login(`${i % 2 ? "admin" : "finance"}@${r.code.toLowerCase()}.bench.local`), `/statements/${r.id}`));
      return specs;
    },
  },
  {
    name: "finance-aging",
    title: "Receivables aging (/finance/aging)",
    kind: "read",
    expect: [200],
    build: async (ctx) => [...(await staffUsers(ctx, "finance", 3)), ...(await staffUsers(ctx, "admin", 1))].map((u) => get(u, "/finance/aging")),
  },
  {
    name: "api-stock",
    title: "Stock and availability over the dealer API (GET /api/v1/stock/:sku, /api/v1/availability)",
    kind: "read",
    extraSteps: [20],
    expect: [200],
    build: async (ctx) => {
      const admins = await dealerUsers(ctx, ["admin"]);
      const skus = await ctx.q<{ sku: string }>("SELECT sku FROM products WHERE status = 'active' ORDER BY CRC32(id + 5) LIMIT ?", [
        Math.max(10, ctx.variety * 2),
      ]);
      const regions = ["east", "north", "south", "central", "west", "northeast"];
      const specs: RequestSpec[] = [];
      for (const [i, u] of admins.entries()) {
        const token = await ctx.apiToken(u, ["stock:read"]);
        const sku = skus[i % skus.length]!.sku;
        specs.push({ method: "GET", path: `/api/v1/stock/${encodeURIComponent(sku)}`, user: u, api: { token } });
        specs.push({
          method: "GET",
          path: `/api/v1/availability?sku=${encodeURIComponent(skus[(i + 5) % skus.length]!.sku)}&quantity=${5 + (i % 40)}&region=${regions[i % regions.length]}`,
          user: u,
          api: { token },
        });
      }
      return specs;
    },
  },
  {
    name: "api-order-submit",
    title: "Submit a 20-line order over the dealer API (POST /api/v1/orders, submit: true, Idempotency-Key)",
    kind: "write",
    extraSteps: [20],
    expect: [201],
    build: async (ctx) => {
      const admins = await dealerUsers(ctx, ["admin"]);
      const products = await ctx.q<{ sku: string }>("SELECT sku FROM products WHERE status = 'active' AND made_to_order = 0 ORDER BY CRC32(id + 11) LIMIT 200");
      const addresses = new Map(
        (
          await ctx.q<{ dealer_id: number; id: number }>("SELECT dealer_id, MIN(id) AS id FROM dealer_addresses WHERE status = 'active' GROUP BY dealer_id")
        ).map((r) => [r.dealer_id, r.id]),
      );
      const requested = new Date(Date.now() + 21 * 86_400_000).toISOString().slice(0, 10);
      let n = 0;
      const specs: RequestSpec[] = [];
      for (const [i, u] of admins.entries()) {
        const token = await ctx.apiToken(u, ["orders:write"]);
        specs.push({
          method: "POST",
          path: "/api/v1/orders",
          user: u,
          api: {
            token,
            body: () => {
              const k = n++;
              const skus = [...new Set(Array.from({ length: 20 }, (_, j) => products[(i * 7 + j * 3 + k) % products.length]!.sku))];
              return {
                idempotencyKey: `bench-${process.pid}-${i}-${k}`,
                json: {
                  submit: true,
                  addressId: addresses.get(u.organisationId),
                  requestedDate: requested,
                  poReference: `API-BENCH-${k}`,
                  lines: skus.map((sku, j) => ({ sku, quantity: 1 + ((j + k) % 3) })),
                },
              };
            },
          },
        });
      }
      return specs;
    },
  },
  {
    name: "order-submit",
    title: "Submit a 20-line order (POST /orders/new)",
    kind: "write",
    extraSteps: [20],
    expect: [302, 303],
    build: async (ctx) => {
      const users = await dealerUsers(ctx, ["sales", "admin"]);
      const products = await ctx.q<{ id: number }>("SELECT id FROM products WHERE status = 'active' AND made_to_order = 0 ORDER BY CRC32(id + 11) LIMIT 200");
      const addresses = new Map(
        (await ctx.q<{ dealer_id: number; id: number }>("SELECT dealer_id, MIN(id) AS id FROM dealer_addresses GROUP BY dealer_id")).map((r) => [
          r.dealer_id,
          r.id,
        ]),
      );
      const requested = new Date(Date.now() + 21 * 86_400_000).toISOString().slice(0, 10);
      let n = 0;
      return users.map((u, i) => ({
        method: "POST" as const,
        path: "/orders/new",
        user: u,
        form: () => {
          const k = n++;
          const ids = [...new Set(Array.from({ length: 20 }, (_, j) => products[(i * 7 + j * 3 + k) % products.length]!.id))];
          // The order builder's own field names (lines.N.productId / lines.N.quantity).
          const form: Record<string, string> = {
            intent: "submit",
            submitKey: `bench-${process.pid}-${Date.now()}-${k}`,
            poReference: `BENCH-${k}`,
            requestedDate: requested,
            addressId: String(addresses.get(u.organisationId) ?? ""),
          };
          ids.forEach((id, j) => {
            form[`lines.${j}.productId`] = String(id);
            form[`lines.${j}.quantity`] = String(1 + ((j + k) % 5));
          });
          return form;
        },
      }));
    },
  },
  {
    name: "order-approve",
    title: "Approve a submitted order (POST /orders/:number from the review queue)",
    kind: "write",
    consumes: true,
    expect: [302, 303],
    build: async (ctx) => {
      const ops = await staffUsers(ctx, "ops", Math.max(2, Math.floor(ctx.variety / 3)));
      const rows = await ctx.q<{ id: number; number: string; version: number }>(
        "SELECT id, number, version FROM orders WHERE status = 'submitted' ORDER BY submitted_at, id",
      );
      // The review queue's approve button posts to the order page.
      return rows.map((r, i) => ({
        method: "POST" as const,
        path: `/orders/${r.number}`,
        user: ops[i % ops.length]!,
        form: { intent: "approve", orderId: String(r.id), version: String(r.version) },
      }));
    },
  },
];

/** The targets of the issues, evaluated against the measured figures. */
export type Target = {
  id: string;
  text: string;
  /** scenario name, or a batch name */
  subject: string;
  /** p95: at the client; serverP95: in the server process (see Run.serverP95) */
  metric: "p95" | "serverP95" | "floorRatio" | "seconds";
  /** concurrency the figure is taken at (request scenarios) */
  at?: number;
  max?: number;
  min?: number;
  /** read pages: every read scenario */
  everyRead?: boolean;
  /**
   * Batches measured on a smaller shape than the target's: the time is projected
   * linearly to the target's size (detail[key] is the measured size).
   */
  size?: { key: string; target: number; unit: string };
};

export const TARGETS: Target[] = [
  {
    id: "stock-search-p95",
    text: "stock search p95 at the server ≤ 100 ms @20 users (issue 3)",
    subject: "stock-search",
    metric: "serverP95",
    at: 20,
    max: 100,
  },
  {
    id: "stock-import",
    text: "import 20,000 stock rows ≤ 30 s (issue 3)",
    subject: "stock-import",
    metric: "seconds",
    max: 30,
    size: { key: "rows", target: 20_000, unit: "rows" },
  },
  { id: "orders-list-p95", text: "/orders p95 ≤ 100 ms @20 (issue 4)", subject: "orders-list", metric: "p95", at: 20, max: 100 },
  { id: "order-detail-p95", text: "/orders/:number p95 ≤ 100 ms @20 (issue 4)", subject: "order-detail", metric: "p95", at: 20, max: 100 },
  { id: "order-submit-p95", text: "submit a 20-line order p95 ≤ 250 ms @20 (issue 4)", subject: "order-submit", metric: "p95", at: 20, max: 250 },
  {
    id: "statements-issue",
    text: "statements for 1,000 dealers × 1,000 entries ≤ 60 s (issue 6)",
    subject: "statements-issue",
    metric: "seconds",
    max: 60,
    size: { key: "entriesInPeriod", target: 1_000_000, unit: "entries" },
  },
  {
    id: "statement-page-p95",
    text: "statement page with 1,000 lines p95 ≤ 150 ms (issue 6; taken @20)",
    subject: "statement-page",
    metric: "p95",
    at: 20,
    max: 150,
  },
  {
    id: "digest-run",
    text: "digest for 5,000 users ≤ 60 s (issue 7)",
    subject: "digest-run",
    metric: "seconds",
    max: 60,
    size: { key: "usersWithDigest", target: 5_000, unit: "users" },
  },
  {
    id: "sellout-upload",
    text: "sell-out upload of 100,000 rows ≤ 30 s (issue 24)",
    subject: "sellout-upload",
    metric: "seconds",
    max: 30,
    size: { key: "rows", target: 100_000, unit: "rows" },
  },
  {
    id: "promotion-rebates",
    text: "month-end promotion rebates for 500 dealers ≤ 60 s (issue 24)",
    subject: "promotion-rebates",
    metric: "seconds",
    max: 60,
    size: { key: "dealers", target: 500, unit: "dealers" },
  },
  {
    id: "measures-dashboard-dealer",
    text: "dealer dashboard with the four measures, p95 at the server ≤ 150 ms @20 (issue 24)",
    subject: "dashboard-dealer",
    metric: "serverP95",
    at: 20,
    max: 150,
  },
  {
    id: "measures-dashboard-am",
    text: "account manager dashboard with the four measures, p95 at the server ≤ 150 ms @20 (issue 24)",
    subject: "dashboard-am",
    metric: "serverP95",
    at: 20,
    max: 150,
  },
  { id: "dashboard-p95", text: "dealer dashboard p95 ≤ 150 ms (issue 8; taken @20)", subject: "dashboard-dealer", metric: "p95", at: 20, max: 150 },
  { id: "dashboard-am-p95", text: "account manager dashboard p95 ≤ 150 ms (issue 8; taken @20)", subject: "dashboard-am", metric: "p95", at: 20, max: 150 },
  { id: "dashboard-ops-p95", text: "order desk dashboard p95 ≤ 150 ms (issue 8; taken @20)", subject: "dashboard-ops", metric: "p95", at: 20, max: 150 },
  { id: "dashboard-finance-p95", text: "finance dashboard p95 ≤ 150 ms (issue 8; taken @20)", subject: "dashboard-finance", metric: "p95", at: 20, max: 150 },
  { id: "dashboard-admin-p95", text: "administrator dashboard p95 ≤ 150 ms (issue 8; taken @20)", subject: "dashboard-admin", metric: "p95", at: 20, max: 150 },
  {
    id: "read-floor-ratio",
    text: "every read page ≥ 25 % of the bare React floor @32 (issue 9)",
    subject: "*",
    metric: "floorRatio",
    at: 32,
    min: 0.25,
    everyRead: true,
  },
  { id: "read-p95", text: "every read page p95 ≤ 100 ms @32 (issue 9)", subject: "*", metric: "p95", at: 32, max: 100, everyRead: true },
];

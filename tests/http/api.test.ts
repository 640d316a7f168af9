/**
 * The dealer API over HTTP (issue #25): tokens act as their dealer with exactly their scopes (401 for a
 * missing, unknown, revoked or expired token or an address outside the allow-list; 403 without the scope;
 * 404 for another dealer's record), idempotent submits, problem documents with field paths, the rate
 * limit, body limits, cursors. Every response is validated against the OpenAPI document (tests/helpers/api.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { revokeToken } from "../../app/modules/api/tokens.server";
import { issueStatements } from "../../app/modules/statements/issue.server";
import { actorFor, createSession, uniq } from "../factories";
import { customOptions, inDays, orderIn, orderWorld, submitNew, type World } from "../factories/orders";
import { ApiClient, Contract, expectProblem, tokenFor } from "../helpers/api";
import { clockForEachTest, setClock } from "../helpers/clock";
import { startTestServer, stopTestServer } from "../helpers/http";
import { post, statementOf, sys } from "../helpers/ledger";

let base: string;
let contract: Contract;
// The server reads its limit when it starts: this file's server allows 40 requests per token and minute.
const RATE_LIMIT = 40;
beforeAll(async () => {
  process.env.API_RATE_LIMIT_PER_MINUTE = String(RATE_LIMIT);
  base = (await startTestServer()).url;
  contract = await Contract.load(base);
});
afterAll(async () => {
  await stopTestServer();
  delete process.env.API_RATE_LIMIT_PER_MINUTE;
});

// Period 2026-10 has ended (statements can be issued); order dates are in the future from here.
clockForEachTest("2026-12-06T04:00:00Z");

async function world() {
  const w = await orderWorld();
  const t = await tokenFor(w.a.dealer_admin);
  const api = new ApiClient(base, t.secret, contract);
  return { w, api, token: t };
}

const orderBody = (w: World, extra: Record<string, unknown> = {}) => ({
  addressId: w.addrA.id,
  requestedDate: inDays(10),
  poReference: "ERP-PO-1",
  lines: [{ sku: w.widget.sku, quantity: 2 }],
  ...extra,
});

async function ordersOf(dealerId: number) {
  return getDb().selectFrom("orders").select(["id", "number", "status", "submit_key"]).where("dealer_id", "=", dealerId).execute();
}

describe("dealer API: reads", () => {
  it("products carry the dealer's tier price in minor units; stock per warehouse; the N-by-D check; addresses", async () => {
    const { w, api } = await world();
    const products = await api.get(`/api/v1/products?q=${encodeURIComponent(w.widget.sku)}`);
    expect(products.status).toBe(200);
    const items = products.body.items as { sku: string; price: { amountMinor: number; currency: string }; listPrice: { amountMinor: number } }[];
    expect(items.map((p) => p.sku)).toEqual([w.widget.sku]);
    expect(items[0]!.price).toEqual({ amountMinor: 90_00, currency: "CNY" });
    expect(items[0]!.listPrice.amountMinor).toBe(100_00);
    expect(products.headers.get("ratelimit-limit")).toBe(String(RATE_LIMIT));
    expect(Number(products.headers.get("ratelimit-remaining"))).toBe(RATE_LIMIT - 1);

    const stock = await api.get(`/api/v1/stock/${w.widget.sku}`);
    expect(stock.status).toBe(200);
    expect(stock.body.available).toBe(150);
    expect((stock.body.warehouses as { code: string; available: number }[]).map((x) => [x.code, x.available]).sort()).toEqual(
      [
        [w.east.code, 100],
        [w.north.code, 50],
      ].sort(),
    );

    const check = await api.get(`/api/v1/availability?sku=${w.widget.sku}&quantity=120&region=east&neededBy=${inDays(5)}`);
    expect(check.status).toBe(200);
    expect(check.body.shipNow).toBe(120);
    expect((check.body.warehouses as { code: string; shipNow: number }[])[0]).toMatchObject({ code: w.east.code, shipNow: 100 });

    const addresses = await api.get("/api/v1/addresses");
    expect((addresses.body.items as { id: number }[]).map((a) => a.id)).toEqual([w.addrA.id]);
    expectProblem(await api.get("/api/v1/stock/NO-SUCH-SKU"), 404, "not-found");
  });

  it("product pages follow the cursor to the end without repeats", async () => {
    const { api } = await world();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await api.get(`/api/v1/products?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      seen.push(...(res.body.items as { sku: string }[]).map((p) => p.sku));
      cursor = res.body.nextCursor as string | null;
      pages++;
    } while (cursor && pages < 10);
    expect(seen.length).toBe(2);
    expect(new Set(seen).size).toBe(2);
    expectProblem(await api.get("/api/v1/products?cursor=not-a-cursor"), 422, "validation");
  });
});

describe("dealer API: orders", () => {
  it("a draft submitted twice at once with one Idempotency-Key is one order; another body under the key is refused", async () => {
    const { w, api } = await world();
    const draft = await api.post("/api/v1/orders", orderBody(w));
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ status: "draft", number: null, total: { amountMinor: 180_00, currency: "CNY" } });
    expect(draft.headers.get("location")).toBe(`/api/v1/orders/${draft.body.id}`);
    const key = uniq("erp-submit-");
    const [one, two] = await Promise.all([
      api.post(`/api/v1/orders/${draft.body.id}/submit`, { version: draft.body.version }, { "Idempotency-Key": key }),
      api.post(`/api/v1/orders/${draft.body.id}/submit`, { version: draft.body.version }, { "Idempotency-Key": key }),
    ]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(one.body.number).toMatch(/^SO-2026-\d{6}$/);
    expect(two.body.number).toBe(one.body.number);
    expect((await ordersOf(w.dealerA.id)).filter((o) => o.number !== null)).toHaveLength(1);
    // The same key with another body: 422, nothing changes.
    const other = await api.post(`/api/v1/orders/${draft.body.id}/submit`, { version: 99 }, { "Idempotency-Key": key });
    expectProblem(other, 422, "idempotency-key-reused");
    // Without a key a submit is refused with the header named.
    const noKey = await api.post(`/api/v1/orders/${draft.body.id}/submit`, {});
    expectProblem(noKey, 422, "validation");
    expect(noKey.body.errors).toEqual([expect.objectContaining({ field: "header:Idempotency-Key" })]);
    const read = await api.get(`/api/v1/orders/${draft.body.id}`);
    expect(read.body).toMatchObject({ number: one.body.number, status: "submitted", lines: [expect.objectContaining({ sku: w.widget.sku, quantity: 2 })] });
  });

  it("create-and-submit in one call: the same key and body twice at once make one order (201 then 200); another body 422", async () => {
    const { w, api } = await world();
    const key = uniq("erp-create-");
    const body = orderBody(w, { submit: true });
    const results = await Promise.all([1, 2, 3].map(() => api.post("/api/v1/orders", body, { "Idempotency-Key": key })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await ordersOf(w.dealerA.id)).toHaveLength(1);
    const changed = await api.post("/api/v1/orders", orderBody(w, { submit: true, poReference: "ERP-PO-2" }), { "Idempotency-Key": key });
    expectProblem(changed, 422, "idempotency-key-reused");
    expect(await ordersOf(w.dealerA.id)).toHaveLength(1);
    expectProblem(await api.post("/api/v1/orders", body, { "Idempotency-Key": "bad key!" }), 422, "validation");
  });

  it("bad input answers 422 with field paths and writes nothing: unknown SKU, missing options of a custom line, a past date", async () => {
    const { w, api } = await world();
    const res = await api.post(
      "/api/v1/orders",
      {
        submit: true,
        addressId: w.addrA.id,
        requestedDate: "2020-01-01",
        lines: [
          { sku: "NOPE-1", quantity: 1 },
          { sku: w.custom.sku, quantity: 1, options: { color: "purple" } },
        ],
      },
      { "Idempotency-Key": uniq("bad-") },
    );
    expectProblem(res, 422, "validation");
    const fields = (res.body.errors as { field: string; pointer: string }[]).map((e) => e.pointer);
    expect(fields).toContain("/lines/0/sku");
    const ok = await api.post(
      "/api/v1/orders",
      { submit: true, ...orderBody(w), lines: [{ sku: w.custom.sku, quantity: 1, options: { color: "purple" } }] },
      { "Idempotency-Key": uniq("bad-") },
    );
    expectProblem(ok, 422, "validation");
    expect((ok.body.errors as { pointer: string }[]).map((e) => e.pointer)).toEqual(
      expect.arrayContaining(["/lines/0/options/color", "/lines/0/options/width"]),
    );
    const past = await api.post("/api/v1/orders", { ...orderBody(w), requestedDate: "2020-01-01" });
    expectProblem(past, 422, "validation");
    expect((past.body.errors as { pointer: string }[]).map((e) => e.pointer)).toEqual(["/requestedDate"]);
    const shape = await api.post("/api/v1/orders", { lines: [{ sku: w.widget.sku, quantity: 1.5 }, { quantity: "x" }] });
    expectProblem(shape, 422, "validation");
    expect((shape.body.errors as { pointer: string }[]).map((e) => e.pointer)).toEqual(expect.arrayContaining(["/lines/0/quantity", "/lines/1/sku"]));
    // Custom options right: a draft with the custom line is accepted.
    const custom = await api.post("/api/v1/orders", { ...orderBody(w), lines: [{ sku: w.custom.sku, quantity: 1, options: customOptions }] });
    expect(custom.status).toBe(201);
    expect(await ordersOf(w.dealerA.id)).toHaveLength(1);
  });

  it("lists orders by last change with status and updatedSince filters and a cursor over (updatedAt, id)", async () => {
    const { w, api } = await world();
    const a = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 1 }]);
    setClock("2026-12-06T05:00:00Z");
    const b = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 1 }]);
    const c = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 1 }]);
    await submitNew(w.b.dealer_sales, w.addrB.id, [{ productId: w.widget.id, quantity: 1 }]);
    const first = await api.get("/api/v1/orders?limit=2");
    expect((first.body.items as { id: number }[]).map((o) => o.id)).toEqual([a.id, Math.min(b.id, c.id)]);
    const second = await api.get(`/api/v1/orders?limit=2&cursor=${first.body.nextCursor as string}`);
    expect((second.body.items as { id: number }[]).map((o) => o.id)).toEqual([Math.max(b.id, c.id)]);
    expect(second.body.nextCursor).toBeNull();
    const since = await api.get(`/api/v1/orders?updatedSince=${encodeURIComponent("2026-12-06T04:30:00Z")}`);
    expect((since.body.items as { id: number }[]).map((o) => o.id).sort()).toEqual([b.id, c.id].sort());
    expect((await api.get("/api/v1/orders?status=draft")).body.items).toEqual([]);
    expectProblem(await api.get("/api/v1/orders?status=lost"), 422, "validation");
    expectProblem(await api.get("/api/v1/orders?updatedSince=yesterday"), 422, "validation");
  });

  it("cancel where allowed (409 when not) and confirm delivery of a shipment", async () => {
    const { w, api } = await world();
    const submitted = await orderIn(w, "submitted");
    const cancelled = await api.post(`/api/v1/orders/${submitted.id}/cancel`, { version: submitted.version, note: "ERP cancelled" });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
    expectProblem(await api.post(`/api/v1/orders/${submitted.id}/cancel`, { version: cancelled.body.version }), 409, "conflict");
    const shipped = await orderIn(w, "shipped");
    const order = await api.get(`/api/v1/orders/${shipped.id}`);
    const shipment = (order.body.shipments as { id: number; deliveredAt: string | null }[])[0]!;
    expect(shipment.deliveredAt).toBeNull();
    const stale = await api.post(`/api/v1/orders/${shipped.id}/shipments/${shipment.id}/confirm-delivery`, { version: shipped.version - 1 });
    expectProblem(stale, 409, "conflict");
    const done = await api.post(`/api/v1/orders/${shipped.id}/shipments/${shipment.id}/confirm-delivery`, { version: shipped.version });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe("delivered");
    expect((done.body.shipments as { deliveredAt: string | null }[])[0]!.deliveredAt).not.toBeNull();
  });

  it("every write through a write scope is audited with the token's name", async () => {
    const { w, api, token } = await world();
    const draft = await api.post("/api/v1/orders", orderBody(w));
    await api.post(`/api/v1/orders/${draft.body.id}/submit`, {}, { "Idempotency-Key": uniq("audit-") });
    const rows = await getDb().selectFrom("audit_log").select(["action", "summary"]).where("entity_id", "=", String(draft.body.id)).execute();
    expect(rows.map((r) => r.action).sort()).toEqual(["order.draft_created", "order.draft_saved", "order.submitted"].sort());
    for (const r of rows) expect(JSON.parse(r.summary!)).toMatchObject({ apiToken: { id: token.id, name: expect.stringContaining("ERP") } });
  });
});

describe("dealer API: statements and ledger", () => {
  async function withStatement() {
    const x = await world();
    await post(x.w.dealerA.id, "invoice", 500_00, "2026-10-03", { reference: "INV-A-1" });
    await post(x.w.dealerA.id, "payment", -200_00, "2026-10-09", { reference: "PAY-A-1" });
    await post(x.w.dealerB.id, "invoice", 700_00, "2026-10-03");
    await issueStatements(sys(), { period: "2026-10" });
    return { ...x, sa: (await statementOf(x.w.dealerA.id, "2026-10"))!, sb: (await statementOf(x.w.dealerB.id, "2026-10"))! };
  }

  it("reads statements with their lines; disputes a line; confirms; another dealer's statement is 404", async () => {
    const { api, sa, sb } = await withStatement();
    const list = await api.get("/api/v1/statements");
    expect((list.body.items as { id: number }[]).map((s) => s.id)).toEqual([sa.id]);
    const s = await api.get(`/api/v1/statements/${sa.id}`);
    expect(s.body).toMatchObject({ period: "2026-10", closing: { amountMinor: 300_00, currency: "CNY" } });
    const lines = s.body.lines as { id: number; reference: string; amount: { amountMinor: number } }[];
    expect(lines.map((l) => l.reference)).toEqual(["INV-A-1", "PAY-A-1"]);
    const tooMuch = await api.post(`/api/v1/statements/${sa.id}/lines/${lines[0]!.id}/dispute`, { reasonCode: "price_differs", amountMinor: 900_00 });
    expectProblem(tooMuch, 422, "validation");
    expect((tooMuch.body.errors as { pointer: string }[]).map((e) => e.pointer)).toEqual(["/amountMinor"]);
    const disputed = await api.post(`/api/v1/statements/${sa.id}/lines/${lines[0]!.id}/dispute`, {
      reasonCode: "price_differs",
      amountMinor: 50_00,
      comment: "Agreed 450",
    });
    expect(disputed.status).toBe(201);
    expect((disputed.body.lines as { disputeStatus: string | null }[])[0]!.disputeStatus).toBe("open");
    const confirmed = await api.post(`/api/v1/statements/${sa.id}/confirm`, { version: disputed.body.version });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.confirmedAt).not.toBeNull();
    expectProblem(await api.post(`/api/v1/statements/${sa.id}/confirm`, { version: confirmed.body.version }), 409, "conflict");
    expectProblem(await api.get(`/api/v1/statements/${sb.id}`), 404, "not-found");
    expectProblem(await api.post(`/api/v1/statements/${sb.id}/confirm`, { version: 1 }), 404, "not-found");
  });

  it("ledger entries since a cursor: every entry once, in posting order, only the dealer's own", async () => {
    const { api, w } = await withStatement();
    const first = await api.get("/api/v1/ledger-entries?limit=1");
    expect((first.body.items as { reference: string }[]).map((e) => e.reference)).toEqual(["INV-A-1"]);
    setClock("2026-12-06T06:00:00Z");
    await post(w.dealerA.id, "fee", 30_00, "2026-12-06", { reference: "FEE-LATE" });
    const rest = await api.get(`/api/v1/ledger-entries?cursor=${first.body.nextCursor as string}`);
    expect((rest.body.items as { reference: string }[]).map((e) => e.reference)).toEqual(["PAY-A-1", "FEE-LATE"]);
    expect(rest.body.nextCursor).toBeNull();
  });
});

describe("dealer API: authentication, scopes and scope of records", () => {
  it("401 without a token, with an unknown, revoked or expired token, or from an address outside the allow-list; a session cookie never authenticates", async () => {
    const { w, api, token } = await world();
    const none = await api.with(null).get("/api/v1/orders");
    expectProblem(none, 401, "unauthorized");
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expectProblem(await api.with("ddk_0000_nope").get("/api/v1/orders"), 401, "unauthorized");
    expectProblem(await api.with("Basic abc").get("/api/v1/orders"), 401, "unauthorized");
    const cookie = (await createSession(w.a.dealer_admin)).cookie;
    expectProblem(await api.with(null).get("/api/v1/orders", { Cookie: cookie }), 401, "unauthorized");
    expectProblem(await api.with(null).call("POST", "/api/v1/orders", { body: orderBody(w), headers: { Cookie: cookie, Origin: base } }), 401, "unauthorized");

    const expiring = await tokenFor(w.a.dealer_admin, ["orders:read"], { expiresOn: "2026-12-07" });
    expect((await api.with(expiring.secret).get("/api/v1/orders")).status).toBe(200);
    setClock("2026-12-08T00:00:00Z");
    expectProblem(await api.with(expiring.secret).get("/api/v1/orders"), 401, "unauthorized");

    const fenced = await tokenFor(w.a.dealer_admin, ["orders:read"], { ipAllow: ["203.0.113.0/24"] });
    expectProblem(await api.with(fenced.secret).get("/api/v1/orders"), 401, "unauthorized");
    const local = await tokenFor(w.a.dealer_admin, ["orders:read"], { ipAllow: ["127.0.0.1", "::1"] });
    expect((await api.with(local.secret).get("/api/v1/orders")).status).toBe(200);

    await revokeToken(actorFor(w.a.dealer_admin), w.dealerA.id, token.id);
    expectProblem(await api.get("/api/v1/orders"), 401, "unauthorized");
    const row = await getDb().selectFrom("api_tokens").select(["secret_hash", "last_used_at"]).where("id", "=", token.id).executeTakeFirstOrThrow();
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.secret_hash).not.toContain(token.secret.slice(4));
  });

  const ENDPOINTS: { method: "GET" | "POST"; path: (x: Ids) => string; scope: string; body?: Record<string, unknown> }[] = [
    { method: "GET", path: () => "/api/v1/products", scope: "catalog:read" },
    { method: "GET", path: (x) => `/api/v1/stock/${x.sku}`, scope: "stock:read" },
    { method: "GET", path: (x) => `/api/v1/availability?sku=${x.sku}&quantity=1`, scope: "stock:read" },
    { method: "GET", path: () => "/api/v1/addresses", scope: "orders:read" },
    { method: "GET", path: () => "/api/v1/orders", scope: "orders:read" },
    { method: "GET", path: (x) => `/api/v1/orders/${x.orderId}`, scope: "orders:read" },
    { method: "POST", path: () => "/api/v1/orders", scope: "orders:write", body: { lines: [] } },
    { method: "POST", path: (x) => `/api/v1/orders/${x.draftId}/submit`, scope: "orders:write" },
    { method: "POST", path: (x) => `/api/v1/orders/${x.orderId}/cancel`, scope: "orders:write", body: { version: 1 } },
    { method: "POST", path: (x) => `/api/v1/orders/${x.shippedId}/shipments/${x.shipmentId}/confirm-delivery`, scope: "orders:write", body: { version: 1 } },
    { method: "GET", path: () => "/api/v1/statements", scope: "statements:read" },
    { method: "GET", path: (x) => `/api/v1/statements/${x.statementId}`, scope: "statements:read" },
    { method: "POST", path: (x) => `/api/v1/statements/${x.statementId}/confirm`, scope: "statements:write", body: { version: 1 } },
    {
      method: "POST",
      path: (x) => `/api/v1/statements/${x.statementId}/lines/${x.lineId}/dispute`,
      scope: "statements:write",
      body: { reasonCode: "other", amountMinor: 1 },
    },
    { method: "GET", path: () => "/api/v1/ledger-entries", scope: "ledger:read" },
  ];
  type Ids = { sku: string; orderId: number; draftId: number; shippedId: number; shipmentId: number; statementId: number; lineId: number };

  it("every endpoint: 403 for a token without its scope; another dealer's records 404; revoked 401", async () => {
    const { w, api } = await world();
    const order = await orderIn(w, "submitted");
    const shipped = await orderIn(w, "shipped");
    const draft = await api.post("/api/v1/orders", orderBody(w));
    const shipment = await getDb().selectFrom("shipments").select("id").where("order_id", "=", shipped.id).executeTakeFirstOrThrow();
    await post(w.dealerA.id, "invoice", 500_00, "2026-10-03");
    await issueStatements(sys(), { period: "2026-10" });
    const sa = (await statementOf(w.dealerA.id, "2026-10"))!;
    const line = await getDb().selectFrom("statement_lines").select("id").where("statement_id", "=", sa.id).executeTakeFirstOrThrow();
    const ids: Ids = {
      sku: w.widget.sku,
      orderId: order.id,
      draftId: draft.body.id as number,
      shippedId: shipped.id,
      shipmentId: shipment.id,
      statementId: sa.id,
      lineId: line.id,
    };
    const headers = { "Idempotency-Key": uniq("matrix-") };
    const call = (c: ApiClient, e: (typeof ENDPOINTS)[number]) => (e.method === "GET" ? c.get(e.path(ids)) : c.post(e.path(ids), e.body ?? {}, headers));

    const allScopes = ["catalog:read", "stock:read", "orders:read", "orders:write", "statements:read", "statements:write", "ledger:read"] as const;
    for (const e of ENDPOINTS) {
      const others = allScopes.filter((s) => s !== e.scope);
      const without = await tokenFor(w.a.dealer_admin, others);
      expectProblem(await call(api.with(without.secret), e), 403, "forbidden");
    }
    // Dealer B's token with every scope: A's records are not found.
    const b = api.with((await tokenFor(w.b.dealer_admin)).secret);
    const recordPaths = ENDPOINTS.filter((e) => /\/(orders|statements)\/\d/.test(e.path(ids)));
    expect(recordPaths).toHaveLength(7);
    for (const e of recordPaths) expectProblem(await call(b, e), 404, "not-found");
    const revoked = await tokenFor(w.a.dealer_admin);
    await revokeToken(actorFor(w.staff.admin), w.dealerA.id, revoked.id);
    for (const e of ENDPOINTS) expectProblem(await call(api.with(revoked.secret), e), 401, "unauthorized");
    // Nothing changed on A's records.
    expect((await getDb().selectFrom("orders").select("version").where("id", "=", order.id).executeTakeFirstOrThrow()).version).toBe(order.version);
    expect((await getDb().selectFrom("disputes").select("id").execute()).length).toBe(0);
  });

  it("the rate limit per token answers 429 with RateLimit headers and Retry-After; another token is not affected", async () => {
    const { w, api } = await world();
    const results = [];
    for (let i = 0; i <= RATE_LIMIT; i++) results.push(await api.get("/api/v1/addresses"));
    expect(results.slice(0, RATE_LIMIT).every((r) => r.status === 200)).toBe(true);
    expect(results[0]!.headers.get("ratelimit-remaining")).toBe(String(RATE_LIMIT - 1));
    expect(results[RATE_LIMIT - 1]!.headers.get("ratelimit-remaining")).toBe("0");
    const refused = results[RATE_LIMIT]!;
    expectProblem(refused, 429, "rate-limited");
    expect(refused.headers.get("ratelimit-limit")).toBe(String(RATE_LIMIT));
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // The count lives in the database (shared by every web process): one row per token and minute.
    const windows = await getDb().selectFrom("api_rate_windows").select(["hits"]).execute();
    expect(windows.map((x) => x.hits)).toEqual([RATE_LIMIT + 1]);
    const other = await tokenFor(w.a.dealer_admin, ["orders:read"]);
    expect((await api.with(other.secret).get("/api/v1/addresses")).status).toBe(200);
    // The next window opens a minute later.
    setClock("2026-12-06T04:01:00Z");
    expect((await api.get("/api/v1/addresses")).status).toBe(200);
  });

  it("bodies: 413 above the limit, 415 when not JSON, 422 for broken JSON; unknown paths and wrong methods are problems too", async () => {
    const { w, api } = await world();
    const big = "x".repeat(300_000);
    expectProblem(await api.call("POST", "/api/v1/orders", { raw: JSON.stringify({ notes: big }), headers: { "Content-Type": "application/json" } }), 413);
    expectProblem(
      await api.call("POST", "/api/v1/orders", { raw: "lines=1", headers: { "Content-Type": "application/x-www-form-urlencoded" } }),
      415,
      "unsupported-media-type",
    );
    expectProblem(await api.call("POST", "/api/v1/orders", { raw: '{"lines": [', headers: { "Content-Type": "application/json" } }), 422, "validation");
    expectProblem(await api.get("/api/v1/nothing-here"), 404, "not-found");
    expectProblem(await api.get(`/api/v1/orders/${w.addrA.id}/submit`), 405, "method-not-allowed");
    expectProblem(await api.get("/api/v1/orders/abc"), 404, "not-found");
    expectProblem(await api.post("/api/v1/products", {}), 405, "method-not-allowed");
    expect(await ordersOf(w.dealerA.id)).toHaveLength(0);
  });
});

/**
 * The dealer API end to end, as a dealer's ERP uses it (issue #25 item 5), and the contract: the
 * OpenAPI document is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator), every response
 * in this file is validated against it (Ajv 2020, tests/helpers/api.ts), and every operation it names is
 * called at least once. The ERP also receives the webhooks on a receiver on loopback: each is verified by
 * its signature and validated against the document's `webhooks`, and all five event types arrive.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { approveOrder, changePromiseDate, recordShipment } from "../../app/modules/orders/orders.server";
import { resolveDispute } from "../../app/modules/statements/statements.server";
import { createEndpoint } from "../../app/modules/webhooks/webhooks.server";
import { sendDueWebhooks } from "../../app/modules/webhooks/delivery.server";
import { verifySignature } from "../../app/modules/webhooks/signing.server";
import { WEBHOOK_EVENT_TYPES } from "../../app/modules/webhooks/webhooks.schema";
import { systemActor } from "../../app/modules/auth/actor";
import { issueStatements } from "../../app/modules/statements/issue.server";
import { actorFor, uniq } from "../factories";
import { inDays, orderWorld } from "../factories/orders";
import { ApiClient, Contract, tokenFor } from "../helpers/api";
import { setClock } from "../helpers/clock";
import { startTestServer, stopTestServer } from "../helpers/http";
import { sys } from "../helpers/ledger";
import { vi } from "vitest";

let base: string;
let contract: Contract;

// The ERP's webhook receiver, on loopback: it keeps what it was sent and answers 204.
type Received = { headers: IncomingHttpHeaders; body: string };
const received: Received[] = [];
const receiver = createServer((req, res) => {
  let data = "";
  req.setEncoding("utf8");
  req.on("data", (c: string) => (data += c));
  req.on("end", () => {
    received.push({ headers: req.headers, body: data });
    res.writeHead(204).end();
  });
});
let hookUrl = "";

beforeAll(async () => {
  base = (await startTestServer()).url;
  contract = await Contract.load(base);
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/erp/webhooks`;
});
afterAll(async () => {
  vi.useRealTimers();
  await new Promise((r) => receiver.close(r));
  await stopTestServer();
});

/** The sender's run (the job does the same every minute). */
async function deliverWebhooks() {
  const r = await sendDueWebhooks({ owner: "erp-test", actor: systemActor(1, "test") });
  expect(r.failed + r.retrying, JSON.stringify(r)).toBe(0);
}

type Product = { id: number; sku: string; price: { amountMinor: number; currency: string } };
type Order = {
  id: number;
  number: string | null;
  status: string;
  version: number;
  total: { amountMinor: number };
  shipments: { id: number; number: string }[];
};

describe("the dealer API as an ERP uses it", () => {
  it("is described by a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const res = await validator.validate(contract.doc as unknown as Parameters<Validator["validate"]>[0]);
    expect(res.errors ?? [], JSON.stringify(res.errors)).toEqual([]);
    expect(res.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it(
    "prices, stock, an order submitted twice at once under one key (one order), shipped, delivered, invoiced on the statement",
    { timeout: 120_000 },
    async () => {
      setClock("2026-12-07T02:00:00Z");
      const w = await orderWorld();
      // The dealer administrator gives the ERP a token with what it needs.
      const token = await tokenFor(
        w.a.dealer_admin,
        ["catalog:read", "stock:read", "orders:read", "orders:write", "statements:read", "statements:write", "ledger:read"],
        {
          name: "ERP production",
        },
      );
      const erp = new ApiClient(base, token.secret, contract);

      // 1. Prices: the ERP reads the catalog page by page and keeps the dealer's price of each SKU.
      const prices = new Map<string, Product>();
      let cursor: string | null = null;
      do {
        const page = await erp.get(`/api/v1/products?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
        expect(page.status).toBe(200);
        for (const p of page.body.items as Product[]) prices.set(p.sku, p);
        cursor = page.body.nextCursor as string | null;
      } while (cursor);
      expect(prices.get(w.widget.sku)!.price).toEqual({ amountMinor: 90_00, currency: "CNY" });

      // 2. Stock: 120 units by a date near the east region.
      const stock = await erp.get(`/api/v1/stock/${w.widget.sku}`);
      expect(stock.body.available).toBe(150);
      const check = await erp.get(`/api/v1/availability?sku=${w.widget.sku}&quantity=120&neededBy=${inDays(7)}&region=east`);
      expect(check.body).toMatchObject({ shipNow: 120, meetsNeededBy: true });
      const address = ((await erp.get("/api/v1/addresses")).body.items as { id: number }[])[0]!;

      // The dealer administrator registers the ERP's receiver for every event (on /settings/webhooks).
      const hook = await createEndpoint(actorFor(w.a.dealer_admin), { url: hookUrl, description: "ERP production", events: [...WEBHOOK_EVENT_TYPES] });

      // 3. The order, sent twice at once (a retry after a timeout) with one Idempotency-Key: one order.
      const key = `erp-po-${uniq()}`;
      const body = { submit: true, addressId: address.id, requestedDate: inDays(10), poReference: "PO-ERP-42", lines: [{ sku: w.widget.sku, quantity: 12 }] };
      const [a, b] = await Promise.all([
        erp.post("/api/v1/orders", body, { "Idempotency-Key": key }),
        erp.post("/api/v1/orders", body, { "Idempotency-Key": key }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 201]);
      expect(a.body.id).toBe(b.body.id);
      const orders = await getDb().selectFrom("orders").select(["id"]).where("dealer_id", "=", w.dealerA.id).execute();
      expect(orders).toHaveLength(1);
      const submitted = (await erp.get(`/api/v1/orders/${a.body.id as number}`)).body as unknown as Order;
      expect(submitted).toMatchObject({ status: "submitted", total: { amountMinor: 12 * 90_00 } });
      expect(submitted.number).toMatch(/^SO-2026-/);

      // 4. The order desk approves and ships it; the ERP picks the change up by polling updatedSince.
      setClock("2026-12-08T02:00:00Z");
      const ops = actorFor(w.staff.ops);
      await approveOrder(ops, submitted.id, { version: submitted.version });
      const versionOf = async () => (await getDb().selectFrom("orders").select("version").where("id", "=", submitted.id).executeTakeFirstOrThrow()).version;
      const newPromise = inDays(13);
      await changePromiseDate(ops, submitted.id, { version: await versionOf(), lineId: null, newDate: newPromise, reason: "Production slot moved" });
      const line = await getDb().selectFrom("order_lines").select(["id", "quantity"]).where("order_id", "=", submitted.id).executeTakeFirstOrThrow();
      const approvedVersion = await versionOf();
      await recordShipment(ops, submitted.id, {
        version: approvedVersion,
        warehouseId: w.east.id,
        carrier: "SF Express",
        trackingNumber: "SF100200300",
        shippedOn: "2026-12-08",
        lines: [{ lineId: line.id, quantity: line.quantity }],
      });
      const changed = await erp.get(`/api/v1/orders?updatedSince=${encodeURIComponent("2026-12-08T00:00:00Z")}`);
      const shipped = (changed.body.items as Order[]).find((o) => o.id === submitted.id)!;
      expect(shipped.status).toBe("shipped");
      const full = (await erp.get(`/api/v1/orders/${submitted.id}`)).body as unknown as Order;
      expect(full.shipments).toHaveLength(1);

      // 5. Goods received: the ERP confirms delivery.
      const delivered = await erp.post(`/api/v1/orders/${submitted.id}/shipments/${full.shipments[0]!.id}/confirm-delivery`, { version: full.version });
      expect(delivered.body.status).toBe("delivered");

      // 6. The month closes; the ERP reads the invoice of its shipment on the statement and in the ledger.
      setClock("2027-01-04T02:00:00Z");
      await issueStatements(sys(), { period: "2026-12" });
      const statements = (await erp.get("/api/v1/statements")).body.items as { id: number; period: string }[];
      const december = statements.find((s) => s.period === "2026-12")!;
      const statement = await erp.get(`/api/v1/statements/${december.id}`);
      const invoice = (
        statement.body.lines as { id: number; entryType: string; orderNumber: string | null; shipmentNumber: string | null; amount: { amountMinor: number } }[]
      ).find((l) => l.orderNumber === submitted.number)!;
      expect(invoice).toMatchObject({ entryType: "invoice", shipmentNumber: full.shipments[0]!.number, amount: { amountMinor: 12 * 90_00 } });
      const ledger = await erp.get("/api/v1/ledger-entries");
      expect(
        (ledger.body.items as { orderNumber: string | null; entryType: string }[]).filter((e) => e.orderNumber === submitted.number).map((e) => e.entryType),
      ).toEqual(["invoice"]);

      // 7. Finance on the dealer's side disputes a line and confirms the rest, through the API too.
      const disputed = await erp.post(`/api/v1/statements/${december.id}/lines/${invoice.id}/dispute`, {
        reasonCode: "quantity_differs",
        amountMinor: 90_00,
        comment: "1 unit damaged",
      });
      expect(disputed.status).toBe(201);
      const confirmed = await erp.post(`/api/v1/statements/${december.id}/confirm`, { version: disputed.body.version });
      expect(confirmed.status).toBe(200);
      const dispute = await getDb().selectFrom("disputes").select(["id", "version"]).where("statement_id", "=", december.id).executeTakeFirstOrThrow();
      await resolveDispute(actorFor(w.staff.finance), dispute.id, { decision: "accept", note: "Credit for the damaged unit", version: dispute.version });

      // 8. The webhooks: every one signed with the endpoint's secret, described by the document, and
      // together they tell the ERP the story it also read by polling.
      await deliverWebhooks();
      const nowSeconds = Math.floor(Date.now() / 1000);
      const events = received.map((r) => {
        expect(r.headers["content-type"]).toMatch(/^application\/json/);
        expect(verifySignature(hook.secret, String(r.headers["dealer-desk-signature"]), r.body, nowSeconds), "signature").toBe(true);
        expect(verifySignature("not-the-secret", String(r.headers["dealer-desk-signature"]), r.body, nowSeconds)).toBe(false);
        const e = JSON.parse(r.body) as { id: string; type: string; dealer: { id: number }; data: Record<string, Record<string, unknown>> };
        expect(r.headers["dealer-desk-event-id"]).toBe(e.id);
        expect(r.headers["dealer-desk-event-type"]).toBe(e.type);
        expect(e.dealer.id).toBe(w.dealerA.id);
        contract.checkWebhook(e.type, e);
        return e;
      });
      expect(new Set(events.map((e) => e.type))).toEqual(new Set(WEBHOOK_EVENT_TYPES));
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
      const statusesSeen = events
        .filter((e) => e.type === "order.status_changed" && e.data.order!.number === submitted.number)
        .map((e) => e.data.order!.status);
      expect(statusesSeen).toEqual(expect.arrayContaining(["approved", "shipped", "delivered"]));
      const shipmentEvent = events.find((e) => e.type === "shipment.created")!;
      expect(shipmentEvent.data.shipment).toMatchObject({ number: full.shipments[0]!.number, tracking_number: "SF100200300", value_minor: 12 * 90_00 });
      expect(events.find((e) => e.type === "order.promise_date_changed")!.data.order).toMatchObject({ number: submitted.number, promised_date: newPromise });
      expect(events.find((e) => e.type === "statement.issued")!.data.statement).toMatchObject({ id: december.id, period: "2026-12" });
      expect(events.find((e) => e.type === "dispute.resolved")!.data.dispute).toMatchObject({ id: dispute.id, decision: "accepted", amount_minor: 90_00 });
      // Delivered once: a second run sends nothing more.
      const count = received.length;
      await deliverWebhooks();
      expect(received).toHaveLength(count);

      // The other operations once, so that every one in the document is answered and validated here.
      const draft = await erp.post("/api/v1/orders", { ...body, submit: false, requestedDate: inDays(10) });
      expect(draft.status).toBe(201);
      const sent = await erp.post(`/api/v1/orders/${draft.body.id as number}/submit`, { version: draft.body.version }, { "Idempotency-Key": `${key}-2` });
      expect(sent.status).toBe(200);
      const cancelled = await erp.post(`/api/v1/orders/${draft.body.id as number}/cancel`, { version: sent.body.version });
      expect(cancelled.body.status).toBe("cancelled");
      expect((await erp.with(null).get("/api/v1/orders")).status).toBe(401);
    },
  );

  it("answered every operation of the document with a response the document describes", () => {
    const operations = Object.entries(contract.doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const answered = new Set([...contract.seen].map((s) => s.split(" ").slice(0, 2).join(" ")));
    expect(operations.filter((o) => !answered.has(o))).toEqual([]);
    expect(contract.checked.length).toBeGreaterThan(operations.length);
  });
});

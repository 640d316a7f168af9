/**
 * The dealer API end to end, as a dealer's ERP uses it (issue #25 item 5), and the contract: the
 * OpenAPI document is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator), every response
 * in this file is validated against it (Ajv 2020, tests/helpers/api.ts), and every operation it names is
 * called at least once. Webhook receipt is not part of this file (the webhooks are built separately).
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { approveOrder, recordShipment } from "../../app/modules/orders/orders.server";
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
beforeAll(async () => {
  base = (await startTestServer()).url;
  contract = await Contract.load(base);
});
afterAll(async () => {
  vi.useRealTimers();
  await stopTestServer();
});

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
      const line = await getDb().selectFrom("order_lines").select(["id", "quantity"]).where("order_id", "=", submitted.id).executeTakeFirstOrThrow();
      const approvedVersion = (await getDb().selectFrom("orders").select("version").where("id", "=", submitted.id).executeTakeFirstOrThrow()).version;
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

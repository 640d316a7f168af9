/**
 * The orders pages and actions called as Remix would call them (loader/action
 * with a real session cookie): scope (404), roles (403), conflicts (409),
 * bad input (400), idempotent submit, tampered prices, CSV.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { requestAs, uniq, type TestUser } from "../factories";
import { freshDraft, inDays, orderRow, orderWorld, submitNew, type World } from "../factories/orders";
import * as newRoute from "../../app/routes/orders.new";
import * as draftRoute from "../../app/routes/orders.drafts.$id";
import * as orderRoute from "../../app/routes/orders.$number";
import * as listRoute from "../../app/routes/orders._index";
import * as reviewRoute from "../../app/routes/review.orders";
import * as addressRoute from "../../app/routes/orders.addresses";

type Fn = (args: LoaderFunctionArgs & ActionFunctionArgs) => Promise<unknown>;

async function call(
  fn: unknown,
  user: TestUser | null,
  path: string,
  params: Record<string, string> = {},
  form?: Record<string, string | string[]>,
): Promise<Response> {
  const request = await requestAs(user, path, form ? { form } : {});
  try {
    const r = await (fn as Fn)({ request, params, context: {} });
    return r instanceof Response ? r : new Response(JSON.stringify(r), { status: 200 });
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
}

const lineForm = (w: World, extra: Record<string, string> = {}) => ({
  addressId: String(w.addrA.id),
  requestedDate: inDays(10),
  poReference: "PO-1",
  "lines.0.productId": String(w.widget.id),
  "lines.0.quantity": "2",
  ...extra,
});

describe("orders routes: scope and roles", () => {
  it("dealer B gets 404 on dealer A's order page, actions, draft page and draft actions", async () => {
    const w = await orderWorld();
    const r = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 1 }]);
    const o = await orderRow(r.id);
    const draft = await freshDraft(w);
    for (const u of [w.b.dealer_admin, w.b.dealer_sales, w.b.dealer_finance]) {
      expect((await call(orderRoute.loader, u, `/orders/${r.number}`, { number: r.number })).status, u.role).toBe(404);
      expect((await call(draftRoute.loader, u, `/orders/drafts/${draft.id}`, { id: String(draft.id) })).status, u.role).toBe(
        u.role === "dealer_finance" ? 403 : 404,
      );
    }
    for (const u of [w.b.dealer_admin, w.b.dealer_sales]) {
      for (const intent of ["cancel", "confirm_delivery"]) {
        const res = await call(
          orderRoute.action,
          u,
          `/orders/${r.number}`,
          { number: r.number },
          { intent, orderId: String(r.id), version: String(o.version), shipmentId: "1", note: "" },
        );
        expect(res.status, `${u.role} ${intent}`).toBe(404);
      }
      for (const intent of ["save", "submit", "delete"]) {
        const res = await call(
          draftRoute.action,
          u,
          `/orders/drafts/${draft.id}`,
          { id: String(draft.id) },
          { ...lineForm(w), intent, version: String(draft.version), submitKey: uniq("key-") },
        );
        expect(res.status, `${u.role} ${intent}`).toBe(404);
      }
    }
    expect((await orderRow(r.id)).version).toBe(o.version);
    expect((await orderRow(draft.id)).version).toBe(draft.version);
  });

  it("account managers and every manufacturer role cannot create, submit or change an order as the dealer (403)", async () => {
    const w = await orderWorld();
    const draft = await freshDraft(w);
    const r = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 1 }]);
    const o = await orderRow(r.id);
    for (const u of [w.staff.account_manager, w.staff.ops, w.staff.finance, w.staff.admin, w.a.dealer_finance]) {
      expect((await call(newRoute.loader, u, "/orders/new")).status, u.role).toBe(403);
      for (const intent of ["save", "submit", "add:1"]) {
        expect((await call(newRoute.action, u, "/orders/new", {}, { ...lineForm(w), intent, submitKey: uniq("key-") })).status, `${u.role} new ${intent}`).toBe(
          403,
        );
        expect(
          (
            await call(
              draftRoute.action,
              u,
              `/orders/drafts/${draft.id}`,
              { id: String(draft.id) },
              { ...lineForm(w), intent, version: String(draft.version), submitKey: uniq("key-") },
            )
          ).status,
          `${u.role} draft ${intent}`,
        ).toBe(403);
      }
      expect(
        (await call(draftRoute.action, u, `/orders/drafts/${draft.id}`, { id: String(draft.id) }, { intent: "delete", version: String(draft.version) })).status,
        `${u.role} delete`,
      ).toBe(403);
    }
    // The account manager reads the order but can do nothing with it.
    expect((await call(orderRoute.loader, w.staff.account_manager, `/orders/${r.number}`, { number: r.number })).status).toBe(200);
    for (const intent of ["cancel", "approve", "reject", "send_back", "release_hold", "ship", "confirm_delivery", "change_promise", "recheck_backorders"]) {
      const res = await call(
        orderRoute.action,
        w.staff.account_manager,
        `/orders/${r.number}`,
        { number: r.number },
        {
          intent,
          orderId: String(r.id),
          version: String(o.version),
          note: "x",
          shipmentId: "1",
          newDate: inDays(5),
          reason: "x",
          warehouseId: String(w.east.id),
          carrier: "SF",
          trackingNumber: "T",
          shippedOn: inDays(0),
        },
      );
      expect(res.status, intent).toBe(403);
    }
    expect(await getDb().selectFrom("orders").select("id").execute()).toHaveLength(2);
    expect((await orderRow(r.id)).version).toBe(o.version);
    expect((await call(reviewRoute.loader, w.a.dealer_admin, "/review/orders")).status).toBe(403);
    expect((await call(reviewRoute.loader, w.staff.account_manager, "/review/orders")).status).toBe(403);
    expect((await call(reviewRoute.loader, w.staff.ops, "/review/orders")).status).toBe(200);
  });

  it("unknown or malformed order numbers are not found", async () => {
    const w = await orderWorld();
    expect((await call(orderRoute.loader, w.staff.ops, "/orders/SO-2026-999999", { number: "SO-2026-999999" })).status).toBe(404);
    expect((await call(orderRoute.loader, w.staff.ops, "/orders/1", { number: "1" })).status).toBe(404);
    expect((await call(draftRoute.loader, w.a.dealer_sales, "/orders/drafts/abc", { id: "abc" })).status).toBe(404);
  });
});

describe("orders routes: building and submitting", () => {
  it("ignores prices in the form: tampered fields never reach the order", async () => {
    const w = await orderWorld();
    const res = await call(
      newRoute.action,
      w.a.dealer_sales,
      "/orders/new",
      {},
      {
        ...lineForm(w, { "lines.0.unitPriceMinor": "1", "lines.0.unit_price_minor": "1", "lines.0.price": "0.01", totalMinor: "1", total_minor: "1" }),
        intent: "save",
      },
    );
    expect(res.status).toBe(302);
    const id = Number(/\/orders\/drafts\/(\d+)/.exec(res.headers.get("Location")!)![1]);
    const o = await orderRow(id);
    expect(o.total_minor).toBe(2 * 90_00);
    const [line] = await getDb().selectFrom("order_lines").selectAll().where("order_id", "=", id).execute();
    expect(line!.unit_price_minor).toBe(90_00);
  });

  it("the same submit form posted twice creates one order and shows it", async () => {
    const w = await orderWorld();
    const form = { ...lineForm(w), intent: "submit", submitKey: uniq("key-") };
    const first = await call(newRoute.action, w.a.dealer_sales, "/orders/new", {}, form);
    const second = await call(newRoute.action, w.a.dealer_sales, "/orders/new", {}, form);
    expect(first.status).toBe(302);
    expect(second.status).toBe(302);
    const number = /\/orders\/(SO-\d{4}-\d{6})\?submitted=submitted/.exec(first.headers.get("Location")!)![1];
    expect(second.headers.get("Location")).toBe(`/orders/${number}?submitted=again`);
    expect(await getDb().selectFrom("orders").select("id").execute()).toHaveLength(1);
    const page = await call(orderRoute.loader, w.a.dealer_sales, `/orders/${number}`, { number });
    expect(page.status).toBe(200);
  });

  it("bad input comes back as 400 with errors by line and the lines as typed", async () => {
    const w = await orderWorld();
    for (const q of ["0", "-3", "1.5", "two"]) {
      const res = await call(newRoute.action, w.a.dealer_sales, "/orders/new", {}, { ...lineForm(w, { "lines.0.quantity": q }), intent: "save" });
      expect(res.status, q).toBe(400);
      const body = (await res.json()) as { fieldErrors: Record<string, string>; lines: { quantity: string; sku: string }[] };
      expect(body.fieldErrors["lines.0.quantity"], q).toBeTruthy();
      expect(body.lines[0]).toMatchObject({ quantity: q, sku: w.widget.sku });
    }
    const past = await call(
      newRoute.action,
      w.a.dealer_sales,
      "/orders/new",
      {},
      { ...lineForm(w, { requestedDate: inDays(-2) }), intent: "submit", submitKey: uniq("key-") },
    );
    expect(past.status).toBe(400);
    expect(((await past.json()) as { fieldErrors: Record<string, string> }).fieldErrors.requestedDate).toMatch(/past/);
    const unknown = await call(newRoute.action, w.a.dealer_sales, "/orders/new", {}, { ...lineForm(w, { "lines.0.productId": "987654321" }), intent: "save" });
    expect(unknown.status).toBe(400);
    expect(await getDb().selectFrom("orders").select("id").execute()).toHaveLength(0);
  });

  it("adding and removing lines works by plain form posts", async () => {
    const w = await orderWorld();
    const added = await call(newRoute.action, w.a.dealer_sales, "/orders/new?q=SKU", {}, { ...lineForm(w), intent: `add:${w.custom.id}` });
    expect(added.status).toBe(302);
    const id = Number(/\/orders\/drafts\/(\d+)/.exec(added.headers.get("Location")!)![1]);
    expect(added.headers.get("Location")).toContain("q=SKU");
    let lines = await getDb().selectFrom("order_lines").select(["product_id", "quantity"]).where("order_id", "=", id).orderBy("line_no").execute();
    expect(lines.map((l) => l.product_id)).toEqual([w.widget.id, w.custom.id]);
    const v = (await orderRow(id)).version;
    const removed = await call(
      draftRoute.action,
      w.a.dealer_sales,
      `/orders/drafts/${id}`,
      { id: String(id) },
      { ...lineForm(w), "lines.1.productId": String(w.custom.id), "lines.1.quantity": "1", intent: "remove:0", version: String(v) },
    );
    expect(removed.status).toBe(302);
    lines = await getDb().selectFrom("order_lines").select(["product_id", "quantity"]).where("order_id", "=", id).orderBy("line_no").execute();
    expect(lines.map((l) => l.product_id)).toEqual([w.custom.id]);
  });

  it("saving or submitting a draft that changed since it was loaded is a 409 with a clear message", async () => {
    const w = await orderWorld();
    const draft = await freshDraft(w);
    const ok = await call(
      draftRoute.action,
      w.a.dealer_admin,
      `/orders/drafts/${draft.id}`,
      { id: String(draft.id) },
      { ...lineForm(w), intent: "save", version: String(draft.version) },
    );
    expect(ok.status).toBe(302);
    const stale = await call(
      draftRoute.action,
      w.a.dealer_sales,
      `/orders/drafts/${draft.id}`,
      { id: String(draft.id) },
      { ...lineForm(w, { "lines.0.quantity": "9" }), intent: "submit", version: String(draft.version), submitKey: uniq("key-") },
    );
    expect(stale.status).toBe(409);
    const body = (await stale.json()) as { formError: string; conflict: boolean; lines: unknown[] };
    expect(body.formError).toMatch(/changed by someone else/);
    expect(body.conflict).toBe(true);
    expect(body.lines).toHaveLength(1);
    expect((await orderRow(draft.id)).status).toBe("draft");
  });

  it("two ops approving from their screens at once: one wins, the other sees 409", async () => {
    const w = await orderWorld();
    const r = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 1 }]);
    const v = String((await orderRow(r.id)).version);
    const form = { intent: "approve", orderId: String(r.id), version: v };
    const [x, y] = await Promise.all([
      call(orderRoute.action, w.staff.ops, `/orders/${r.number}`, { number: r.number }, form),
      call(orderRoute.action, w.staff.admin, `/orders/${r.number}`, { number: r.number }, form),
    ]);
    expect([x.status, y.status].sort()).toEqual([302, 409]);
  });
});

describe("orders routes: lists, CSV and addresses", () => {
  it("lists and exports only what the caller may see", async () => {
    const w = await orderWorld();
    const a = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 1 }]);
    const b = await submitNew(w.b.dealer_sales, w.addrB.id, [{ productId: w.widget.id, quantity: 1 }]);
    const csv = await call(listRoute.loader, w.b.dealer_admin, "/orders?format=csv");
    expect(csv.headers.get("Content-Type")).toMatch(/text\/csv/);
    const text = await csv.text();
    expect(text).toContain(b.number);
    expect(text).not.toContain(a.number);
    const opsCsv = await (await call(listRoute.loader, w.staff.ops, "/orders?format=csv&sort=number")).text();
    expect(opsCsv).toContain(a.number);
    expect(opsCsv).toContain(b.number);
    expect((await call(listRoute.loader, w.staff.ops, "/orders?status=bogus")).status).toBe(400);
    const page = (await (await call(listRoute.loader, w.staff.account_manager, `/orders?q=${a.number}`)).json()) as { rows: { number: string }[] };
    expect(page.rows.map((r) => r.number)).toEqual([a.number]);
  });

  it("dealer admins manage their own addresses; others cannot", async () => {
    const w = await orderWorld();
    const created = await call(
      addressRoute.action,
      w.a.dealer_admin,
      "/orders/addresses",
      {},
      {
        intent: "create",
        label: "Shenzhen DC",
        recipient: "Li Na",
        phone: "0755-1234567",
        province: "Guangdong",
        city: "Shenzhen",
        line1: "1 Keji Road",
        postcode: "518000",
      },
    );
    expect(created.status).toBe(200);
    const bad = await call(
      addressRoute.action,
      w.a.dealer_admin,
      "/orders/addresses",
      {},
      { intent: "create", label: "", recipient: "Li", phone: "abc", line1: "" },
    );
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { fieldErrors: Record<string, string> };
    expect(Object.keys(body.fieldErrors).sort()).toEqual(["label", "line1", "phone"]);
    for (const u of [w.a.dealer_sales, w.staff.ops, w.staff.account_manager])
      expect((await call(addressRoute.loader, u, "/orders/addresses")).status, u.role).toBe(403);
    expect((await call(addressRoute.action, w.b.dealer_admin, "/orders/addresses", {}, { intent: "archive", id: String(w.addrA.id) })).status).toBe(404);
    const rows = await getDb().selectFrom("dealer_addresses").select(["label", "status"]).where("dealer_id", "=", w.dealerA.id).execute();
    expect(rows.map((r) => r.status)).toEqual(["active", "active"]);
  });
});

/**
 * The webhook pages' loaders and actions called directly (no server): who may open them (403/404),
 * the URL rules as localized field errors that change nothing, the secret shown once, resend by hand.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { actorFor, requestAs, type TestUser } from "../factories";
import { orderIn, orderWorld } from "../factories/orders";
import { clockForEachTest } from "../helpers/clock";
import { createEndpoint } from "../../app/modules/webhooks/webhooks.server";
import { WEBHOOK_EVENT_TYPES } from "../../app/modules/webhooks/webhooks.schema";
import * as list from "../../app/routes/settings_.webhooks._index";
import * as endpointPage from "../../app/routes/settings_.webhooks.$id";
import * as deliveryPage from "../../app/routes/settings_.webhooks.deliveries.$id";

type Fn = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;

async function call(fn: Fn, user: TestUser | null, path: string, params: Record<string, string> = {}, form?: Record<string, string | string[]>) {
  try {
    const res = (await fn({ request: await requestAs(user, path, form ? { form } : {}), params, context: {} })) as Response;
    return { status: res.status, body: res.headers.get("Content-Type")?.includes("json") ? ((await res.json()) as Record<string, unknown>) : null, res };
  } catch (err) {
    if (err instanceof Response) return { status: err.status, body: null, res: err };
    throw err;
  }
}

clockForEachTest("2026-12-06T04:00:00Z");

async function setup() {
  const w = await orderWorld();
  const hook = await createEndpoint(actorFor(w.a.dealer_admin), { url: "http://127.0.0.1:9/hooks", description: "ERP", events: [...WEBHOOK_EVENT_TYPES] });
  await orderIn(w, "submitted");
  const delivery = await getDb().selectFrom("webhook_deliveries").selectAll().where("endpoint_id", "=", hook.id).executeTakeFirstOrThrow();
  return { w, hook, delivery };
}

const endpoints = () => getDb().selectFrom("webhook_endpoints").selectAll().execute();

describe("webhook pages", () => {
  it("dealer administrators and administrators open them; other roles 403; another dealer's endpoint and delivery 404", async () => {
    const { w, hook, delivery } = await setup();
    const ep = { id: String(hook.id) };
    const dl = { id: String(delivery.id) };
    for (const u of [w.a.dealer_admin, w.staff.admin]) {
      expect((await call(list.loader as Fn, u, "/settings/webhooks")).status).toBe(200);
      expect((await call(endpointPage.loader as Fn, u, `/settings/webhooks/${hook.id}`, ep)).status).toBe(200);
      expect((await call(deliveryPage.loader as Fn, u, `/settings/webhooks/deliveries/${delivery.id}`, dl)).status).toBe(200);
    }
    for (const u of [w.a.dealer_sales, w.a.dealer_finance, w.staff.ops, w.staff.finance, w.staff.account_manager, w.b.dealer_sales]) {
      expect((await call(list.loader as Fn, u, "/settings/webhooks")).status).toBe(403);
      expect((await call(endpointPage.loader as Fn, u, `/settings/webhooks/${hook.id}`, ep)).status).toBe(403);
    }
    const other = w.b.dealer_admin;
    expect((await call(endpointPage.loader as Fn, other, `/settings/webhooks/${hook.id}`, ep)).status).toBe(404);
    expect((await call(deliveryPage.loader as Fn, other, `/settings/webhooks/deliveries/${delivery.id}`, dl)).status).toBe(404);
    // Its actions too: nothing changes.
    const before = await endpoints();
    const refused = [
      await call(endpointPage.action as Fn, other, `/settings/webhooks/${hook.id}`, ep, { intent: "rotate" }),
      await call(endpointPage.action as Fn, other, `/settings/webhooks/${hook.id}`, ep, { intent: "delete" }),
      await call(endpointPage.action as Fn, other, `/settings/webhooks/${hook.id}`, ep, {
        intent: "update",
        url: "https://evil.example.com/",
        events: "order.status_changed",
        status: "active",
      }),
      await call(endpointPage.action as Fn, other, `/settings/webhooks/${hook.id}`, ep, { intent: "resend", deliveryId: String(delivery.id) }),
      await call(deliveryPage.action as Fn, other, `/settings/webhooks/deliveries/${delivery.id}`, dl, { intent: "resend" }),
    ];
    expect(refused.map((r) => r.status)).toEqual([404, 404, 404, 404, 404]);
    expect(await endpoints()).toEqual(before);
    // A bad id is a 404, not a 500.
    expect((await call(endpointPage.loader as Fn, w.a.dealer_admin, "/settings/webhooks/x", { id: "x" })).status).toBe(404);
    expect((await call(deliveryPage.loader as Fn, w.a.dealer_admin, "/settings/webhooks/deliveries/99999999", { id: "99999999" })).status).toBe(404);
  });

  it("adding an endpoint shows the secret once; a refused URL or no event is a localized field error that writes nothing", async () => {
    const { w } = await setup();
    const admin = w.a.dealer_admin;
    const bad = async (form: Record<string, string | string[]>, locale: "en" | "zh-CN") => {
      await getDb().updateTable("users").set({ locale }).where("id", "=", admin.id).execute();
      return call(list.action as Fn, admin, "/settings/webhooks", {}, { intent: "create", ...form });
    };
    const n = (await endpoints()).length;
    let r = await bad({ url: "http://erp.example.com/hooks", events: "order.status_changed" }, "en");
    expect(r.status).toBe(400);
    expect(r.body!.fieldErrors).toEqual({ url: expect.stringContaining("only for a receiver on this machine") });
    r = await bad({ url: "http://erp.example.com/hooks", events: "order.status_changed" }, "zh-CN");
    expect(r.body!.fieldErrors).toEqual({ url: expect.stringContaining("仅在非生产环境下") });
    expect(r.body!.values).toMatchObject({ url: "http://erp.example.com/hooks" });
    r = await bad({ url: "https://erp.example.com/hooks" }, "en");
    expect(r.body!.fieldErrors).toEqual({ events: "Choose at least one event." });
    r = await bad({ url: "https://erp.example.com/hooks", events: ["order.status_changed", "order.hacked"] }, "zh-CN");
    expect(r.status).toBe(400);
    expect(Object.keys(r.body!.fieldErrors as object)).toEqual(["events.1"]);
    r = await bad({ url: "x".repeat(3000), events: "order.status_changed" }, "en");
    expect(r.status).toBe(400);
    expect((await endpoints()).length).toBe(n);
    // Good input: 200 with the secret in the answer (rendered once on the page), stored sealed.
    r = await bad({ url: "https://erp.example.com/hooks", description: "SAP", events: ["shipment.created", "statement.issued"] }, "en");
    expect(r.status).toBe(200);
    const secret = String(r.body!.secret);
    expect(secret).toMatch(/^whsec_/);
    const row = (await endpoints()).find((e) => e.id === r.body!.id)!;
    expect(row).toMatchObject({
      url: "https://erp.example.com/hooks",
      description: "SAP",
      events: "shipment.created,statement.issued",
      dealer_id: w.dealerA.id,
    });
    expect(JSON.stringify(row)).not.toContain(secret);
    // The page never shows it again: the loader carries only the hint.
    const page = await call(list.loader as Fn, admin, "/settings/webhooks");
    expect(JSON.stringify(page.body)).not.toContain(secret);
    expect(JSON.stringify(page.body)).toContain(secret.slice(-4));
  });

  it("resend by hand from the endpoint page: a queued delivery is refused (409), a failed one is queued again", async () => {
    const { w, hook, delivery } = await setup();
    const ep = { id: String(hook.id) };
    let r = await call(endpointPage.action as Fn, w.a.dealer_admin, `/settings/webhooks/${hook.id}`, ep, { intent: "resend", deliveryId: String(delivery.id) });
    expect(r.status).toBe(409);
    await getDb().updateTable("webhook_deliveries").set({ status: "failed" }).where("id", "=", delivery.id).execute();
    r = await call(endpointPage.action as Fn, w.a.dealer_admin, `/settings/webhooks/${hook.id}`, ep, { intent: "resend", deliveryId: String(delivery.id) });
    expect(r.status).toBe(200);
    expect((await getDb().selectFrom("webhook_deliveries").select("status").where("id", "=", delivery.id).executeTakeFirstOrThrow()).status).toBe("pending");
    // A delivery id that is no number: 400, not 500.
    r = await call(endpointPage.action as Fn, w.a.dealer_admin, `/settings/webhooks/${hook.id}`, ep, { intent: "resend", deliveryId: "abc" });
    expect(r.status).toBe(400);
    // Pausing from the settings form, and deleting.
    r = await call(endpointPage.action as Fn, w.a.dealer_admin, `/settings/webhooks/${hook.id}`, ep, {
      intent: "update",
      url: "http://127.0.0.1:9/hooks",
      description: "ERP",
      events: ["order.status_changed"],
      status: "paused",
    });
    expect(r.status).toBe(200);
    expect((await endpoints())[0]).toMatchObject({ status: "paused", paused_reason: "manual", events: "order.status_changed" });
    r = await call(endpointPage.action as Fn, w.a.dealer_admin, `/settings/webhooks/${hook.id}`, ep, { intent: "delete" });
    expect(r.status).toBe(302);
    expect(await endpoints()).toEqual([]);
    expect(await getDb().selectFrom("webhook_deliveries").selectAll().execute()).toEqual([]);
  });
});

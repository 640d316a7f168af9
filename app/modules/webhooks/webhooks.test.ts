import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor } from "../../../tests/factories";
import { orderIn, orderRow, orderWorld, inDays, type World } from "../../../tests/factories/orders";
import { post, sys } from "../../../tests/helpers/ledger";
import { clockForEachTest, setClock } from "../../../tests/helpers/clock";
import { systemActor } from "~/modules/auth/actor";
import { approveOrder, approveOrderTx, changePromiseDate } from "~/modules/orders/orders.server";
import { issueStatements } from "~/modules/statements/issue.server";
import { disputeLine, resolveDispute } from "~/modules/statements/statements.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";
import { now } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { fetch } from "undici";
import { resetEnv } from "~/utils/env.server";
import { backoffMs, deliveryDispatcher, sendDueWebhooks } from "./delivery.server";
import { DELIVERY_WINDOW_MS } from "./events.server";
import { verifySignature } from "./signing.server";
import { checkWebhookUrl, guardedLookup, isPrivateAddress } from "./url.server";
import {
  createEndpoint,
  findWebhookInvariantViolations,
  getDelivery,
  getEndpointPage,
  resendDelivery,
  rotateSecret,
  updateEndpoint,
  webhooksPage,
} from "./webhooks.server";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./webhooks.schema";

const NOW = "2026-12-06T04:00:00Z";
clockForEachTest(NOW);

// ---------------------------------------------------------------- a receiver on loopback

type Received = { headers: IncomingMessage["headers"]; body: string; at: number };
type Receiver = { url: string; received: Received[]; answer: { status: number; body: string }; close: () => Promise<void> };
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function receiver(status = 200, body = "ok"): Promise<Receiver> {
  const r: Receiver = { url: "", received: [], answer: { status, body }, close: async () => undefined };
  const server = createServer((req, res) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (data += c));
    req.on("end", () => {
      r.received.push({ headers: req.headers, body: data, at: now().getTime() });
      res.writeHead(r.answer.status, { "Content-Type": "text/plain" });
      res.end(r.answer.body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return r;
}

const send = () => sendDueWebhooks({ owner: "test", actor: systemActor(1, "test") });
const deliveries = () => getDb().selectFrom("webhook_deliveries").selectAll().orderBy("created_at").orderBy("id").execute();
const attempts = (deliveryId: number) =>
  getDb().selectFrom("webhook_delivery_attempts").selectAll().where("delivery_id", "=", deliveryId).orderBy("attempt_no").execute();

async function endpointFor(w: World, url: string, events: readonly WebhookEventType[] = WEBHOOK_EVENT_TYPES, dealer: "a" | "b" = "a") {
  return createEndpoint(actorFor(w[dealer].dealer_admin), { url, description: "ERP", events: [...events] });
}

async function approve(w: World, id: number) {
  await approveOrder(actorFor(w.staff.ops), id, { version: (await orderRow(id)).version });
}

// ---------------------------------------------------------------- URL rules

describe("webhook URLs", () => {
  it("outside production: https anywhere, plain http only to loopback; in production https to public hosts only", () => {
    const dev = (u: string) => checkWebhookUrl(u, false);
    const prod = (u: string) => checkWebhookUrl(u, true);
    expect(dev("https://erp.example.com/hooks")).toEqual({ ok: true, url: "https://erp.example.com/hooks" });
    expect(dev("http://127.0.0.1:3999/h#frag")).toEqual({ ok: true, url: "http://127.0.0.1:3999/h" });
    expect(dev("http://localhost:8080/h").ok).toBe(true);
    expect(dev("http://[::1]:8080/h").ok).toBe(true);
    expect(dev("http://erp.example.com/hooks")).toEqual({ ok: false, key: "webhooks.url.httpLoopbackOnly" });
    expect(dev("http://10.0.0.5/hooks")).toEqual({ ok: false, key: "webhooks.url.httpLoopbackOnly" });
    expect(dev("ftp://erp.example.com/")).toEqual({ ok: false, key: "webhooks.url.httpsRequired" });
    expect(dev("javascript:alert(1)")).toEqual({ ok: false, key: "webhooks.url.httpsRequired" });
    expect(dev("erp.example.com/hooks")).toEqual({ ok: false, key: "webhooks.url.invalid" });
    expect(dev("https://user:pw@erp.example.com/")).toEqual({ ok: false, key: "webhooks.url.credentials" });
    expect(prod("https://erp.example.com/hooks").ok).toBe(true);
    expect(prod("http://127.0.0.1:3999/h")).toEqual({ ok: false, key: "webhooks.url.privateAddress" });
    expect(prod("http://erp.example.com/h")).toEqual({ ok: false, key: "webhooks.url.httpsRequired" });
    for (const host of [
      "127.0.0.1",
      "localhost",
      "10.1.2.3",
      "172.20.0.1",
      "192.168.1.10",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "[::1]",
      "[fe80::1]",
      "[fd00::1]",
      "[::ffff:127.0.0.1]",
      "nas.local",
    ])
      expect(prod(`https://${host}/h`), host).toEqual({ ok: false, key: "webhooks.url.privateAddress" });
    expect(isPrivateAddress("8.8.8.8")).toBe(false);
    expect(isPrivateAddress("172.32.0.1")).toBe(false);
  });

  it("a refused URL is a field error and writes nothing", async () => {
    const w = await orderWorld();
    await expect(endpointFor(w, "http://erp.example.com/hooks")).rejects.toMatchObject({
      status: 400,
      fieldErrors: { url: ["webhooks.url.httpLoopbackOnly"] },
    });
    await expect(endpointFor(w, "https://user:pw@erp.example.com/")).rejects.toBeInstanceOf(ValidationError);
    expect(await getDb().selectFrom("webhook_endpoints").selectAll().execute()).toEqual([]);
  });
});

// ---------------------------------------------------------------- delivery and signature

describe("production deliveries connect only to an address they checked (DNS rebinding)", () => {
  type Answer = { address: string; family: number }[];
  /** A resolver that gives the next answer on each lookup, as a rebinding name does. */
  const answering = (...answers: Answer[]) => {
    const asked: string[] = [];
    const resolve = (hostname: string, _o: unknown, cb: (err: NodeJS.ErrnoException | null, a: Answer) => void) => {
      asked.push(hostname);
      cb(null, answers[Math.min(asked.length - 1, answers.length - 1)]!);
    };
    return { resolve, asked };
  };
  const lookupOnce = (lookup: ReturnType<typeof guardedLookup>, host: string, all = false) =>
    new Promise<{ err: (Error & { code?: string }) | null; address: unknown; family?: number }>((done) =>
      lookup(host, { all }, ((err: Error | null, address: unknown, family?: number) => done({ err, address, family })) as never),
    );

  it("the socket's own lookup refuses a name with any private answer, and connects to the public address it checked", async () => {
    const publicOnly = answering([{ address: "93.184.216.34", family: 4 }]);
    expect(await lookupOnce(guardedLookup(publicOnly.resolve as never), "erp.example.com")).toEqual({ err: null, address: "93.184.216.34", family: 4 });
    expect((await lookupOnce(guardedLookup(publicOnly.resolve as never), "erp.example.com", true)).address).toEqual([{ address: "93.184.216.34", family: 4 }]);

    const mixed = answering([
      { address: "93.184.216.34", family: 4 },
      { address: "10.0.0.5", family: 4 },
    ]);
    const refused = await lookupOnce(guardedLookup(mixed.resolve as never), "erp.example.com");
    expect(refused.err?.message).toBe("refused: erp.example.com resolves to a private address");

    // A rebinding name: public to the first lookup, the metadata address to the next. Each connection's lookup is
    // the one its socket uses, so the second connection is refused rather than sent inward.
    const rebinding = answering([{ address: "93.184.216.34", family: 4 }], [{ address: "169.254.169.254", family: 4 }]);
    const lookup = guardedLookup(rebinding.resolve as never);
    expect((await lookupOnce(lookup, "rebind.example.com")).address).toBe("93.184.216.34");
    expect((await lookupOnce(lookup, "rebind.example.com")).err?.message).toBe("refused: rebind.example.com resolves to a private address");
    expect(rebinding.asked).toEqual(["rebind.example.com", "rebind.example.com"]);
  });

  it("the production client refuses before any byte is sent: a loopback receiver named by host name gets nothing", async () => {
    const rx = await receiver();
    const byName = rx.url.replace("127.0.0.1", "localhost");
    const err = await fetch(byName, { method: "POST", body: "{}", dispatcher: deliveryDispatcher(true) }).then(
      () => null,
      (e: Error & { cause?: { code?: string; message?: string } }) => e.cause,
    );
    expect(err?.code).toBe("EREFUSEDADDRESS");
    expect(rx.received).toHaveLength(0);
    // Outside production the same client reaches it (tests and a developer's receiver).
    expect((await fetch(byName, { method: "POST", body: "{}", dispatcher: deliveryDispatcher(false) })).status).toBe(200);
    expect(rx.received).toHaveLength(1);
  });

  it("a delivery in production to a name that resolves inward is a failed attempt recorded with the refusal; nothing arrives", async () => {
    const w = await orderWorld();
    const rx = await receiver();
    await endpointFor(w, rx.url.replace("127.0.0.1", "localhost"));
    await orderIn(w, "submitted");
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    resetEnv();
    try {
      expect(await send()).toMatchObject({ claimed: 1, delivered: 0, retrying: 1 });
    } finally {
      process.env.NODE_ENV = before;
      resetEnv();
    }
    const [d] = await deliveries();
    expect(d).toMatchObject({ status: "pending", attempts: 1, last_status_code: null });
    expect((await attempts(d!.id))[0]!.error).toContain("refused: localhost resolves to a private address");
    expect(rx.received).toHaveLength(0);
  });
});

describe("delivery to a loopback receiver", () => {
  it("signs HMAC-SHA256 over `${t}.${body}` with the secret shown once; event id and type travel as headers", async () => {
    const w = await orderWorld();
    const rx = await receiver(200, '{"received":true}');
    const { secret } = await endpointFor(w, rx.url);
    expect(secret).toMatch(/^whsec_[\w-]{43}$/);
    // The secret is not stored as given.
    const row = await getDb().selectFrom("webhook_endpoints").selectAll().executeTakeFirstOrThrow();
    expect(row.secret_sealed).not.toContain(secret.slice(6));
    expect(row.secret_hint).toBe(secret.slice(-4));

    const order = await orderIn(w, "submitted");
    await getDb().deleteFrom("webhook_deliveries").execute(); // the submission's event: this test follows the approval's
    await approve(w, order.id);
    const [d] = await deliveries();
    expect(d).toMatchObject({ status: "pending", event_type: "order.status_changed", dealer_id: w.dealerA.id, attempts: 0 });
    expect(await send()).toMatchObject({ claimed: 1, delivered: 1 });

    expect(rx.received).toHaveLength(1);
    const got = rx.received[0]!;
    const event = JSON.parse(got.body) as {
      id: string;
      type: string;
      occurred_at: string;
      dealer: { id: number; code: string };
      data: { order: Record<string, unknown> };
    };
    expect(event).toMatchObject({
      type: "order.status_changed",
      occurred_at: new Date(NOW).toISOString(),
      dealer: { id: w.dealerA.id, code: w.dealerA.code },
      data: { order: { number: (await orderRow(order.id)).number, status: "approved", previous_status: "submitted" } },
    });
    expect(got.headers["dealer-desk-event-id"]).toBe(event.id);
    expect(got.headers["dealer-desk-event-type"]).toBe("order.status_changed");
    expect(got.headers["content-type"]).toBe("application/json");
    const header = String(got.headers["dealer-desk-signature"]);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const t = Math.floor(new Date(NOW).getTime() / 1000);
    expect(header.startsWith(`t=${t},`)).toBe(true);
    expect(verifySignature(secret, header, got.body, t)).toBe(true);
    // A changed body, another secret or an old timestamp fail.
    expect(verifySignature(secret, header, got.body.replace("approved", "rejected"), t)).toBe(false);
    expect(verifySignature(`${secret}x`, header, got.body, t)).toBe(false);
    expect(verifySignature(secret, header, got.body, t + 301)).toBe(false);

    const [after] = await deliveries();
    expect(after).toMatchObject({ status: "delivered", attempts: 1, last_status_code: 200, last_response_excerpt: '{"received":true}' });
    expect(await attempts(after!.id)).toMatchObject([{ attempt_no: 1, status_code: 200, response_excerpt: '{"received":true}', error: null }]);
    // Nothing is sent twice.
    expect(await send()).toMatchObject({ claimed: 0 });
    expect(rx.received).toHaveLength(1);
  });

  it("after a rotation deliveries are signed with the new secret only", async () => {
    const w = await orderWorld();
    const rx = await receiver();
    const { id, secret: old } = await endpointFor(w, rx.url);
    const { secret } = await rotateSecret(actorFor(w.a.dealer_admin), id);
    expect(secret).not.toBe(old);
    await orderIn(w, "approved");
    await send();
    const got = rx.received.at(-1)!;
    const t = Math.floor(new Date(NOW).getTime() / 1000);
    expect(verifySignature(secret, String(got.headers["dealer-desk-signature"]), got.body, t)).toBe(true);
    expect(verifySignature(old, String(got.headers["dealer-desk-signature"]), got.body, t)).toBe(false);
  });

  it("a failing receiver: retried with growing, jittered delays; the response excerpt of each attempt is kept (bounded)", async () => {
    const w = await orderWorld();
    const rx = await receiver(503, "maintenance ".repeat(200));
    await endpointFor(w, rx.url, ["order.status_changed"]);
    await orderIn(w, "submitted");
    expect(await deliveries()).toHaveLength(1);
    await send();
    let [d] = await deliveries();
    expect(d).toMatchObject({ status: "pending", attempts: 1, last_status_code: 503 });
    expect(d!.last_response_excerpt!.length).toBeLessThanOrEqual(1000);
    const wait1 = d!.next_attempt_at.getTime() - new Date(NOW).getTime();
    expect(wait1).toBeGreaterThanOrEqual(24_000);
    expect(wait1).toBeLessThanOrEqual(36_000);
    // Not due yet: nothing is sent.
    setClock(new Date(d!.next_attempt_at.getTime() - 1000));
    expect(await send()).toMatchObject({ claimed: 0 });
    expect(rx.received).toHaveLength(1);
    // Due: the second attempt, and a longer wait after it.
    setClock(d!.next_attempt_at);
    await send();
    [d] = await deliveries();
    expect(d!.attempts).toBe(2);
    const wait2 = d!.next_attempt_at.getTime() - now().getTime();
    expect(wait2).toBeGreaterThanOrEqual(48_000);
    expect(wait2).toBeLessThanOrEqual(72_000);
    expect(rx.received).toHaveLength(2);
    // The same event id both times (receivers dedupe on it).
    expect(rx.received[0]!.headers["dealer-desk-event-id"]).toBe(rx.received[1]!.headers["dealer-desk-event-id"]);
    // The receiver recovers.
    rx.answer = { status: 204, body: "" };
    setClock(d!.next_attempt_at);
    await send();
    [d] = await deliveries();
    expect(d).toMatchObject({ status: "delivered", attempts: 3, last_status_code: 204 });
    expect((await attempts(d!.id)).map((a) => a.status_code)).toEqual([503, 503, 204]);
  });

  it("backoff doubles from 30 s to at most 2 h, ±20 %", () => {
    expect(backoffMs(1, 0.5)).toBe(30_000);
    expect(backoffMs(2, 0.5)).toBe(60_000);
    expect(backoffMs(5, 0.5)).toBe(480_000);
    expect(backoffMs(30, 0.5)).toBe(7_200_000);
    expect(backoffMs(1, 0)).toBe(24_000);
    expect(backoffMs(1, 1)).toBe(36_000);
  });

  it("gives up after 24 hours: the delivery is failed, the endpoint paused (audited); a resend by hand sends the same event again", async () => {
    const w = await orderWorld();
    const rx = await receiver(500, "boom");
    const { id: endpointId } = await endpointFor(w, rx.url, ["order.status_changed"]);
    await orderIn(w, "submitted");
    const start = new Date(NOW).getTime();
    let d = (await deliveries())[0]!;
    for (let i = 0; i < 60 && d.status === "pending"; i++) {
      setClock(d.next_attempt_at);
      await send();
      d = (await deliveries())[0]!;
    }
    expect(d.status).toBe("failed");
    const tries = await attempts(d.id);
    expect(tries.length).toBe(d.attempts);
    expect(tries.length).toBeGreaterThan(10);
    // Every attempt lay within the 24 hours; the last one less than one backoff (2 h + 20 %) before the end.
    const last = tries.at(-1)!.started_at.getTime();
    expect(last).toBeLessThanOrEqual(start + DELIVERY_WINDOW_MS);
    expect(last).toBeGreaterThan(start + DELIVERY_WINDOW_MS - 2.4 * 3_600_000);
    expect(rx.received).toHaveLength(tries.length);
    const ep = await getDb().selectFrom("webhook_endpoints").selectAll().where("id", "=", endpointId).executeTakeFirstOrThrow();
    expect(ep).toMatchObject({ status: "paused", paused_reason: "failing" });
    expect(await getDb().selectFrom("audit_log").select("action").where("action", "=", "webhook.auto_paused").execute()).toHaveLength(1);
    // Nothing more is sent, however long we wait.
    setClock(new Date(start + 3 * DELIVERY_WINDOW_MS));
    expect(await send()).toMatchObject({ claimed: 0 });

    // The dealer fixes the receiver, resumes the endpoint, and resends by hand.
    const admin = actorFor(w.a.dealer_admin);
    rx.answer = { status: 200, body: "ok" };
    await updateEndpoint(admin, endpointId, { url: rx.url, description: "ERP", events: ["order.status_changed"], status: "active" });
    await resendDelivery(admin, d.id);
    // Queued already: a second resend is refused.
    await expect(resendDelivery(admin, d.id)).rejects.toBeInstanceOf(ConflictError);
    const queued = (await deliveries())[0]!;
    expect(queued.status).toBe("pending");
    expect(queued.give_up_at.getTime()).toBe(now().getTime() + DELIVERY_WINDOW_MS);
    await send();
    const done = (await deliveries())[0]!;
    expect(done).toMatchObject({ status: "delivered", last_status_code: 200 });
    expect(rx.received.at(-1)!.headers["dealer-desk-event-id"]).toBe(d.event_id);
    expect(rx.received.at(-1)!.body).toBe(d.body);
    // Delivered ones can be resent too (the receiver lost it).
    await resendDelivery(admin, d.id);
    await send();
    expect(rx.received.at(-1)!.headers["dealer-desk-event-id"]).toBe(d.event_id);
    expect(await getDb().selectFrom("audit_log").select("action").where("action", "=", "webhook.resent").execute()).toHaveLength(2);
    expect(await findWebhookInvariantViolations(getDb())).toEqual([]);
    // The check finds what it names: a count that does not match its rows, a delivered row without its time.
    await getDb().updateTable("webhook_deliveries").set({ attempts: 99, delivered_at: null }).where("id", "=", d.id).execute();
    expect((await findWebhookInvariantViolations(getDb())).map((v) => (v as { problem: string }).problem).sort()).toEqual([
      "attempts differ from attempt rows",
      "delivery state",
    ]);
  });

  it("a paused endpoint receives nothing new; its queued deliveries wait and are not attempted", async () => {
    const w = await orderWorld();
    const rx = await receiver();
    const { id } = await endpointFor(w, rx.url, ["order.status_changed"]);
    await orderIn(w, "submitted");
    await updateEndpoint(actorFor(w.a.dealer_admin), id, { url: rx.url, description: "", events: ["order.status_changed"], status: "paused" });
    const o2 = await orderIn(w, "submitted");
    await approve(w, o2.id);
    expect(await deliveries()).toHaveLength(1);
    await send();
    expect(rx.received).toHaveLength(0);
    expect((await deliveries())[0]).toMatchObject({ status: "pending", attempts: 0, last_error: "endpoint paused" });
  });

  it("two senders at once deliver each event once (claims with a lease)", async () => {
    const w = await orderWorld();
    const rx = await receiver();
    await endpointFor(w, rx.url);
    for (let i = 0; i < 3; i++) await orderIn(w, "approved");
    const n = (await deliveries()).length;
    expect(n).toBe(6);
    const [r1, r2] = await Promise.all([sendDueWebhooks({ owner: "one", actor: sys() }), sendDueWebhooks({ owner: "two", actor: sys() })]);
    expect(r1.delivered + r2.delivered).toBe(n);
    expect(rx.received).toHaveLength(n);
    expect(new Set(rx.received.map((r) => r.headers["dealer-desk-event-id"])).size).toBe(n);
  });
});

// ---------------------------------------------------------------- events from the domain functions

describe("events are written by the domain functions, in their transaction", () => {
  it("a change that rolls back emits nothing; the same change committed emits one event per subscribed endpoint", async () => {
    const w = await orderWorld();
    await endpointFor(w, "http://127.0.0.1:9/one");
    await endpointFor(w, "http://127.0.0.1:9/two", ["order.status_changed"]);
    await endpointFor(w, "http://127.0.0.1:9/other", ["shipment.created"]);
    const o = await orderIn(w, "submitted");
    const before = (await deliveries()).length;
    await expect(
      transaction("test.rollback", async (tx) => {
        await approveOrderTx(tx, actorFor(w.staff.ops), o.id, { version: o.version }, now());
        throw new Error("boom after the change");
      }),
    ).rejects.toThrow("boom");
    expect(await deliveries()).toHaveLength(before);
    expect((await orderRow(o.id)).status).toBe("submitted");
    // A refused change (stale version) writes nothing either.
    await expect(approveOrder(actorFor(w.staff.ops), o.id, { version: o.version - 1 })).rejects.toBeInstanceOf(ConflictError);
    expect(await deliveries()).toHaveLength(before);
    await approveOrder(actorFor(w.staff.ops), o.id, { version: o.version });
    const added = (await deliveries()).slice(before);
    expect(added.map((d) => d.event_type)).toEqual(["order.status_changed", "order.status_changed"]);
    expect(new Set(added.map((d) => d.event_id)).size).toBe(1);
    expect(added[0]!.body).toBe(added[1]!.body);
  });

  it("shipment created, promise date changed, statement issued and dispute resolved each reach the subscribed endpoint", async () => {
    const w = await orderWorld();
    await endpointFor(w, "http://127.0.0.1:9/all");
    const o = await orderIn(w, "shipped");
    const ops = actorFor(w.staff.ops);
    const types = async () => (await deliveries()).map((d) => d.event_type);
    expect(await types()).toEqual(["order.status_changed", "order.status_changed", "shipment.created", "order.status_changed"]);
    const ship = JSON.parse((await deliveries())[2]!.body) as { data: { shipment: { number: string; carrier: string }; order: { status: string } } };
    expect(ship.data.shipment.carrier).toBe("SF Express");
    expect(ship.data.order.status).toBe("shipped");

    const o2 = await orderIn(w, "approved");
    const row = await orderRow(o2.id);
    await changePromiseDate(ops, o2.id, { version: row.version, lineId: null, newDate: inDays(30), reason: "Factory delay" });
    const promise = (await deliveries()).at(-1)!;
    expect(promise.event_type).toBe("order.promise_date_changed");
    expect(JSON.parse(promise.body)).toMatchObject({ data: { order: { number: row.number, promised_date: inDays(30) }, reason: "Factory delay" } });

    await post(w.dealerA.id, "invoice", 100_00, "2026-11-10");
    await issueStatements(sys(), { period: "2026-11" });
    const issued = (await deliveries()).at(-1)!;
    expect(issued.event_type).toBe("statement.issued");
    const st = await getDb().selectFrom("statements").selectAll().where("dealer_id", "=", w.dealerA.id).executeTakeFirstOrThrow();
    expect(JSON.parse(issued.body)).toMatchObject({ data: { statement: { id: st.id, period: "2026-11", closing_minor: st.closing_minor } } });

    const line = await getDb().selectFrom("statement_lines").selectAll().where("statement_id", "=", st.id).orderBy("line_no").executeTakeFirstOrThrow();
    const { disputeId } = await disputeLine(actorFor(w.a.dealer_admin), st.id, { lineId: line.id, reasonCode: "other", amount: 10_00, comment: null });
    const dsp = await getDb().selectFrom("disputes").selectAll().where("id", "=", disputeId).executeTakeFirstOrThrow();
    await resolveDispute(actorFor(w.staff.finance), disputeId, { decision: "reject", note: "Price as agreed", version: dsp.version });
    const resolved = (await deliveries()).at(-1)!;
    expect(resolved.event_type).toBe("dispute.resolved");
    expect(JSON.parse(resolved.body)).toMatchObject({
      data: { dispute: { id: disputeId, decision: "rejected" }, statement: { id: st.id, status: "resolved" } },
    });
    void o;
  });
});

// ---------------------------------------------------------------- scope

describe("scope", () => {
  it("another dealer's endpoint never receives; another dealer's endpoint and delivery answer 404; roles without webhook:manage 403", async () => {
    const w = await orderWorld();
    const rxA = await receiver();
    const rxB = await receiver();
    const a = await endpointFor(w, rxA.url);
    const b = await endpointFor(w, rxB.url, WEBHOOK_EVENT_TYPES, "b");
    await orderIn(w, "shipped"); // dealer A's order
    await send();
    expect(rxA.received.length).toBeGreaterThan(0);
    expect(rxB.received).toHaveLength(0);
    for (const r of rxA.received) expect((JSON.parse(r.body) as { dealer: { id: number } }).dealer.id).toBe(w.dealerA.id);

    const adminB = actorFor(w.b.dealer_admin);
    const deliveryA = (await deliveries())[0]!;
    await expect(getEndpointPage(adminB, a.id, { page: 1 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(getDelivery(adminB, deliveryA.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(resendDelivery(adminB, deliveryA.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(rotateSecret(adminB, a.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateEndpoint(adminB, a.id, { url: rxB.url, description: "", events: ["shipment.created"], status: "active" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect((await webhooksPage(adminB)).endpoints.map((e) => e.id)).toEqual([b.id]);
    // Dealer sales and finance, ops, finance and account managers: 403.
    for (const u of [w.a.dealer_sales, w.a.dealer_finance, w.staff.ops, w.staff.finance, w.staff.account_manager])
      await expect(webhooksPage(actorFor(u))).rejects.toBeInstanceOf(ForbiddenError);
    // The administrator sees every dealer's, and adds one for a chosen dealer.
    const admin = actorFor(w.staff.admin);
    expect((await webhooksPage(admin)).endpoints.map((e) => e.id).sort()).toEqual([a.id, b.id].sort());
    await expect(createEndpoint(admin, { url: rxA.url, description: "", events: ["statement.issued"] })).rejects.toMatchObject({
      fieldErrors: { dealerId: ["validation.required"] },
    });
    const c = await createEndpoint(admin, { url: rxA.url, description: "", events: ["statement.issued"], dealerId: w.dealerB.id });
    expect((await getEndpointPage(adminB, c.id, { page: 1 })).endpoint.dealer_id).toBe(w.dealerB.id);
    expect(await findWebhookInvariantViolations(getDb())).toEqual([]);
    // A dealer administrator cannot pick another dealer: the dealer comes from the actor.
    const own = await createEndpoint(actorFor(w.a.dealer_admin), { url: rxA.url, description: "", events: ["statement.issued"], dealerId: w.dealerB.id });
    expect((await getEndpointPage(actorFor(w.a.dealer_admin), own.id, { page: 1 })).endpoint.dealer_id).toBe(w.dealerA.id);
    // db:check would find a delivery of one dealer's event on another dealer's endpoint.
    await getDb().updateTable("webhook_deliveries").set({ dealer_id: w.dealerB.id }).where("id", "=", deliveryA.id).execute();
    expect(await findWebhookInvariantViolations(getDb())).toMatchObject([{ id: deliveryA.id, problem: "delivery of another dealer's event" }]);
  });
});

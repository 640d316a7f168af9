/**
 * Dealer Desk on a three-node MariaDB Galera cluster (issue #26), run by `npm test` after the main suite
 * (tests/run.ts starts the cluster with scripts/galera.sh and sets GALERA_NODES; vitest leaves this folder
 * out otherwise). Two production web instances, each preferring its own node (DATABASE_URL lists the
 * cluster's servers, its own first), under concurrent writes that land on different nodes:
 *
 * - order submits with idempotency keys, each key sent to both instances at once: one order per key;
 * - approvals racing for the last units of one product, alternately on both instances: no oversell;
 * - statement issue and confirm on both instances at once: one statement, one confirmation;
 * - read-your-writes: a write on one instance is on the other instance's next page, every time;
 * - quote acceptance and booking sent to both instances at once: one acceptance, one order;
 * - manual ledger postings, each key sent to both instances at once: one entry per key, balances right;
 * - a stock count import on one node while approvals reserve the same stock on the other: never more
 *   reserved than on hand, the import all or nothing; the same product file imported on both at once;
 * - the job runners of both instances catch up the same missed slots: each slot runs once;
 * - a node SIGKILLed under load: no 500s, the instance on it fails over to a live node, the node rejoins,
 *   nothing lost or doubled.
 *
 * After each: every db:check invariant holds.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, getDb } from "../../db/client";
import { runChecks } from "../../db/check";
import { previousPeriod, periodOf } from "../../app/modules/ledger/period";
import { translate } from "../../app/i18n";
import { addStock, createProduct } from "../factories/ordering";
import { TEST_PASSWORD, uniq } from "../factories";
import { createDeal, createDealWorld, createProposedQuote } from "../factories/deals";
import { inDays, orderWorld, submitNew, type World } from "../factories/orders";
import { Client, type Res } from "../helpers/http";
import { post } from "../helpers/ledger";
import { testPortBase } from "../setup/env";
import { REGISTRY } from "../../jobs/registry";

const nodes = (process.env.GALERA_NODES ?? "").split(",").filter(Boolean).map(Number);
const galera = (...args: string[]) =>
  execFileSync("bash", ["scripts/galera.sh", ...args, "--base-port", String(process.env.GALERA_BASE_PORT ?? 4400), "--dir", process.env.GALERA_DIR ?? ""], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });

const database = new URL(process.env.DATABASE_URL!).pathname.slice(1);
/** The cluster's servers, `first` first: the instance prefers it and fails over to the others in order. */
const clusterUrl = (first: number) => {
  const order = [nodes[first]!, ...nodes.filter((_, i) => i !== first)];
  return `mysql://root@${order.map((p) => `127.0.0.1:${p}`).join(",")}/${database}`;
};

type Instance = { child: ChildProcess; url: string; log: string[]; exited: Promise<void> };

/** A production web instance (tests/faults/fault-server.ts with no fault) on its own port, preferring node `node`. */
async function instance(node: number, port: number, jobs = false): Promise<Instance> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["--import", "tsx", "tests/faults/fault-server.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: clusterUrl(node),
      PORT: String(port),
      APP_ORIGIN: url,
      FAULT_LABEL: "^$",
      JOBS: jobs ? "on" : "off",
      NODE_ENV: "production",
      WEB_CONCURRENCY: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance did not start: ${log.join("")}`)), 60_000);
    child.stderr!.on("data", (d) => log.push(String(d)));
    child.stdout!.on("data", (d) => {
      log.push(String(d));
      if (/listening on/.test(log.join(""))) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", () => reject(new Error(`instance exited: ${log.join("")}`)));
  });
  return { child, url, log, exited };
}

async function stop(i: Instance | undefined) {
  if (!i || i.child.exitCode !== null) return;
  i.child.kill("SIGTERM");
  await Promise.race([i.exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (i.child.exitCode === null) i.child.kill("SIGKILL");
}

const ports = { a: testPortBase() + 400, b: testPortBase() + 401, ja: testPortBase() + 402, jb: testPortBase() + 403 };
let A: Instance | undefined;
let B: Instance | undefined;

beforeAll(async () => {
  expect(nodes, "GALERA_NODES names the cluster's three SQL ports").toHaveLength(3);
  // The worker's database exists on every node (DDL replicates); each instance prefers its own node.
  [A, B] = await Promise.all([instance(0, ports.a), instance(1, ports.b)]);
}, 120_000);
afterAll(async () => {
  await Promise.all([stop(A), stop(B)]);
});

async function signIn(email: string, at: string) {
  const c = new Client(at);
  const r = await c.login(email, TEST_PASSWORD);
  expect(r.status).toBe(302);
  return c;
}
/** The same signed-in user, talking to another instance. */
function at(c: Client, base: string) {
  const other = new Client(base);
  for (const [k, v] of c.cookies) other.cookies.set(k, v);
  return other;
}

async function expectClean() {
  const failed = (await runChecks(getDb())).filter((c) => !c.ok);
  expect(failed).toEqual([]);
}

const submitForm = (w: World, key: string, productId: number, quantity: number) => ({
  intent: "submit",
  submitKey: key,
  addressId: String(w.addrA.id),
  requestedDate: inDays(10),
  poReference: `PO-${key}`,
  "lines.0.productId": String(productId),
  "lines.0.quantity": String(quantity),
});

describe("two web instances on two Galera nodes", () => {
  it("submits with idempotency keys sent to both instances at once, approvals racing for the last units: one order per key, no oversell", async () => {
    const w = await orderWorld();
    const scarce = await createProduct({ listPrice: 50_00 });
    await addStock(scarce.id, w.east.id, 10);
    const dealer = await signIn(w.a.dealer_sales.email, A!.url);
    const dealerB = at(dealer, B!.url);
    // 8 keys × 3 units = 24 units asked of 10 in stock; every key is sent to both instances at the same moment.
    const keys = Array.from({ length: 8 }, () => uniq("gal-"));
    const answers = await Promise.all(keys.flatMap((k) => [dealer, dealerB].map((c) => c.post("/orders/new", submitForm(w, k, scarce.id, 3)))));
    for (const r of answers) expect(r.status, r.text.slice(0, 300)).toBe(302);
    expect(answers.filter((r) => /\?submitted=submitted$/.test(r.location ?? ""))).toHaveLength(8);
    const orders = await getDb().selectFrom("orders").select(["id", "number", "version", "submit_key"]).where("status", "!=", "draft").execute();
    expect(orders).toHaveLength(8);
    expect(new Set(orders.map((o) => o.submit_key)).size).toBe(8);

    // Ops approves all eight at once, alternately on the two instances (two nodes).
    const ops = await signIn(w.staff.ops.email, A!.url);
    const opsB = at(ops, B!.url);
    const approvals = await Promise.all(
      orders.map((o, i) => (i % 2 ? opsB : ops).post(`/orders/${o.number}`, { intent: "approve", orderId: String(o.id), version: String(o.version) })),
    );
    for (const r of approvals) expect(r.status, r.text.slice(0, 300)).toBe(302);
    const lines = await getDb().selectFrom("order_lines").select(["reserved_qty", "backordered_qty", "quantity"]).where("product_id", "=", scarce.id).execute();
    expect(lines).toHaveLength(8);
    expect(lines.reduce((s, l) => s + l.reserved_qty, 0)).toBe(10); // every unit reserved once, none twice
    expect(lines.reduce((s, l) => s + l.backordered_qty, 0)).toBe(14);
    for (const l of lines) expect(l.reserved_qty + l.backordered_qty).toBe(l.quantity);
    const level = await getDb().selectFrom("stock_levels").select(["on_hand", "reserved"]).where("product_id", "=", scarce.id).executeTakeFirstOrThrow();
    expect(level).toEqual({ on_hand: 10, reserved: 10 });
    await expectClean();
  }, 120_000);

  it("statement issue and the dealer's confirmation sent to both instances at once: one statement, one confirmation", async () => {
    const w = await orderWorld();
    const period = previousPeriod(periodOf(inDays(0)));
    await post(w.dealerA.id, "invoice", 700_00, `${period}-12`, { reference: "INV-GALERA", dueDate: inDays(20) });
    const finance = await signIn(w.staff.finance.email, A!.url);
    const issued = await Promise.all([finance, at(finance, B!.url)].map((c) => c.post("/finance/statements", { period })));
    for (const r of issued) expect(r.status).toBe(200);
    const statements = await getDb().selectFrom("statements").select(["id", "version"]).where("period", "=", period).execute();
    expect(statements).toHaveLength(1);
    const s = statements[0]!;
    const dealer = await signIn(w.a.dealer_finance.email, B!.url);
    const confirms = await Promise.all(
      [dealer, at(dealer, A!.url)].map((c) => c.post(`/statements/${s.id}`, { intent: "confirm", version: String(s.version) })),
    );
    expect(confirms.map((r) => r.status).sort()).toEqual([200, 409]);
    const after = await getDb().selectFrom("statements").select(["status"]).where("id", "=", s.id).executeTakeFirstOrThrow();
    expect(after.status).toBe("confirmed");
    await expectClean();
  }, 120_000);

  it("read-your-writes: what a user saved on one node is on their next page from the other node, every time", async () => {
    const w = await orderWorld();
    const dealer = await signIn(w.a.dealer_sales.email, A!.url);
    const dealerB = at(dealer, B!.url);
    for (let i = 0; i < 15; i++) {
      const [writer, reader] = i % 2 ? [dealerB, dealer] : [dealer, dealerB];
      const key = uniq("ryw-");
      const r = await writer.post("/orders/new", submitForm(w, key, w.widget.id, 1));
      expect(r.status).toBe(302);
      const number = /\/orders\/(SO-[\d-]+)/.exec(r.location ?? "")![1]!;
      const page = await reader.get(`/orders/${number}`);
      expect(page.status, `order ${number} read on the other node`).toBe(200);
      expect(page.text).toContain(`PO-${key}`);
      const list = await reader.get("/orders");
      expect(list.text, "the new order is on the other node's list").toContain(number);
    }
    // The reads are causal because every connection on a Galera node asks for it (db/client.ts).
    const { db, pool } = createDb(clusterUrl(2), 1);
    try {
      const v = await sql<{ w: number }>`SELECT @@session.wsrep_sync_wait AS w`.execute(db);
      expect(Number(v.rows[0]!.w)).toBe(1);
    } finally {
      await db.destroy();
      void pool;
    }
  }, 120_000);
});

describe("more write paths on two nodes at once", () => {
  it("quote acceptance and booking sent to both instances at once: one acceptance, one order at the quoted prices", async () => {
    const { cast, lineA, products, ka } = await createDealWorld();
    const deal = await createDeal(cast.a.dealer_sales, ka, [lineA], { approveAs: cast.staff.account_manager });
    const quote = await createProposedQuote(cast.staff.account_manager, deal.id, [{ productId: products[0]!.id, quantity: 4, unitPrice: 100_000 }]);
    expect(quote.status).toBe("proposed");
    const dealer = await signIn(cast.a.dealer_sales.email, A!.url);
    const dealerB = at(dealer, B!.url);
    const accepts = await Promise.all([dealer, dealerB].map((c) => c.post(`/quotes/${quote.id}`, { intent: "accept" })));
    expect(accepts.map((r) => r.status).sort()).toEqual([200, 409]);
    const books = await Promise.all([dealerB, dealer].map((c) => c.post(`/quotes/${quote.id}`, { intent: "book" })));
    for (const r of books) expect(r.status, r.text.slice(0, 300)).toBe(302);
    // A second booking returns the order the first one made, whichever node each landed on.
    expect(new Set(books.map((r) => r.location)).size).toBe(1);
    const orders = await getDb().selectFrom("orders").select(["id", "total_minor"]).where("quote_id", "=", quote.id).execute();
    expect(orders).toEqual([{ id: orders[0]!.id, total_minor: 400_000 }]);
    const q = await getDb().selectFrom("quotes").select("status").where("id", "=", quote.id).executeTakeFirstOrThrow();
    expect(q.status).toBe("converted");
    await expectClean();
  }, 120_000);

  it("manual ledger postings, each key sent to both instances at once: one entry per key, the balance is their sum", async () => {
    const w = await orderWorld();
    const finance = await signIn(w.staff.finance.email, A!.url);
    const financeB = at(finance, B!.url);
    const keys = Array.from({ length: 10 }, () => uniq("post-"));
    const form = (key: string, i: number) => ({
      dealerId: String(w.dealerA.id),
      type: "adjustment",
      direction: "debit",
      amount: String(10 + i),
      description: `Galera adjustment ${i}`,
      key,
    });
    const answers = await Promise.all(keys.flatMap((k, i) => [finance, financeB].map((c) => c.post("/finance/ledger/new", form(k, i)))));
    for (const r of answers) expect(r.status, r.text.slice(0, 300)).toBe(302);
    // Each key: one answer "posted", the other "already posted" (the same entry).
    expect(answers.filter((r) => /dup=1/.test(r.location ?? ""))).toHaveLength(10);
    const entries = await getDb()
      .selectFrom("ledger_entries")
      .select(["amount_minor"])
      .where("dealer_id", "=", w.dealerA.id)
      .where("entry_type", "=", "adjustment")
      .execute();
    expect(entries).toHaveLength(10);
    expect(entries.reduce((s, e) => s + Math.abs(Number(e.amount_minor)), 0)).toBe(keys.reduce((s, _, i) => s + (10 + i) * 100, 0));
    await expectClean(); // the dealer's balance row equals the sum of its entries
  }, 120_000);

  it("a stock count import on one node while approvals reserve the same units on the other: never more reserved than on hand", async () => {
    const w = await orderWorld();
    const scarce = await createProduct({ listPrice: 20_00 });
    await addStock(scarce.id, w.east.id, 12);
    const sku = (await getDb().selectFrom("products").select("sku").where("id", "=", scarce.id).executeTakeFirstOrThrow()).sku;
    const orders: { id: number; number: string; version: number }[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: scarce.id, quantity: 2 }]);
      const o = await getDb().selectFrom("orders").select(["id", "number", "version"]).where("id", "=", r.id).executeTakeFirstOrThrow();
      orders.push({ id: o.id, number: o.number!, version: o.version });
    }
    const ops = await signIn(w.staff.ops.email, A!.url);
    const opsB = at(ops, B!.url);
    // The count says 5 on hand in the east: valid only while at most 5 are reserved.
    const upload = (c: Client, onHand: number) => {
      const fd = new FormData();
      fd.set("kind", "stock");
      fd.set("mode", "all_or_nothing");
      fd.set(
        "file",
        new Blob([`sku,warehouse,on_hand\n${sku},${w.east.code},${onHand}\n${w.widget.sku},${w.north.code},40\n`], { type: "text/csv" }),
        "count.csv",
      );
      return c.request("/stock/import", { method: "POST", body: fd });
    };
    const [imported, ...approvals] = await Promise.all([
      upload(ops, 5),
      ...orders.map((o) => opsB.post(`/orders/${o.number}`, { intent: "approve", orderId: String(o.id), version: String(o.version) })),
    ]);
    expect(imported.status, imported.text.slice(0, 300)).toBe(302);
    for (const r of approvals) expect(r.status, r.text.slice(0, 300)).toBe(302);
    const job = await getDb()
      .selectFrom("import_jobs")
      .select(["status", "written_rows"])
      .where("id", "=", Number(/\/stock\/import\/(\d+)/.exec(imported.location ?? "")![1]))
      .executeTakeFirstOrThrow();
    const level = await getDb()
      .selectFrom("stock_levels")
      .select(["on_hand", "reserved"])
      .where("product_id", "=", scarce.id)
      .where("warehouse_id", "=", w.east.id)
      .executeTakeFirstOrThrow();
    expect(level.reserved).toBeLessThanOrEqual(level.on_hand);
    // All or nothing: either the count landed whole (and approvals after it reserved at most 5) or not at all.
    if (job.status === "succeeded") {
      expect(job.written_rows).toBe(2);
      expect(level.on_hand).toBe(5);
      const north = await getDb()
        .selectFrom("stock_levels")
        .select("on_hand")
        .where("product_id", "=", w.widget.id)
        .where("warehouse_id", "=", w.north.id)
        .executeTakeFirstOrThrow();
      expect(north.on_hand).toBe(40);
    } else {
      expect(job).toEqual({ status: "rejected", written_rows: 0 });
      expect(level.on_hand).toBe(12);
    }
    const lines = await getDb().selectFrom("order_lines").select(["reserved_qty", "backordered_qty"]).where("product_id", "=", scarce.id).execute();
    expect(lines.reduce((s, l) => s + l.reserved_qty, 0)).toBe(level.reserved);
    await expectClean();

    // The same product file on both instances at once: each SKU once, both imports whole.
    const csv = ["sku,name_zh,name_en,category,product_line,unit,list_price"];
    const cat = await getDb().selectFrom("categories").select("code").executeTakeFirstOrThrow();
    const line = await getDb().selectFrom("product_lines").select("code").executeTakeFirstOrThrow();
    for (let i = 0; i < 40; i++) csv.push(`GAL-${i},产品${i},Product ${i},${cat.code},${line.code},pcs,${100 + i}.50`);
    const productFile = (c: Client) => {
      const fd = new FormData();
      fd.set("kind", "products");
      fd.set("mode", "all_or_nothing");
      fd.set("file", new Blob([`${csv.join("\n")}\n`], { type: "text/csv" }), "products.csv");
      return c.request("/stock/import", { method: "POST", body: fd });
    };
    const both = await Promise.all([productFile(ops), productFile(opsB)]);
    for (const r of both) expect(r.status, r.text.slice(0, 300)).toBe(302);
    const ids = both.map((r) => Number(/\/stock\/import\/(\d+)/.exec(r.location ?? "")![1]));
    const jobs = await getDb().selectFrom("import_jobs").select(["status", "written_rows"]).where("id", "in", ids).execute();
    expect(jobs).toEqual([
      { status: "succeeded", written_rows: 40 },
      { status: "succeeded", written_rows: 40 },
    ]);
    const made = await getDb().selectFrom("products").select(["sku", "list_price_minor"]).where("sku", "like", "GAL-%").execute();
    expect(made).toHaveLength(40);
    expect(made.find((p) => p.sku === "GAL-7")?.list_price_minor).toBe(107_50);
    await expectClean();
  }, 180_000);
});

/** The job runner alone (`npm run jobs`), preferring node `node`; resolves once it has started. */
async function runner(node: number): Promise<Instance> {
  const child = spawn(process.execPath, ["--import", "tsx", "jobs/runner.ts"], {
    env: { ...process.env, DATABASE_URL: clusterUrl(node), NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`runner did not start: ${log.join("")}`)), 60_000);
    child.stderr!.on("data", (d) => log.push(String(d)));
    child.stdout!.on("data", (d) => {
      log.push(String(d));
      if (/job runner started/.test(log.join(""))) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", () => reject(new Error(`runner exited: ${log.join("")}`)));
  });
  return { child, url: "", log, exited };
}

describe("scheduled jobs on every instance", () => {
  it("two runners on two nodes catch up the same missed slots: each slot runs once, none fails", async () => {
    await orderWorld(); // dealers and staff, so the digests and statement runs have someone to work for
    const [x, y] = await Promise.all([runner(0), runner(1)]);
    try {
      // Wait until both have claimed what they catch up and nothing is running any more.
      const deadline = Date.now() + 90_000;
      for (;;) {
        const rows = await getDb().selectFrom("job_runs").select(["status"]).execute();
        if (rows.length && rows.every((r) => r.status !== "running")) break;
        if (Date.now() > deadline) throw new Error(`job runs did not finish: ${x.log.join("")}${y.log.join("")}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      const runs = await getDb().selectFrom("job_runs").select(["job_name", "slot", "status", "owner"]).execute();
      const perSlot = new Map<string, number>();
      for (const r of runs) perSlot.set(`${r.job_name}@${r.slot}`, (perSlot.get(`${r.job_name}@${r.slot}`) ?? 0) + 1);
      expect([...perSlot.values()].every((n) => n === 1)).toBe(true);
      expect(runs.filter((r) => r.status === "failed")).toEqual([]);
      // Both runners tried the same slots; each slot was claimed by one of them.
      const logs = `${x.log.join("")}${y.log.join("")}`;
      expect(logs).not.toMatch(/"msg":"job (error|failed)"/);
      // Every run of a job that catches up was a catch-up (a minute job may also tick on its own while this runs).
      const catchingUp = new Set(REGISTRY.filter((j) => j.catchUp).map((j) => j.name as string));
      expect(logs.match(/"msg":"job catch-up"/g)?.length ?? 0).toBe(runs.filter((r) => catchingUp.has(r.job_name)).length);
    } finally {
      await Promise.all([stop(x), stop(y)]);
    }
  }, 150_000);
});

describe("a node dies under load", () => {
  it("SIGKILL of the second instance's node: no 500s, it fails over, the node rejoins, nothing lost or doubled", async () => {
    const w = await orderWorld();
    const dealer = await signIn(w.a.dealer_sales.email, A!.url);
    const dealerB = at(dealer, B!.url);
    const tryAgain = translate("en", "error.503");
    const checkFirst = translate("en", "error.503.commitUnknown");
    const statuses: number[] = [];
    const told = new Map<string, "done" | "unknown" | "retry">();
    let stopLoad = false;
    const load = async (c: Client, who: string) => {
      for (let i = 0; !stopLoad; i++) {
        const key = `${who}-${i}-${uniq("")}`;
        let r: Res;
        try {
          r = await c.post("/orders/new", submitForm(w, key, w.widget.id, 1));
        } catch {
          continue; // the socket itself dropped (never seen: the instance stays up)
        }
        statuses.push(r.status);
        if (r.status === 302) told.set(key, "done");
        else if (r.status === 503) told.set(key, r.text.includes(checkFirst) ? "unknown" : r.text.includes(tryAgain) ? "retry" : "retry");
        const page = await c.get("/orders");
        statuses.push(page.status);
      }
    };
    const running = Promise.all([load(dealer, "a"), load(dealerB, "b"), load(dealerB, "b2")]);
    await new Promise((r) => setTimeout(r, 3_000));
    const killedAt = Date.now();
    galera("kill", "2");
    // The second instance serves again from a live node.
    let servedAgainMs = -1;
    for (let i = 0; i < 120; i++) {
      const r = await dealerB.get("/orders");
      if (r.status === 200) {
        servedAgainMs = Date.now() - killedAt;
        break;
      }
      await new Promise((res) => setTimeout(res, 250));
    }
    expect(servedAgainMs, "the instance on the dead node serves again").toBeGreaterThanOrEqual(0);
    await new Promise((r) => setTimeout(r, 3_000));
    galera("revive", "2");
    await new Promise((r) => setTimeout(r, 2_000));
    stopLoad = true;
    await running;
    console.log(`[cluster] node killed: the instance on it served again after ${servedAgainMs} ms; ${statuses.length} answers`);

    const errors = [...A!.log, ...B!.log]
      .join("")
      .split("\n")
      .filter((l) => /"level":"error"/.test(l));
    expect(
      statuses.filter((s) => s >= 500 && s !== 503),
      `no 500s; the instances logged:\n${errors.slice(-5).join("\n")}`,
    ).toEqual([]);
    expect(statuses.filter((s) => s === 302 || s === 200).length).toBeGreaterThan(20);
    // Every "done" is an order; every key is at most one order; an "unknown" is one order or none.
    const orders = await getDb().selectFrom("orders").select(["submit_key"]).where("status", "!=", "draft").execute();
    const byKey = new Map<string, number>();
    for (const o of orders) byKey.set(o.submit_key!, (byKey.get(o.submit_key!) ?? 0) + 1);
    expect([...byKey.values()].every((n) => n === 1)).toBe(true);
    for (const [key, what] of told) {
      if (what === "done") expect(byKey.get(key), key).toBe(1);
      if (what === "retry") expect(byKey.get(key), key).toBeUndefined();
    }
    // The revived node has caught up: it reads the same orders.
    const { db } = createDb(`mysql://root@127.0.0.1:${nodes[1]}/${database}`, 1);
    try {
      const n = await db
        .selectFrom("orders")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("status", "!=", "draft")
        .executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(orders.length);
    } finally {
      await db.destroy();
    }
    await expectClean();
  }, 180_000);
});

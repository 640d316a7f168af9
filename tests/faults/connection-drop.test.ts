/**
 * The database connection drops, or the server process dies, in the middle of
 * order submission, approval, shipment, statement issue and dispute resolution.
 *
 * - Connection drop: a fault hook runs inside the unit of work after all its
 *   writes and KILLs the transaction's own MariaDB connection, so COMMIT meets a
 *   dead connection. Driven over HTTP against the production build.
 * - Server restart: a child server process (tests/faults/fault-server.ts)
 *   stops inside the unit of work just before COMMIT and is SIGKILLed; a fresh
 *   server then takes the retry.
 *
 * Each time: nothing of the unit of work remains (every table's checksum is as
 * before), the user got 503 "try again" (or a dropped connection), the retry
 * succeeds exactly once, a second retry changes nothing, and db:check is clean.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { CompiledQuery, sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "mysql2/promise";
import { getDb, poolOptions } from "../../db/client";
import { runChecks } from "../../db/check";
import { translate } from "../../app/i18n";
import { disputeLine } from "../../app/modules/statements/statements.server";
import { previousPeriod, periodOf } from "../../app/modules/ledger/period";
import { setFaultHook } from "../../app/utils/tx.server";
import { actorFor, TEST_PASSWORD, uniq } from "../factories";
import { inDays, orderWorld, today, type World } from "../factories/orders";
import { Client, startTestServer, stopTestServer, type Res } from "../helpers/http";
import { post } from "../helpers/ledger";

let base = "";
beforeAll(async () => {
  base = (await startTestServer()).url;
});
afterAll(async () => {
  await stopTestServer();
});
afterEach(() => setFaultHook(undefined));

const TRY_AGAIN = translate("en", "error.503");
/** COMMIT met the dead connection: the server cannot know whether it committed, and says so. */
const CHECK_FIRST = translate("en", "error.503.commitUnknown");

/** Every table's checksum (sessions aside: signing in and session refresh are not part of a unit of work). */
async function snapshot(): Promise<Record<string, string>> {
  const db = getDb();
  const tables = (
    await sql<{
      t: string;
    }>`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' AND table_name <> 'sessions' ORDER BY table_name`.execute(
      db,
    )
  ).rows.map((r) => r.t);
  const rows = (await sql<{ Table: string; Checksum: string | number | null }>`CHECKSUM TABLE ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db)).rows;
  return Object.fromEntries(rows.map((r) => [r.Table, String(r.Checksum)]));
}

/**
 * In the unit of work whose label matches, once: kill the transaction's own connection after its writes.
 * `at: "commit"` returns, so COMMIT meets the dead connection; `at: "work"` goes on using it, so the
 * unit of work itself fails before COMMIT is ever sent.
 */
function dropConnectionIn(label: RegExp, at: "commit" | "work" = "commit") {
  const hits: string[] = [];
  setFaultHook(async (l, tx) => {
    if (hits.length || !label.test(l)) return;
    hits.push(l);
    // The transaction may come from the production build's copy of Kysely: a compiled query works across copies.
    const { rows } = await tx.executeQuery<{ id: number }>(CompiledQuery.raw("SELECT CONNECTION_ID() AS id"));
    await sql`KILL CONNECTION ${sql.lit(Number(rows[0]!.id))}`.execute(getDb());
    if (at === "work") await tx.executeQuery(CompiledQuery.raw("SELECT 1"));
  });
  return hits;
}

async function signedIn(email: string, at = base) {
  const c = new Client(at);
  const r = await c.login(email, TEST_PASSWORD);
  expect(r.status).toBe(302);
  return c;
}

/** The same signed-in user talking to another server (same database, same session). */
function sameUserAt(c: Client, at: string) {
  const other = new Client(at);
  for (const [k, v] of c.cookies) other.cookies.set(k, v);
  return other;
}

type Ctx = { w: World; dealer: Client; ops: Client; finance: Client; period: string; submitKey: string; number?: string; orderId?: number; disputeId?: number };

const orderOf = async (ctx: Ctx) => getDb().selectFrom("orders").selectAll().where("id", "=", ctx.orderId!).executeTakeFirstOrThrow();

type Step = {
  name: string;
  label: RegExp;
  /** One press of the button, as the given clients' server sees it. */
  act: (ctx: Ctx, at: string) => Promise<Res>;
  /** The first successful press. */
  ok: (r: Res) => void;
  /** A second press after success: refused or a no-op, never a second change. */
  again: (r: Res) => void;
  /** Exactly one change happened. */
  once: (ctx: Ctx) => Promise<void>;
};

const as = (c: Client, at: string) => (at === c.base ? c : sameUserAt(c, at));

const STEPS: Step[] = [
  {
    name: "order submission",
    label: /^order\.submit$/,
    act: (ctx, at) =>
      as(ctx.dealer, at).post("/orders/new", {
        intent: "submit",
        submitKey: ctx.submitKey,
        addressId: String(ctx.w.addrA.id),
        requestedDate: inDays(10),
        poReference: "PO-FAULT-1",
        "lines.0.productId": String(ctx.w.widget.id),
        "lines.0.quantity": "4",
      }),
    ok: (r) => expect(r.location).toMatch(/^\/orders\/SO-\d{4}-\d{6}\?submitted=submitted$/),
    again: (r) => expect(r.location).toMatch(/\?submitted=again$/),
    once: async (ctx) => {
      const orders = await getDb().selectFrom("orders").select(["id", "number", "status"]).where("status", "!=", "draft").execute();
      expect(orders).toHaveLength(1);
      ctx.orderId = orders[0]!.id;
      ctx.number = orders[0]!.number!;
      expect(await getDb().selectFrom("order_lines").select("quantity").where("order_id", "=", ctx.orderId).execute()).toEqual([{ quantity: 4 }]);
    },
  },
  {
    name: "order approval",
    label: /^order\.approve$/,
    act: async (ctx, at) =>
      as(ctx.ops, at).post(`/orders/${ctx.number}`, { intent: "approve", orderId: String(ctx.orderId), version: String((await orderOf(ctx)).version) }),
    ok: (r) => expect(r.location).toMatch(/done=approve/),
    again: (r) => expect(r.status).toBe(409),
    once: async (ctx) => {
      expect((await orderOf(ctx)).status).toBe("approved");
      const h = await getDb()
        .selectFrom("order_status_history")
        .select("id")
        .where("order_id", "=", ctx.orderId!)
        .where("to_status", "=", "approved")
        .execute();
      expect(h).toHaveLength(1);
      const reserved = await getDb()
        .selectFrom("stock_levels")
        .select((eb) => eb.fn.sum<string>("reserved").as("r"))
        .where("product_id", "=", ctx.w.widget.id)
        .executeTakeFirst();
      expect(Number(reserved?.r)).toBe(4);
    },
  },
  {
    name: "shipment",
    label: /^order\.ship$/,
    act: async (ctx, at) => {
      const o = await orderOf(ctx);
      const lines = await getDb().selectFrom("order_lines").select(["id", "quantity"]).where("order_id", "=", o.id).execute();
      const res = await getDb().selectFrom("order_line_reservations").select(["warehouse_id"]).where("order_line_id", "=", lines[0]!.id).executeTakeFirst();
      return as(ctx.ops, at).post(`/orders/${ctx.number}`, {
        intent: "ship",
        orderId: String(o.id),
        version: String(o.version),
        warehouseId: String(res?.warehouse_id ?? ctx.w.east.id),
        carrier: "SF Express",
        trackingNumber: "SF-FAULT-1",
        shippedOn: today(),
        ...Object.fromEntries(lines.map((l) => [`qty.${l.id}`, String(l.quantity)])),
      });
    },
    ok: (r) => expect(r.location).toMatch(/done=ship/),
    again: (r) => expect(r.status).toBe(409),
    once: async (ctx) => {
      expect((await orderOf(ctx)).status).toBe("shipped");
      expect(await getDb().selectFrom("shipments").select("id").where("order_id", "=", ctx.orderId!).execute()).toHaveLength(1);
      expect(
        await getDb().selectFrom("ledger_entries").select("id").where("order_id", "=", ctx.orderId!).where("entry_type", "=", "invoice").execute(),
      ).toHaveLength(1);
      const moved = await getDb()
        .selectFrom("stock_movements")
        .select((eb) => eb.fn.sum<string>("on_hand_delta").as("d"))
        .where("kind", "=", "shipment")
        .executeTakeFirst();
      expect(Number(moved?.d)).toBe(-4);
    },
  },
  {
    name: "statement issue",
    label: /^statements\.issue\./,
    act: (ctx, at) => as(ctx.finance, at).post("/finance/statements", { period: ctx.period }),
    ok: (r) => {
      expect(r.status).toBe(200);
      expect(r.text).toMatch(/1 statements issued, 0 already issued/);
    },
    again: (r) => expect(r.text).toMatch(/0 statements issued, 1 already issued/),
    once: async (ctx) => {
      const s = await getDb().selectFrom("statements").select(["id"]).where("period", "=", ctx.period).execute();
      expect(s).toHaveLength(1);
      expect(await getDb().selectFrom("statement_lines").select("id").where("statement_id", "=", s[0]!.id).execute()).toHaveLength(1);
      // The dealer disputes the line, ready for the next step (not itself a fault step).
      const line = await getDb().selectFrom("statement_lines").select("id").where("statement_id", "=", s[0]!.id).executeTakeFirstOrThrow();
      await disputeLine(actorFor(ctx.w.a.dealer_finance), s[0]!.id, { lineId: line.id, reasonCode: "price_differs", amount: 30_00, comment: null });
      ctx.disputeId = (await getDb().selectFrom("disputes").select("id").executeTakeFirstOrThrow()).id;
    },
  },
  {
    name: "dispute resolution",
    label: /^dispute\.resolve$/,
    act: (ctx, at) => as(ctx.finance, at).post(`/finance/disputes/${ctx.disputeId}`, { decision: "accept", version: "1", note: "Agreed" }),
    ok: (r) => expect(r.status).toBe(200),
    again: (r) => expect(r.status).toBe(409),
    once: async (ctx) => {
      const d = await getDb().selectFrom("disputes").select(["status"]).where("id", "=", ctx.disputeId!).executeTakeFirstOrThrow();
      expect(d.status).toBe("accepted");
      const credits = await getDb().selectFrom("ledger_entries").select(["amount_minor"]).where("dispute_id", "=", ctx.disputeId!).execute();
      expect(credits).toEqual([{ amount_minor: -30_00 }]);
    },
  },
];

async function world(): Promise<Ctx> {
  const w = await orderWorld();
  // Last month's activity, so there is a period to issue.
  const period = previousPeriod(periodOf(today()));
  await post(w.dealerA.id, "invoice", 500_00, `${period}-15`, { reference: "INV-LAST-MONTH", dueDate: inDays(20) });
  return {
    w,
    period,
    submitKey: uniq("fault-submit-"),
    dealer: await signedIn(w.a.dealer_sales.email),
    ops: await signedIn(w.staff.ops.email),
    finance: await signedIn(w.staff.finance.email),
  };
}

async function expectClean() {
  const checks = await runChecks(getDb());
  expect(checks.filter((c) => !c.ok)).toEqual([]);
}

describe("the database connection drops in the middle of a unit of work", () => {
  it("submission, approval, shipment, statement issue and dispute resolution: lost before COMMIT, retried on a fresh connection; lost under COMMIT, 503 and nothing changed; either way exactly once", async () => {
    const ctx = await world();
    let injected = 0;
    for (const [i, step] of STEPS.entries()) {
      const before = await snapshot();
      // Alternately: the connection dies while the unit of work still uses it (nothing was committed, so the
      // unit of work runs again on a fresh connection, as it would on another cluster node), or under COMMIT
      // itself (the server cannot know whether it committed: "check before trying again").
      const at = i % 2 ? "work" : "commit";
      const hits = dropConnectionIn(step.label, at);
      const first = await step.act(ctx, base);
      setFaultHook(undefined);
      expect(hits, step.name).toHaveLength(1);
      injected++;
      if (at === "work") {
        step.ok(first);
      } else {
        expect(first.status, step.name).toBe(503);
        expect(first.text, `${step.name} (${at})`).toContain(CHECK_FIRST);
        expect(first.text, `${step.name} (${at})`).not.toContain(TRY_AGAIN);
        expect(first.headers.get("retry-after"), step.name).toBe("2");
        expect(await snapshot(), `${step.name}: all or nothing`).toEqual(before);
        step.ok(await step.act(ctx, base));
      }
      step.again(await step.act(ctx, base));
      await step.once(ctx);
      await expectClean();
    }
    expect(injected).toBe(5);
  }, 120_000);
});

describe("every pooled connection is dropped at once (the database server restarted)", () => {
  it("the next presses work first time: dead connections leave the pool instead of failing a user", async () => {
    const ctx = await world();
    // Fill the pool: several requests at once.
    await Promise.all(Array.from({ length: 6 }, () => ctx.ops.get("/review/orders")));
    const admin = await createConnection(poolOptions(process.env.DATABASE_URL!, 1));
    try {
      const [rows] = await admin.query("SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()");
      const ids = (rows as { id: number }[]).map((r) => Number(r.id));
      expect(ids.length).toBeGreaterThan(1);
      for (const id of ids) await admin.query(`KILL CONNECTION ${id}`);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await admin.end();
    }
    const submit = await STEPS[0]!.act(ctx, base);
    STEPS[0]!.ok(submit);
    expect((await ctx.ops.get("/review/orders")).status).toBe(200);
    await STEPS[0]!.once(ctx);
    await expectClean();
  }, 60_000);
});

/** Starts tests/faults/fault-server.ts on its own port; resolves once it listens. */
async function pausedServer(
  label: RegExp,
  port: number,
): Promise<{ child: ChildProcess; url: string; paused: Promise<string>; exited: Promise<NodeJS.Signals | null> }> {
  const url = `http://127.0.0.1:${port}`;
  // node itself with tsx's loader (not the tsx wrapper, which would survive as a parent while its child lives on).
  const child = spawn(process.execPath, ["--import", "tsx", "tests/faults/fault-server.ts"], {
    env: { ...process.env, PORT: String(port), APP_ORIGIN: url, FAULT_LABEL: label.source, FAULT_MODE: "pause", JOBS: "off", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  let onPause: (l: string) => void = () => {};
  const paused = new Promise<string>((resolve) => (onPause = resolve));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`paused server did not start: ${out} ${err}`)), 30_000);
    child.stderr!.on("data", (d) => (err += d));
    child.stdout!.on("data", (d) => {
      out += d;
      if (/listening on/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
      const m = /FAULT (\S+)/.exec(out);
      if (m) onPause(m[1]!);
    });
    child.on("exit", () => reject(new Error(`paused server exited: ${out} ${err}`)));
  });
  return { child, url, paused, exited };
}

describe("the server process is killed while a unit of work holds its transaction open", () => {
  it("SIGKILL before COMMIT, for each of the five units of work: nothing changed; after the restart the same press succeeds exactly once", async () => {
    const ctx = await world();
    const port = Number(process.env.PORT) + 150;
    let killed = 0;
    for (const step of STEPS) {
      const before = await snapshot();
      const srv = await pausedServer(step.label, port);
      const press = step.act(ctx, srv.url).then(
        (r) => r,
        (e: unknown) => e as Error,
      );
      const label = await srv.paused;
      expect(label, step.name).toMatch(step.label);
      // The transaction is open in the other process: its writes are not visible here.
      expect(await snapshot(), `${step.name}: uncommitted writes invisible`).toEqual(before);
      srv.child.kill("SIGKILL");
      expect(await srv.exited).toBe("SIGKILL");
      killed++;
      const r = await press;
      // The user's browser saw the connection drop (no response): pressing again is safe.
      expect(r instanceof Error || (r as Res).status >= 500, step.name).toBe(true);
      expect(await snapshot(), `${step.name}: all or nothing after the crash`).toEqual(before);
      // The restarted server (here: the test's own) takes the same press.
      step.ok(await step.act(ctx, base));
      step.again(await step.act(ctx, base));
      await step.once(ctx);
      await expectClean();
    }
    expect(killed).toBe(5);
  }, 180_000);
});

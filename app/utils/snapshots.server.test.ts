/**
 * Dashboard snapshots (decisions 076, 112): computed once per data version, recomputed
 * after any domain write, after an out-of-order commit (a lower id, an earlier timestamp),
 * after MAX_AGE_MS and when the clock goes back; shared by concurrent callers; failures are
 * not kept. No order is read from ids: the version is the journals' latest timestamps and
 * their rows stamped inside a window of the app clock.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { sql } from "kysely";
import { getDb } from "../../db/client";
import { actorFor } from "../../tests/factories";
import { orderWorld, submitNew } from "../../tests/factories/orders";
import { opsDashboard } from "~/modules/reports/reports.server";
import { setClock } from "../../tests/helpers/clock";
import { dataVersion, forgetSnapshots, MAX_AGE_MS, readReferenceVersions, snapshot, STEP_MS, WINDOW_MS, windowStart } from "./snapshots.server";

const auditRow = (action: string) => sql`INSERT INTO audit_log (actor_role, action, entity_type, entity_id) VALUES ('system', ${action}, 'test', '1')`;
/** An audit row as another database node (TiDB, Galera with per-node offsets) may write it: its own id, its own stamp. */
const auditRowAs = (id: number | null, at: Date, action = "node") =>
  sql`INSERT INTO audit_log (id, occurred_at, actor_role, action, entity_type, entity_id) VALUES (${id}, ${at}, 'system', ${action}, 'test', '1')`;
const latestAudit = async () =>
  String((await sql<{ t: string | null }>`SELECT CAST(MAX(occurred_at) AS CHAR) AS t FROM audit_log`.execute(getDb())).rows[0]!.t);
/** The tests below run on the app clock only: every row they write carries a stamp relative to T. */
const T = new Date("2026-11-20T02:00:30Z");
const plus = (ms: number) => new Date(T.getTime() + ms);

afterEach(() => {
  vi.useRealTimers();
});

describe("dataVersion", () => {
  it("moves with every journal row, including one that commits after a later one", async () => {
    const db = getDb();
    const v0 = await dataVersion(db);
    await auditRow("a").execute(db);
    const v1 = await dataVersion(db);
    expect(v1).not.toBe(v0);
    expect(await dataVersion(db)).toBe(v1);

    // T1 writes a row and holds it; T2 writes a row stamped no earlier and commits first.
    const early = await db.connection().execute(async (c1) => {
      await sql`START TRANSACTION`.execute(c1);
      await auditRow("held").execute(c1);
      await auditRow("later").execute(db);
      const seen = await dataVersion(db);
      const latest = await latestAudit();
      await sql`COMMIT`.execute(c1);
      return { seen, latest };
    });
    expect(await latestAudit()).toBe(early.latest); // the latest stamp did not move at the commit…
    expect(await dataVersion(db)).not.toBe(early.seen); // …and the version still did
  });

  it("moves with stock movements, ledger entries and domain events too", async () => {
    const db = getDb();
    const w = await orderWorld();
    const v0 = await dataVersion(db);
    await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 1 }]);
    expect(await dataVersion(db)).not.toBe(v0);
    const v1 = await dataVersion(db);
    await sql`INSERT INTO domain_events (type, entity_type, entity_id) VALUES ('test', 'test', '1')`.execute(db);
    expect(await dataVersion(db)).not.toBe(v1);
  });
});

describe("readReferenceVersions", () => {
  it("moves with an audit row (a late commit included) and with the catalog, not with the other journals", async () => {
    const db = getDb();
    const v0 = await readReferenceVersions(db);
    await sql`INSERT INTO domain_events (type, entity_type, entity_id) VALUES ('test', 'test', '1')`.execute(db);
    expect(await readReferenceVersions(db)).toEqual(v0);
    await auditRow("ref").execute(db);
    const v1 = await readReferenceVersions(db);
    expect(v1.data).not.toBe(v0.data);
    expect(v1.catalog).toBe(v0.catalog);
    const seen = await db.connection().execute(async (c1) => {
      await sql`START TRANSACTION`.execute(c1);
      await auditRow("held").execute(c1);
      await auditRow("later").execute(db);
      const before = await readReferenceVersions(db);
      await sql`COMMIT`.execute(c1);
      return before;
    });
    expect((await readReferenceVersions(db)).data).not.toBe(seen.data);
    await sql`UPDATE catalog_version SET version = version + 1 WHERE id = 1`.execute(db);
    expect((await readReferenceVersions(db)).catalog).not.toBe(v1.catalog);
  });
});

describe("versions without ids (decision 112)", () => {
  it("see a row another node wrote with a lower id than the largest, far below it", async () => {
    setClock(T);
    const db = getDb();
    await auditRowAs(500_000, T).execute(db); // node A hands out ids from its own range
    const v0 = await dataVersion(db);
    const r0 = await readReferenceVersions(db);
    let runs = 0;
    const compute = async () => ++runs;
    expect(await snapshot("t:node", compute)).toBe(1);
    await auditRowAs(1_000, T).execute(db); // node B, same instant, an id 499,000 lower
    expect(await dataVersion(db)).not.toBe(v0);
    expect((await readReferenceVersions(db)).data).not.toBe(r0.data);
    expect(await snapshot("t:node", compute)).toBe(2);

    const v1 = await dataVersion(db);
    await sql`INSERT INTO domain_events (id, occurred_at, type, entity_type, entity_id) VALUES (900000, ${T}, 'test', 'test', '1')`.execute(db);
    const v2 = await dataVersion(db);
    expect(v2).not.toBe(v1);
    await sql`INSERT INTO domain_events (id, occurred_at, type, entity_type, entity_id) VALUES (7, ${plus(-1)}, 'test', 'test', '2')`.execute(db);
    expect(await dataVersion(db)).not.toBe(v2);
  });

  it("see a row committed late with an earlier stamp inside the window, after hundreds of later rows", async () => {
    setClock(T);
    const db = getDb();
    await auditRowAs(null, plus(-60_000)).execute(db);
    const seen = await db.connection().execute(async (c1) => {
      await sql`START TRANSACTION`.execute(c1);
      await auditRowAs(null, plus(-3 * 60_000), "held").execute(c1); // a transaction that began three minutes ago
      const later = Array.from({ length: 300 }, (_, i) => sql`(${plus(-i)}, 'system', 'later', 'test', '1')`);
      await sql`INSERT INTO audit_log (occurred_at, actor_role, action, entity_type, entity_id) VALUES ${sql.join(later)}`.execute(db);
      const before = { data: await dataVersion(db), reference: await readReferenceVersions(db), latest: await latestAudit() };
      await sql`COMMIT`.execute(c1);
      return before;
    });
    expect(await latestAudit()).toBe(seen.latest); // the latest stamp did not move…
    expect(await dataVersion(db)).not.toBe(seen.data); // …the versions did
    expect((await readReferenceVersions(db)).data).not.toBe(seen.reference.data);
  });

  it("stay the same while nothing is written, within a step of the window", async () => {
    setClock(T);
    const db = getDb();
    await auditRowAs(null, plus(-WINDOW_MS + 10_000)).execute(db);
    const v0 = await dataVersion(db);
    const r0 = await readReferenceVersions(db);
    const stepEnd = new Date(Math.floor(T.getTime() / STEP_MS) * STEP_MS + STEP_MS - 1);
    setClock(stepEnd);
    expect(windowStart()).toEqual(windowStart(T));
    expect(await dataVersion(db)).toBe(v0);
    expect(await readReferenceVersions(db)).toEqual(r0);
  });

  it("do not come back when a row leaves the window as a late one enters it", async () => {
    setClock(T); // window from 01:55:00
    const db = getDb();
    await auditRowAs(null, new Date("2026-11-20T01:55:10Z")).execute(db);
    await auditRowAs(null, T).execute(db);
    const v0 = await dataVersion(db);
    const r0 = await readReferenceVersions(db);
    setClock(plus(STEP_MS)); // window from 01:56:00: the 01:55:10 row leaves it…
    await auditRowAs(null, new Date("2026-11-20T01:59:00Z"), "late").execute(db); // …a late row enters it: same count, same latest stamp
    expect(await dataVersion(db)).not.toBe(v0);
    expect((await readReferenceVersions(db)).data).not.toBe(r0.data);
  });
});

describe("snapshot", () => {
  it("computes once per version and again after a journal row", async () => {
    let runs = 0;
    const compute = async () => ++runs;
    expect(await snapshot("t:a", compute)).toBe(1);
    expect(await snapshot("t:a", compute)).toBe(1);
    expect(await snapshot("t:b", compute)).toBe(2); // keys are apart
    await auditRow("x").execute(getDb());
    expect(await snapshot("t:a", compute)).toBe(3);
    expect(await snapshot("t:a", compute)).toBe(3);
    forgetSnapshots();
    expect(await snapshot("t:a", compute)).toBe(4);
  });

  it("shares one computation between concurrent callers and keeps no failure", async () => {
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = async () => {
      runs++;
      await gate;
      return "done";
    };
    const all = Promise.all([snapshot("t:c", slow), snapshot("t:c", slow), snapshot("t:c", slow)]);
    await new Promise((r) => setTimeout(r, 50));
    release();
    expect(await all).toEqual(["done", "done", "done"]);
    expect(runs).toBe(1);

    let attempts = 0;
    const flaky = async () => {
      if (++attempts === 1) throw new Error("database went away");
      return "ok";
    };
    await expect(snapshot("t:d", flaky)).rejects.toThrow("database went away");
    expect(await snapshot("t:d", flaky)).toBe("ok");
    expect(attempts).toBe(2);
  });

  it("expires after MAX_AGE_MS of the app clock and when the clock goes back", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-20T02:00:00Z"));
    let runs = 0;
    const compute = async () => ++runs;
    expect(await snapshot("t:e", compute)).toBe(1);
    vi.setSystemTime(new Date(Date.now() + MAX_AGE_MS - 1));
    expect(await snapshot("t:e", compute)).toBe(1);
    vi.setSystemTime(new Date(Date.now() + 2));
    expect(await snapshot("t:e", compute)).toBe(2);
    vi.setSystemTime(new Date(Date.now() - 10_000));
    expect(await snapshot("t:e", compute)).toBe(3);
  });
});

describe("a dashboard behind a snapshot", () => {
  it("shows a domain write on the next read, with nothing forgotten by hand", async () => {
    const w = await orderWorld();
    const ops = actorFor(w.staff.ops);
    const before = await opsDashboard(ops);
    expect(await opsDashboard(ops)).toBe(before); // served from the snapshot
    await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 2 }]);
    const after = await opsDashboard(ops);
    expect(after.queue.total).toBe(before.queue.total + 1);
  });
});

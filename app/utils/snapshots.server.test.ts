/**
 * Dashboard snapshots (decision 076): computed once per data version, recomputed
 * after any domain write, after an out-of-order commit, after MAX_AGE_MS and when
 * the clock goes back; shared by concurrent callers; failures are not kept.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { sql } from "kysely";
import { getDb } from "../../db/client";
import { actorFor } from "../../tests/factories";
import { orderWorld, submitNew } from "../../tests/factories/orders";
import { opsDashboard } from "~/modules/reports/reports.server";
import { dataVersion, forgetSnapshots, MAX_AGE_MS, readReferenceVersions, snapshot } from "./snapshots.server";

const auditRow = (action: string) => sql`INSERT INTO audit_log (actor_role, action, entity_type, entity_id) VALUES ('system', ${action}, 'test', '1')`;

afterEach(() => {
  vi.useRealTimers();
});

describe("dataVersion", () => {
  it("moves with every journal row, including one that commits after a later id", async () => {
    const db = getDb();
    const v0 = await dataVersion(db);
    await auditRow("a").execute(db);
    const v1 = await dataVersion(db);
    expect(v1).not.toBe(v0);
    expect(await dataVersion(db)).toBe(v1);

    // T1 takes an id and holds it; T2 takes the next id and commits first.
    const early = await db.connection().execute(async (c1) => {
      await sql`START TRANSACTION`.execute(c1);
      await auditRow("held").execute(c1);
      const ids = await sql<{ id: number }>`SELECT LAST_INSERT_ID() AS id`.execute(c1);
      await auditRow("later").execute(db);
      const seen = await dataVersion(db);
      await sql`COMMIT`.execute(c1);
      return { heldId: Number(ids.rows[0]!.id), seen };
    });
    const maxId = await sql<{ m: number }>`SELECT MAX(id) AS m FROM audit_log`.execute(db);
    expect(Number(maxId.rows[0]!.m)).toBeGreaterThan(early.heldId); // the largest id did not move at the commit…
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

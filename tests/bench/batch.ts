/**
 * Batch scenarios, each run in its own child process so its time and peak
 * memory are its own:  tsx tests/bench/batch.ts <name>  (DATABASE_URL = the bench db)
 * Prints one JSON line: {status: "ok" | "n/a", seconds, peakRssBytes, baseRssBytes, detail}.
 *
 * The domain functions are found at run time (the areas land in parallel
 * branches): each adapter lists where the function may live and how it is
 * called. When an area lands with another name or signature, adjust its adapter
 * here; until then the batch is reported as n/a with the reason.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createConnection } from "mysql2";
import { connectionOptions } from "./data";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export type BatchResult = {
  name: string;
  status: "ok" | "n/a" | "failed";
  seconds?: number;
  peakRssBytes?: number;
  baseRssBytes?: number;
  detail: Record<string, unknown>;
  reason?: string;
};

export const BATCHES = ["statements-issue", "stock-import", "digest-run", "sellout-upload", "promotion-rebates"] as const;
export type BatchName = (typeof BATCHES)[number];

/** The first of the candidate modules that exists and exports `name` as a function. */
async function findExport(
  candidates: string[],
  names: string[],
): Promise<{ fn: (...a: unknown[]) => Promise<unknown>; where: string; mod: Record<string, unknown> } | null> {
  for (const rel of candidates) {
    const file = path.join(root, rel);
    if (!existsSync(file)) continue;
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const n of names) if (typeof mod[n] === "function") return { fn: mod[n] as (...a: unknown[]) => Promise<unknown>, where: `${rel}#${n}`, mod };
  }
  return null;
}

function sqlConn() {
  return createConnection(connectionOptions(process.env.DATABASE_URL!)).promise();
}

async function systemActor() {
  const { systemActor } = await import("../../app/modules/auth/actor");
  return systemActor(1, "bench");
}

type Prepared = { run: () => Promise<unknown>; detail: Record<string, unknown> } | { na: string };

const ADAPTERS: Record<BatchName, () => Promise<Prepared>> = {
  /** issueStatements(actor, {period}) for every dealer, for the oldest ended month without statements. */
  "statements-issue": async () => {
    const found = await findExport(
      [
        "app/modules/statements/issue.server.ts",
        "app/modules/statements/statements.server.ts",
        "app/modules/ledger/statements.server.ts",
        "app/modules/ledger/ledger.server.ts",
      ],
      ["issueStatements"],
    );
    if (!found) return { na: "no issueStatements export yet (statements module)" };
    const c = sqlConn();
    try {
      const [[latest]] = (await c.query("SELECT MAX(period) AS p FROM statements")) as unknown as [{ p: string | null }[]];
      const [[meta]] = (await c.query("SELECT value FROM app_settings WHERE name = 'bench.meta'")) as unknown as [{ value: string }[]];
      const unissued = (JSON.parse(meta?.value ?? "{}") as { unissuedPeriod?: string }).unissuedPeriod;
      const period = unissued ?? nextPeriod(latest?.p ?? "");
      // A repeat run measures the same work: remove this period's statements (and what issuing wrote) first.
      const [ids] = (await c.query("SELECT id FROM statements WHERE period = ?", [period])) as unknown as [{ id: number }[]];
      if (ids.length) {
        const list = ids.map((r) => r.id);
        await c.query("DELETE FROM disputes WHERE statement_id IN (?)", [list]);
        await c.query("DELETE FROM statement_lines WHERE statement_id IN (?)", [list]);
        await c.query("DELETE FROM statements WHERE id IN (?)", [list]);
        await c.query("DELETE FROM domain_events WHERE type = 'statement.issued' AND entity_type = 'statement' AND entity_id IN (?)", [list.map(String)]);
        await c.query("DELETE FROM audit_log WHERE action = 'statement.issued' AND entity_type = 'statement' AND entity_id IN (?)", [list.map(String)]);
      }
      const [[shape]] = (await c.query(
        "SELECT COUNT(DISTINCT dealer_id) AS dealers, COUNT(*) AS entries FROM ledger_entries WHERE business_date BETWEEN ? AND LAST_DAY(?)",
        [`${period}-01`, `${period}-01`],
      )) as unknown as [{ dealers: number; entries: number }[]];
      const actor = await systemActor();
      return {
        detail: { period, function: found.where, dealersWithEntries: Number(shape?.dealers ?? 0), entriesInPeriod: Number(shape?.entries ?? 0) },
        run: () => found.fn(actor, { period }),
      };
    } finally {
      await c.end();
    }
  },

  /** The catalog's stock import (runImport) of up to 20,000 rows: counted levels just above what is reserved. */
  "stock-import": async () => {
    const found = await findExport(
      ["app/modules/catalog/import.server.ts", "app/modules/stock/import.server.ts", "app/modules/catalog/catalog.server.ts"],
      ["runImport", "importStock"],
    );
    if (!found) return { na: "no stock import function yet (catalog module)" };
    const c = sqlConn();
    try {
      const rows = Number(process.env.BENCH_IMPORT_ROWS ?? 20_000);
      const [levels] = (await c.query(
        "SELECT p.sku, w.code, l.reserved FROM stock_levels l JOIN products p ON p.id = l.product_id JOIN warehouses w ON w.id = l.warehouse_id WHERE p.made_to_order = 0 ORDER BY l.product_id, l.warehouse_id LIMIT ?",
        [rows],
      )) as unknown as [{ sku: string; code: string; reserved: number }[]];
      const csv = ["sku,warehouse,on_hand", ...levels.map((l, i) => `${l.sku},${l.code},${l.reserved + ((i * 37) % 500)}`)].join("\n");
      const bytes = new TextEncoder().encode(csv);
      const actor = await systemActor();
      // Stock that arrives goes to waiting orders: the orders domain takes it (stock/arrivals.server.ts).
      await import("../../app/modules/orders/orders.server");
      const call = found.where.endsWith("#runImport")
        ? () => found.fn(actor, { kind: "stock", mode: "all_or_nothing", filename: "bench-stock.csv", bytes })
        : () => found.fn(actor, { filename: "bench-stock.csv", bytes });
      return {
        detail: { rows: levels.length, bytes: bytes.length, function: found.where },
        run: async () => {
          const r = (await call()) as { jobId?: number } | undefined;
          if (r?.jobId) {
            const c2 = sqlConn();
            try {
              const [[job]] = (await c2.query("SELECT status, written_rows, error_count FROM import_jobs WHERE id = ?", [r.jobId])) as unknown as [
                { status: string; written_rows: number; error_count: number }[],
              ];
              if (job?.status !== "succeeded") throw new Error(`import job ${r.jobId} ended ${job?.status} with ${job?.error_count} errors`);
              return job;
            } finally {
              await c2.end();
            }
          }
          return r;
        },
      };
    } finally {
      await c.end();
    }
  },

  /**
   * A digest run for every user with a digest frequency: the daily and the weekly
   * run back to back, through the same domain function the jobs call.
   */
  "digest-run": async () => {
    const { runDigest } = await import("../../app/modules/notifications/digest.server");
    const c = sqlConn();
    try {
      // A repeat run has the same work: nobody has had this digest yet.
      await c.query("UPDATE users SET last_digest_at = NULL");
      await c.query("DELETE FROM outbox_emails WHERE kind LIKE 'digest%'");
      const [[u]] = (await c.query(
        "SELECT COUNT(*) AS n FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.status = 'active' AND o.status = 'active' AND u.digest_frequency <> 'off'",
      )) as unknown as [{ n: number }[]];
      const [[e]] = (await c.query("SELECT COUNT(*) AS n FROM domain_events")) as unknown as [{ n: number }[]];
      const usersWithDigest = Number(u?.n ?? 0);
      return {
        detail: { usersWithDigest, events: Number(e?.n ?? 0), function: "app/modules/notifications/digest.server.ts#runDigest (daily, then weekly)" },
        run: async () => {
          const period = `bench-${Date.now()}`;
          const daily = await runDigest("daily", { period: `${period}-d` });
          const weekly = await runDigest("weekly", { period: `${period}-w` });
          const users = daily.users + weekly.users;
          // A run that looked at nobody measured nothing: fail it rather than report 0 s.
          if (users < usersWithDigest) throw new Error(`the digest runs covered ${users} of ${usersWithDigest} users`);
          const c2 = sqlConn();
          try {
            const [[o]] = (await c2.query("SELECT COUNT(*) AS n FROM outbox_emails WHERE kind LIKE 'digest%'")) as unknown as [{ n: number }[]];
            return { daily, weekly, users, digestEmails: Number(o?.n ?? 0) };
          } finally {
            await c2.end();
          }
        },
      };
    } finally {
      await c.end();
    }
  },

  /**
   * A dealer's sell-out upload of 100,000 rows (issue #24 item 4: ≤ 30 s): 20,000 SKUs × 5 regions with units,
   * revenue and (on each SKU's first row) units on hand, for last month, "import nothing unless all valid",
   * through the function the upload page calls, as the dealer's administrator.
   */
  "sellout-upload": async () => {
    const { importSellout } = await import("../../app/modules/sellout/import.server");
    const { addDays, todayIn } = await import("../../app/utils/time");
    const { env } = await import("../../app/utils/env.server");
    const c = sqlConn();
    try {
      const rows = Number(process.env.BENCH_SELLOUT_ROWS ?? 100_000);
      const regions = ["north", "east", "south", "central", "west"];
      const [[admin]] = (await c.query(
        "SELECT u.id, u.name, u.email, u.organisation_id FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.role = 'dealer_admin' AND u.status = 'active' AND o.status = 'active' ORDER BY o.code, u.email LIMIT 1",
      )) as unknown as [{ id: number; name: string; email: string; organisation_id: number }[]];
      if (!admin) return { na: "no active dealer administrator in the data set" };
      const dealerId = admin.organisation_id;
      const [products] = (await c.query("SELECT sku FROM products ORDER BY sku LIMIT ?", [Math.ceil(rows / regions.length)])) as unknown as [{ sku: string }[]];
      // Last month, ended (the upload refuses a period that has not): the month before today's first day.
      const period = addDays(`${todayIn(env().BUSINESS_TZ).slice(0, 7)}-01`, -1).slice(0, 7);
      // A repeat run measures the same work: this dealer's period starts empty, whatever the last run or the data set wrote.
      const [periods] = (await c.query("SELECT id FROM sellout_periods WHERE dealer_id = ? AND period_key = ?", [dealerId, period])) as unknown as [
        { id: number }[],
      ];
      await c.query("INSERT INTO sellout_settings (dealer_id, frequency) VALUES (?, 'month') ON DUPLICATE KEY UPDATE frequency = 'month'", [dealerId]);
      if (periods.length) {
        const ids = periods.map((r) => r.id);
        for (const t of ["sellout_period_figures", "sellout_corrections", "sellout_category_totals", "sellout_stock", "sellout_lines"])
          await c.query(`DELETE FROM ${t} WHERE period_id IN (?)`, [ids]);
        await c.query("DELETE FROM sellout_periods WHERE id IN (?)", [ids]);
      }
      const lines = ["sku,units_sold,revenue,units_on_hand,region"];
      for (const [i, p] of products.entries())
        for (const [j, region] of regions.entries()) {
          const units = 1 + ((i * 7 + j * 3) % 40);
          lines.push(`${p.sku},${units},${(units * (1999 + ((i * 13) % 5000))) / 100},${j === 0 ? (i * 11) % 300 : ""},${region}`);
        }
      const bytes = new TextEncoder().encode(lines.slice(0, rows + 1).join("\n"));
      const actor = {
        kind: "user" as const,
        userId: admin.id,
        role: "dealer_admin" as const,
        organisationId: dealerId,
        dealerId,
        name: admin.name,
        email: admin.email,
        locale: "en" as const,
        ip: null,
      };
      return {
        detail: { rows: lines.length - 1, bytes: bytes.length, dealerId, period, function: "app/modules/sellout/import.server.ts#importSellout" },
        run: async () => {
          const { jobId } = await importSellout(actor, dealerId, { period, mode: "all_or_nothing", filename: "bench-sellout.csv", bytes });
          const c2 = sqlConn();
          try {
            const [[job]] = (await c2.query("SELECT status, written_rows, error_count, errors FROM import_jobs WHERE id = ?", [jobId])) as unknown as [
              { status: string; written_rows: number; error_count: number; errors: string | null }[],
            ];
            if (job?.status !== "succeeded")
              throw new Error(`sell-out import ${jobId} ended ${job?.status} with ${job?.error_count} errors: ${(job?.errors ?? "").slice(0, 300)}`);
            return { jobId, written: job.written_rows };
          } finally {
            await c2.end();
          }
        },
      };
    } finally {
      await c.end();
    }
  },

  /**
   * The month-end promotion rebate run (issue #24 item 4: 500 dealers ≤ 60 s), through the function the job
   * calls: a 2 % rebate on the sell-out of 2,000 SKUs for every dealer, for the last complete month. Each run
   * makes its own promotion (earlier bench promotions go back to draft, which the run skips), so a repeat run
   * has the same work and posts afresh.
   */
  "promotion-rebates": async () => {
    const found = await findExport(["app/modules/promotions/rebates.server.ts"], ["runPromotionRebates"]);
    if (!found) return { na: "no runPromotionRebates export yet (promotions module)" };
    const { addDays, todayIn } = await import("../../app/utils/time");
    const { env } = await import("../../app/utils/env.server");
    const c = sqlConn();
    try {
      const [[admin]] = (await c.query(
        "SELECT id, name, email, organisation_id FROM users WHERE role = 'admin' AND status = 'active' ORDER BY email LIMIT 1",
      )) as unknown as [{ id: number; name: string; email: string; organisation_id: number }[]];
      if (!admin) return { na: "no active administrator in the data set" };
      const monthStart = `${todayIn(env().BUSINESS_TZ).slice(0, 7)}-01`;
      const lastDay = addDays(monthStart, -1);
      const period = lastDay.slice(0, 7);
      const skus = Number(process.env.BENCH_PROMOTION_SKUS ?? 2_000);
      await c.query("UPDATE promotions SET status = 'draft' WHERE code LIKE 'BENCH-%'");
      const code = `BENCH-${Date.now().toString(36).toUpperCase()}`;
      const [ins] = (await c.query(
        "INSERT INTO promotions (code, name_en, name_zh, mechanism, rebate_bp, rebate_basis, currency, starts_on, ends_on, status, created_by) VALUES (?, 'Bench sell-out rebate', '基准测试销量返利', 'rebate', 200, 'sellout', 'CNY', ?, ?, 'active', ?)",
        [code, `${period}-01`, lastDay, admin.id],
      )) as unknown as [{ insertId: number }];
      const promotionId = ins.insertId;
      // The most reported SKUs of the month, so that every dealer has qualifying sell-out.
      await c.query(
        `INSERT INTO promotion_products (promotion_id, product_id)
         SELECT ?, l.product_id FROM sellout_lines l JOIN sellout_periods sp ON sp.id = l.period_id
         WHERE sp.period_key = ? GROUP BY l.product_id ORDER BY COUNT(*) DESC, l.product_id LIMIT ?`,
        [promotionId, period, skus],
      );
      const [[shape]] = (await c.query(
        `SELECT COUNT(DISTINCT l.dealer_id) AS dealers, COUNT(*) AS qualifying FROM sellout_lines l JOIN sellout_periods sp ON sp.id = l.period_id
         JOIN promotion_products pp ON pp.product_id = l.product_id AND pp.promotion_id = ? WHERE sp.period_key = ?`,
        [promotionId, period],
      )) as unknown as [{ dealers: number; qualifying: number }[]];
      const actor = {
        kind: "user" as const,
        userId: admin.id,
        role: "admin" as const,
        organisationId: admin.organisation_id,
        dealerId: null,
        name: admin.name,
        email: admin.email,
        locale: "en" as const,
        ip: null,
      };
      const dealers = Number(shape?.dealers ?? 0);
      return {
        detail: { period, promotion: code, dealers, qualifyingLines: Number(shape?.qualifying ?? 0), function: found.where },
        run: async () => {
          const r = (await found.fn(actor, { period })) as { posted: number; nothingDue: number; totalMinor: number };
          // A run that posted for nobody measured nothing: fail it rather than report 0 s.
          if (dealers > 0 && r.posted === 0) throw new Error(`the rebate run posted nothing for ${dealers} dealers with qualifying sell-out`);
          return r;
        },
      };
    } finally {
      await c.end();
    }
  },
};

function nextPeriod(p: string): string {
  const [y, m] = p.split("-").map(Number) as [number, number];
  if (!y) return "";
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const name = process.argv[2] as BatchName;
  const out = (r: BatchResult) => console.log(`BENCH_RESULT ${JSON.stringify(r)}`);
  try {
    if (!ADAPTERS[name]) throw new Error(`unknown batch ${name}`);
    const prepared = await ADAPTERS[name]();
    if ("na" in prepared) out({ name, status: "n/a", reason: prepared.na, detail: {} });
    else {
      const baseRss = process.memoryUsage.rss();
      let peak = baseRss;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
      const started = performance.now();
      const result = await prepared.run();
      const seconds = (performance.now() - started) / 1000;
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      out({
        name,
        status: "ok",
        seconds,
        peakRssBytes: peak,
        baseRssBytes: baseRss,
        detail: { ...prepared.detail, result: JSON.parse(JSON.stringify(result ?? null)) as unknown },
      });
    }
  } catch (err) {
    out({ name, status: "failed", reason: String((err as Error).stack ?? err).slice(0, 2000), detail: {} });
  }
  const { closeDb } = await import("../../db/client");
  await closeDb();
  process.exit(0);
}

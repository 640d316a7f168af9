/**
 * Email under process and network faults (docs/decisions/041-transactional-outbox.md):
 * - the process is SIGKILLed after the unit of work that wrote the emails committed
 *   and before the sender ran: the next sender delivers each email exactly once;
 * - the SMTP server is down (connection refused) across several sender ticks and
 *   comes back at the same address: every email is delivered, none twice.
 */
import { spawn } from "node:child_process";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../db/client";
import { runChecks } from "../../db/check";
import { runDigest } from "../../app/modules/notifications/digest.server";
import { MAX_ATTEMPTS, backoffMs, enqueueEmail, sendDueEmails } from "../../app/modules/notifications/outbox.server";
import { resetEnv } from "../../app/utils/env.server";
import { transaction } from "../../app/utils/tx.server";
import { createCast } from "../factories";
import { startSmtp, type TestSmtp } from "../helpers/smtp";

let smtp: TestSmtp | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await smtp?.close().catch(() => {});
  smtp = undefined;
  delete process.env.SMTP_URL;
  resetEnv();
});

async function useSmtp(port = 0) {
  smtp = await startSmtp(port);
  process.env.SMTP_URL = smtp.url;
  resetEnv();
  return smtp;
}

const outbox = () => getDb().selectFrom("outbox_emails").selectAll().orderBy("id").execute();

async function expectClean() {
  const checks = await runChecks(getDb());
  expect(checks.filter((c) => !c.ok)).toEqual([]);
}

describe("SIGKILL between commit and email send", () => {
  it("the digest committed its emails, the process died before sending: the next sender delivers each once, and a re-run of the job adds none", async () => {
    const cast = await createCast();
    const hourAgo = new Date(Date.now() - 3_600_000);
    await getDb()
      .insertInto("domain_events")
      .values(
        [cast.dealerA.id, cast.dealerB.id].map((dealerId, i) => ({
          type: "statement.issued",
          dealer_id: dealerId,
          entity_type: "statement",
          entity_id: String(900 + i),
          payload: JSON.stringify({ period: "2026-10" }),
          occurred_at: hourAgo,
        })),
      )
      .execute();
    const server = await useSmtp();

    const child = spawn(process.execPath, ["--import", "tsx", "tests/faults/commit-then-die.ts"], {
      env: { ...process.env, DIGEST_PERIOD: "kill-test", SMTP_URL: server.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_c, signal) => resolve(signal)));
    const committed = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child never committed: ${out} ${err}`)), 60_000);
      child.stdout.on("data", (d) => {
        out += d;
        const m = /COMMITTED (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          child.kill("SIGKILL");
          resolve(Number(m[1]));
        }
      });
    });
    expect(await exited).toBe("SIGKILL");
    // Dealer A's and dealer B's users with access to statements (admin, finance) got a digest.
    expect(committed).toBe(4);
    let rows = await outbox();
    expect(rows).toHaveLength(committed);
    expect(rows.every((r) => r.status === "pending" && r.sent_at === null)).toBe(true);
    expect(server.messages).toHaveLength(0);

    // The job runs again after its lease (a takeover): the period's digests are already in the outbox.
    const again = await runDigest("daily", { period: "kill-test", until: new Date(Date.now() + 1000) });
    expect(again).toMatchObject({ emails: 0, alreadySent: committed });

    // The sender (in the restarted process) delivers every email once; a second pass finds nothing.
    expect(await sendDueEmails({ owner: "restarted" })).toMatchObject({ claimed: committed, sent: committed });
    expect(await sendDueEmails({ owner: "restarted" })).toMatchObject({ claimed: 0, sent: 0 });
    expect(server.messages).toHaveLength(committed);
    expect(new Set(server.messages.map((m) => m.messageId)).size).toBe(committed);
    expect(new Set(server.messages.flatMap((m) => m.to))).toEqual(new Set(rows.map((r) => r.to_address)));
    rows = await outbox();
    expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
    await expectClean();
  }, 90_000);
});

describe("the SMTP server is down for a while", () => {
  it("connection refused across several ticks, then back at the same address: each email delivered once, by concurrent senders", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-23T01:00:00Z"));
    const server = await useSmtp();
    const port = server.port;
    const keys = Array.from({ length: 6 }, (_, i) => `down-${i}`);
    await transaction("t", async (tx) => {
      for (const k of keys)
        await enqueueEmail(tx, { dedupeKey: k, kind: "test", to: `${k}@example.com`, locale: "en", subject: `Subject ${k}`, html: `<p>${k}</p>`, text: k });
    });
    await server.close();
    smtp = undefined;

    // Down: every tick fails to connect; the emails wait with growing backoff, none is given up.
    const downTicks = MAX_ATTEMPTS - 2;
    for (let tick = 1; tick <= downTicks; tick++) {
      const r = await sendDueEmails({ owner: `tick-${tick}`, transportOptions: { connectionTimeout: 2000, greetingTimeout: 2000, socketTimeout: 2000 } });
      expect(r).toMatchObject({ claimed: keys.length, sent: 0, retrying: keys.length, failed: 0 });
      const rows = await outbox();
      expect(rows.every((row) => row.status === "pending" && row.attempts === tick && row.claimed_by === null)).toBe(true);
      expect(rows[0]!.last_error).toMatch(/ECONNREFUSED|ESOCKET|connect/i);
      // Before the backoff ends nothing is tried.
      expect(await sendDueEmails({ owner: `early-${tick}` })).toMatchObject({ claimed: 0 });
      vi.setSystemTime(new Date(Date.now() + backoffMs(tick) + 1000));
    }

    // Back up at the same address; two senders tick at once.
    const back = await useSmtp(port);
    const [a, b] = await Promise.all([sendDueEmails({ owner: "sender-a" }), sendDueEmails({ owner: "sender-b" })]);
    expect(a.sent + b.sent).toBe(keys.length);
    expect(await sendDueEmails({ owner: "sender-c" })).toMatchObject({ claimed: 0 });
    expect(back.messages.map((m) => m.subject).sort()).toEqual(keys.map((k) => `Subject ${k}`).sort());
    const rows = await outbox();
    expect(rows.every((row) => row.status === "sent" && row.attempts === downTicks + 1 && row.last_error === null)).toBe(true);
    await expectClean();
  }, 60_000);
});

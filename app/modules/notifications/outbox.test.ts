import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../../db/client";
import { parseEnv, resetEnv, EnvError } from "~/utils/env.server";
import { transaction } from "~/utils/tx.server";
import { startSilentServer, startSmtp, type TestSmtp } from "../../../tests/helpers/smtp";
import { actorFor, createCast } from "../../../tests/factories";
import { CLAIM_LEASE_MS, MAX_ATTEMPTS, enqueueEmail, getOutboxEmail, retryOutboxEmail, sendDueEmails, senderFor } from "./outbox.server";

let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(async () => {
  await smtp.close();
});
beforeEach(() => {
  smtp.messages.length = 0;
  smtp.reject(0);
  process.env.SMTP_URL = smtp.url;
  resetEnv();
});
afterEach(() => {
  vi.useRealTimers();
  delete process.env.SMTP_URL;
  resetEnv();
});

const email = (key: string, to = "dealer@example.com") => ({
  dedupeKey: key,
  kind: "test",
  to,
  locale: "en" as const,
  subject: `Subject ${key}`,
  html: `<p>Hello ${key}</p>`,
  text: `Hello ${key}`,
  headers: { "List-Unsubscribe": "<http://127.0.0.1/unsubscribe/x>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
});

async function outboxRows() {
  return getDb().selectFrom("outbox_emails").selectAll().orderBy("id").execute();
}

function useClock(start = new Date()) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(start);
  return { advance: (ms: number) => vi.setSystemTime(new Date(Date.now() + ms)) };
}

describe("enqueueEmail (transactional outbox)", () => {
  it("writes the email with the transaction that caused it, and only then", async () => {
    await expect(
      transaction("t", async (tx) => {
        await enqueueEmail(tx, email("rolled-back"));
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await outboxRows()).toHaveLength(0);
    await transaction("t", (tx) => enqueueEmail(tx, email("committed")));
    expect((await outboxRows()).map((r) => r.dedupe_key)).toEqual(["committed"]);
  });

  it("is idempotent on the dedupe key", async () => {
    const first = await transaction("t", (tx) => enqueueEmail(tx, email("k1")));
    const second = await transaction("t", (tx) => enqueueEmail(tx, email("k1")));
    expect(first.inserted).toBe(true);
    expect(second.inserted).toBe(false);
    expect(await outboxRows()).toHaveLength(1);
  });
});

describe("sender", () => {
  it("delivers a pending email once over SMTP, with its headers, and marks it sent", async () => {
    await transaction("t", (tx) => enqueueEmail(tx, email("once")));
    const r = await sendDueEmails({ owner: "sender-a" });
    expect(r).toMatchObject({ claimed: 1, sent: 1 });
    expect(await sendDueEmails({ owner: "sender-a" })).toMatchObject({ claimed: 0, sent: 0 });
    expect(smtp.messages).toHaveLength(1);
    const m = smtp.messages[0]!;
    expect(m.to).toEqual(["dealer@example.com"]);
    expect(m.subject).toBe("Subject once");
    expect(m.headers["list-unsubscribe"]).toBe("<http://127.0.0.1/unsubscribe/x>");
    expect(m.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(m.raw).toContain("Hello once");
    const [row] = await outboxRows();
    expect(row).toMatchObject({ status: "sent", attempts: 1, claimed_by: null });
    expect(row!.sent_at).toBeInstanceOf(Date);
  });

  it("names the sender in the recipient's language", async () => {
    await transaction("t", async (tx) => {
      await enqueueEmail(tx, email("from-en", "en@example.com"));
      await enqueueEmail(tx, { ...email("from-zh", "zh@example.com"), locale: "zh-CN" as const });
    });
    await sendDueEmails({ owner: "sender-a" });
    const from = (to: string) => smtp.messages.find((m) => m.to[0] === to)!.headers["from"]!;
    expect(from("en@example.com")).toMatch(/^"?Dealer Desk"? <no-reply@/);
    const zh = from("zh@example.com");
    const word = zh.match(/=\?UTF-8\?B\?([^?]+)\?=/i);
    expect(word, zh).toBeTruthy();
    expect(Buffer.from(word![1]!, "base64").toString("utf8")).toBe("经销商工作台");
    expect(senderFor("zh-CN").name).toBe("经销商工作台");
  });

  it("two senders working at the same time send every email exactly once", async () => {
    await transaction("t", async (tx) => {
      for (let i = 0; i < 12; i++) await enqueueEmail(tx, email(`bulk-${i}`, `user${i}@example.com`));
    });
    const [a, b] = await Promise.all([sendDueEmails({ owner: "sender-a", limit: 12 }), sendDueEmails({ owner: "sender-b", limit: 12 })]);
    expect(a.sent + b.sent).toBe(12);
    expect(smtp.messages).toHaveLength(12);
    expect(new Set(smtp.messages.map((m) => m.to[0])).size).toBe(12);
    expect((await outboxRows()).every((r) => r.status === "sent")).toBe(true);
  });

  it("a sender that died after claiming loses nothing: the claim lease expires and the next sender sends once", async () => {
    const clock = useClock(new Date("2026-11-23T01:00:00Z"));
    await transaction("t", (tx) => enqueueEmail(tx, email("crash")));
    // The dead sender: claimed the row, never sent, never released.
    await getDb()
      .updateTable("outbox_emails")
      .set({ claimed_by: "dead-sender#1", claimed_until: new Date(Date.now() + CLAIM_LEASE_MS) })
      .execute();
    expect(await sendDueEmails({ owner: "sender-b" })).toMatchObject({ claimed: 0, sent: 0 });
    expect(smtp.messages).toHaveLength(0);
    clock.advance(CLAIM_LEASE_MS + 1000);
    expect(await sendDueEmails({ owner: "sender-b" })).toMatchObject({ claimed: 1, sent: 1 });
    expect(await sendDueEmails({ owner: "sender-c" })).toMatchObject({ claimed: 0 });
    expect(smtp.messages).toHaveLength(1);
  });

  it("retries after the SMTP server refuses (4xx), with backoff, and sends once when it accepts", async () => {
    const clock = useClock(new Date("2026-11-23T01:00:00Z"));
    await transaction("t", (tx) => enqueueEmail(tx, email("retry")));
    smtp.reject(1, 451, "Greylisted, try again");
    expect(await sendDueEmails({ owner: "s" })).toMatchObject({ retrying: 1, sent: 0 });
    let [row] = await outboxRows();
    expect(row).toMatchObject({ status: "pending", attempts: 1, claimed_by: null });
    expect(row!.last_error).toContain("451");
    expect(row!.next_attempt_at.getTime()).toBe(Date.now() + 60_000);
    // Not due yet: nothing happens.
    expect(await sendDueEmails({ owner: "s" })).toMatchObject({ claimed: 0 });
    clock.advance(61_000);
    expect(await sendDueEmails({ owner: "s" })).toMatchObject({ sent: 1 });
    [row] = await outboxRows();
    expect(row).toMatchObject({ status: "sent", attempts: 2, last_error: null });
    expect(smtp.messages).toHaveLength(1);
  });

  it("gives up after MAX_ATTEMPTS temporary failures and shows the error", async () => {
    await transaction("t", (tx) => enqueueEmail(tx, email("doomed")));
    await getDb()
      .updateTable("outbox_emails")
      .set({ attempts: MAX_ATTEMPTS - 1 })
      .execute();
    smtp.reject(1, 421, "Service not available");
    expect(await sendDueEmails({ owner: "s" })).toMatchObject({ failed: 1 });
    const [row] = await outboxRows();
    expect(row).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
    expect(row!.last_error).toContain("421");
  });

  it("a permanent refusal (5xx) fails at once; an admin can queue it again", async () => {
    const cast = await createCast();
    await transaction("t", (tx) => enqueueEmail(tx, email("bounced")));
    smtp.reject(1, 550, "Mailbox unavailable");
    expect(await sendDueEmails({ owner: "s" })).toMatchObject({ failed: 1 });
    const [row] = await outboxRows();
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    const shown = await getOutboxEmail(actorFor(cast.staff.admin), row!.id);
    expect(shown.last_error).toContain("Mailbox unavailable");
    await expect(getOutboxEmail(actorFor(cast.a.dealer_admin), row!.id)).rejects.toMatchObject({ status: 403 });
    await retryOutboxEmail(actorFor(cast.staff.admin), row!.id);
    await expect(retryOutboxEmail(actorFor(cast.staff.admin), row!.id)).rejects.toMatchObject({ status: 409 });
    expect(await sendDueEmails({ owner: "s" })).toMatchObject({ sent: 1 });
    expect(smtp.messages).toHaveLength(1);
  });

  it("an SMTP server that never answers times out: the email stays pending with the error, nothing lost", async () => {
    const silent = await startSilentServer();
    process.env.SMTP_URL = silent.url;
    resetEnv();
    try {
      await transaction("t", (tx) => enqueueEmail(tx, email("timeout")));
      const r = await sendDueEmails({ owner: "s", transportOptions: { connectionTimeout: 500, greetingTimeout: 500, socketTimeout: 500 } });
      expect(r).toMatchObject({ retrying: 1, sent: 0 });
      const [row] = await outboxRows();
      expect(row).toMatchObject({ status: "pending", attempts: 1, claimed_by: null });
      expect(row!.last_error).toMatch(/time|greeting/i);
    } finally {
      await silent.close();
    }
  });

  it("without SMTP_URL nothing is claimed: emails stay pending in the outbox", async () => {
    delete process.env.SMTP_URL;
    resetEnv();
    await transaction("t", (tx) => enqueueEmail(tx, email("held")));
    expect(await sendDueEmails({ owner: "s" })).toMatchObject({ configured: false, claimed: 0 });
    const [row] = await outboxRows();
    expect(row).toMatchObject({ status: "pending", claimed_by: null, attempts: 0 });
  });
});

describe("SMTP_URL at start-up", () => {
  it("a malformed SMTP_URL stops the process with a message naming the variable", () => {
    expect(() => parseEnv({ SMTP_URL: "mail.example.com:25" })).toThrow(EnvError);
    expect(() => parseEnv({ SMTP_URL: "http://mail.example.com" })).toThrow(/Invalid environment variable SMTP_URL: must look like smtp:\/\//);
    expect(parseEnv({ SMTP_URL: "smtps://user:pw@mail.example.com:465" }).SMTP_URL).toBe("smtps://user:pw@mail.example.com:465");
  });
});

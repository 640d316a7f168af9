import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../../db/client";
import { resetEnv } from "~/utils/env.server";
import { createCast, requestAs } from "../../../tests/factories";
import { action, loader } from "~/routes/unsubscribe.$token";
import { appSecret, signUnsubscribeToken, verifyUnsubscribeToken } from "./unsubscribe.server";

afterEach(() => {
  vi.useRealTimers();
  delete process.env.APP_SECRET;
  resetEnv();
});

const call = async (fn: (a: never) => Promise<unknown>, request: Request, token: string) => {
  try {
    return (await fn({ request, params: { token }, context: {} } as never)) as Response;
  } catch (r) {
    if (r instanceof Response) return r;
    throw r;
  }
};
const freq = async (id: number) =>
  (await getDb().selectFrom("users").select("digest_frequency").where("id", "=", id).executeTakeFirstOrThrow()).digest_frequency;

describe("unsubscribe tokens", () => {
  it("verify for the user they were signed for; any change breaks them", async () => {
    const secret = await appSecret();
    const token = signUnsubscribeToken(secret, 42);
    expect(verifyUnsubscribeToken(secret, token)).toEqual({ ok: true, userId: 42, purpose: "digest" });
    const [body, sig] = token.split(".") as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, "base64url").toString()), u: 43 })).toString("base64url");
    expect(verifyUnsubscribeToken(secret, `${forged}.${sig}`)).toEqual({ ok: false, reason: "invalid" });
    expect(verifyUnsubscribeToken(secret, `${body}.${sig.slice(0, -2)}AA`)).toEqual({ ok: false, reason: "invalid" });
    expect(verifyUnsubscribeToken("another-secret-another-secret-xx", token)).toEqual({ ok: false, reason: "invalid" });
    for (const junk of ["", "abc", "a.b.c", `${body}.`, "../../etc/passwd", "x".repeat(600)]) expect(verifyUnsubscribeToken(secret, junk).ok).toBe(false);
  });

  it("expire", async () => {
    const secret = await appSecret();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-23T00:00:00Z"));
    const token = signUnsubscribeToken(secret, 7);
    vi.setSystemTime(new Date("2027-03-01T00:00:00Z")); // more than 90 days later
    expect(verifyUnsubscribeToken(secret, token)).toEqual({ ok: false, reason: "expired" });
  });

  it("use APP_SECRET when set, else one generated secret kept in app_settings", async () => {
    const first = await appSecret();
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(await appSecret()).toBe(first);
    await getDb().deleteFrom("app_settings").execute();
    const [a, b] = await Promise.all([appSecret(), appSecret()]); // two first calls at once agree
    expect(a).toBe(b);
    expect(await appSecret()).toBe(a);
    process.env.APP_SECRET = "s".repeat(40);
    resetEnv();
    expect(await appSecret()).toBe("s".repeat(40));
  });
});

describe("/unsubscribe/:token", () => {
  it("GET shows a confirmation in the recipient's language and changes nothing; POST unsubscribes (no sign-in)", async () => {
    const cast = await createCast();
    const user = cast.a.dealer_finance;
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", user.id).execute();
    const token = signUnsubscribeToken(await appSecret(), user.id);
    const get = await call(loader as never, await requestAs(null, `/unsubscribe/${token}`), token);
    expect(get.status).toBe(200);
    const page = (await get.json()) as { message: string; button: string; locale: string };
    expect(page.locale).toBe("zh-CN");
    expect(page.message).toContain("停止向");
    expect(page.button).toBe("退订");
    expect(await freq(user.id)).toBe("daily");

    // RFC 8058 one-click: a mail client POSTs List-Unsubscribe=One-Click without cookies or Origin.
    const post = await call(action as never, await requestAs(null, `/unsubscribe/${token}`, { form: { "List-Unsubscribe": "One-Click" } }), token);
    expect(post.status).toBe(200);
    expect(((await post.json()) as { message: string }).message).toContain("将不再收到摘要邮件");
    expect(await freq(user.id)).toBe("off");
    const audit = await getDb()
      .selectFrom("audit_log")
      .select(["action", "entity_id", "organisation_id"])
      .where("action", "=", "user.digest_unsubscribed")
      .execute();
    expect(audit).toEqual([{ action: "user.digest_unsubscribed", entity_id: String(user.id), organisation_id: cast.dealerA.id }]);
    // Again: still fine, nothing more written.
    await call(action as never, await requestAs(null, `/unsubscribe/${token}`, { form: {} }), token);
    expect(await getDb().selectFrom("audit_log").select("id").where("action", "=", "user.digest_unsubscribed").execute()).toHaveLength(1);
  });

  it("a tampered or expired token shows a clear localized page (400) and changes nothing", async () => {
    const cast = await createCast();
    const user = cast.a.dealer_admin;
    const secret = await appSecret();
    const good = signUnsubscribeToken(secret, user.id);
    const tampered = `${good.slice(0, -3)}abc`;
    const res = await call(action as never, await requestAs(null, `/unsubscribe/${tampered}`, { form: {}, headers: { "Accept-Language": "zh-CN" } }), tampered);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe("此退订链接无效，可能已被修改或复制不完整。未做任何更改。");
    const expired = signUnsubscribeToken(secret, user.id, "digest", new Date(Date.now() - 1000));
    const r2 = await call(loader as never, await requestAs(null, `/unsubscribe/${expired}`, { headers: { "Accept-Language": "en" } }), expired);
    expect(r2.status).toBe(400);
    expect(((await r2.json()) as { message: string }).message).toMatch(/has expired\. Nothing was changed/);
    const r3 = await call(action as never, await requestAs(null, `/unsubscribe/${expired}`, { form: {} }), expired);
    expect(r3.status).toBe(400);
    expect(await freq(user.id)).toBe("daily");
    // A valid signature for a user that does not exist is just invalid.
    const ghost = signUnsubscribeToken(secret, 987654321);
    expect((await call(action as never, await requestAs(null, `/unsubscribe/${ghost}`, { form: {} }), ghost)).status).toBe(400);
  });
});

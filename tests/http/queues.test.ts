/**
 * The two queues of issue #20 through the real server (production build, real sessions): quotes awaiting
 * a discount approval (/quotes/approvals, administrators) and orders on credit hold (/finance/credit-holds,
 * finance and administrators). Who may open them, how a bad query is answered, that the dashboards and the
 * navigation lead there, finance's decisions posted as a browser without JavaScript posts them, CSV, and
 * the demo data. Needs `npx remix build`.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { DEMO_PASSWORD, seedDemo } from "../../db/seed";
import { ROLES, type Role } from "../../app/modules/auth/permissions";
import { CREDIT_HOLD_CSV_HEADER } from "../../app/modules/orders/orders.views.server";
import { APPROVAL_CSV_HEADER } from "../../app/modules/quotes/quotes.server";
import { createSession, type TestUser } from "../factories";
import { orderIn, orderRow, orderWorld } from "../factories/orders";
import { createDeal, createKeyAccount, createProduct, createProductLine, createQuoteAwaitingApproval } from "../factories/deals";
import { Client, withTestServer } from "../helpers/http";
import { rawKeys } from "../helpers/i18n";
import { setClock } from "../helpers/clock";

let base = "";
withTestServer((b) => (base = b));

async function as(user: TestUser, locale: "en" | "zh-CN" = "en") {
  await getDb().updateTable("users").set({ locale }).where("id", "=", user.id).execute();
  const c = new Client(base);
  c.cookies.set("dd_session", (await createSession(user)).sessionId);
  c.cookies.set("dd_lang", locale);
  return c;
}

/** Two dealers and every role; dealer A has an order on credit hold and a quote above the discount limit. */
async function queuesWorld() {
  setClock("2026-03-02T02:00:00Z");
  const w = await orderWorld();
  const held = await orderIn(w, "credit_hold");
  const line = await createProductLine();
  const product = await createProduct(line, { listPrice: 100_000 });
  const deal = await createDeal(w.a.dealer_sales, await createKeyAccount(w.staff.account_manager.id), [line], { approveAs: w.staff.account_manager });
  const quote = await createQuoteAwaitingApproval(w.staff.account_manager, deal.id, [{ productId: product.id, quantity: 2, unitPrice: 60_000 }]);
  setClock("2026-03-03T06:00:00Z");
  return { w, held: await orderRow(held.id), quote, deal };
}

const QUEUES: { path: string; allow: readonly Role[] }[] = [
  { path: "/quotes/approvals", allow: ["admin"] },
  { path: "/finance/credit-holds", allow: ["finance", "admin"] },
];

describe("the approval and credit-hold queues over HTTP", () => {
  it("answer whoever may decide (200, both languages, tables that scroll on a phone) and refuse every other role (403); anonymous users sign in first", async () => {
    const { w, held, quote } = await queuesWorld();
    for (const q of QUEUES) {
      const anon = await new Client(base).get(q.path);
      expect(anon.status).toBe(302);
      expect(anon.location).toBe(`/login?redirectTo=${encodeURIComponent(q.path)}`);
      for (const role of ROLES) {
        for (const locale of ["en", "zh-CN"] as const) {
          const r = await (await as(w.byRole[role], locale)).get(q.path);
          expect(r.status, `${role} ${q.path} ${locale}`).toBe(q.allow.includes(role) ? 200 : 403);
          if (r.status !== 200) continue;
          expect(rawKeys(r.text), `${role} ${q.path} ${locale}`).toEqual([]);
          // The table sits inside ScrollX (it scrolls sideways instead of widening the page) and is a list table
          // whose rows become cards on a phone (table-cards).
          expect(r.text).toMatch(/<div class="[^"]*\boverflow-x-auto\b[^"]*"[^>]*><table class="table table-cards"/);
          if (q.path === "/finance/credit-holds") expect(r.text).toContain(`href="/orders/${held.number}"`);
          else expect(r.text).toContain(`href="/quotes/${quote.id}"`);
        }
      }
    }
    // Dealer B's users, like every dealer user, are refused outright, with or without a filter naming dealer A.
    for (const u of [w.b.dealer_admin, w.b.dealer_finance]) {
      expect((await (await as(u)).get(`/finance/credit-holds?dealerId=${w.dealerA.id}`)).status).toBe(403);
      expect((await (await as(u)).get(`/quotes/approvals?dealerId=${w.dealerA.id}&format=csv`)).status).toBe(403);
    }
  });

  it("answer a malformed query with 400 in the reader's language, never 500", async () => {
    const { w } = await queuesWorld();
    const cases: [TestUser, string][] = [
      [w.staff.admin, "/quotes/approvals?page=0"],
      [w.staff.admin, "/quotes/approvals?dealerId=abc"],
      [w.staff.admin, "/quotes/approvals?accountManagerId=-3"],
      [w.staff.admin, "/quotes/approvals?format=xls"],
      [w.staff.finance, "/finance/credit-holds?page=x"],
      [w.staff.finance, "/finance/credit-holds?dealerId=1.5"],
      [w.staff.finance, "/finance/credit-holds?format=pdf"],
    ];
    for (const [user, path] of cases) {
      const en = await (await as(user, "en")).get(path);
      expect(en.status, path).toBe(400);
      expect(en.text, path).toContain("The request could not be understood.");
      const zh = await (await as(user, "zh-CN")).get(path);
      expect(zh.status, path).toBe(400);
      expect(zh.text, path).toContain("请求无法识别");
    }
  });

  it("are reached by following links: dashboards and navigation of the roles that decide, and nobody else's", async () => {
    const { w } = await queuesWorld();
    const home = async (u: TestUser) => (await (await as(u)).get("/")).text;
    const admin = await home(w.staff.admin);
    expect(admin).toMatch(/<a[^>]*href="\/quotes\/approvals"[^>]*>[\s\S]*?Quotes awaiting discount approval[\s\S]*?>1</);
    expect(admin).toContain('href="/finance/credit-holds"');
    const finance = await home(w.staff.finance);
    expect(finance).toMatch(/<a[^>]*href="\/finance\/credit-holds"[^>]*>[\s\S]*?Orders on credit hold[\s\S]*?>1</);
    expect(finance).not.toContain('href="/quotes/approvals"');
    for (const u of [w.staff.ops, w.staff.account_manager, w.a.dealer_admin, w.a.dealer_finance]) {
      const text = await home(u);
      expect(text, u.role).not.toContain('href="/quotes/approvals"');
      expect(text, u.role).not.toContain('href="/finance/credit-holds"');
    }
    // Navigation on any page, in Chinese too.
    const zh = (await (await as(w.staff.admin, "zh-CN")).get("/orders")).text;
    expect(zh).toMatch(/href="\/quotes\/approvals"[^>]*>特价审批</);
    expect(zh).toMatch(/href="\/finance\/credit-holds"[^>]*>信用冻结</);
    // The order desk's hold tab points administrators (who may release) to finance's queue.
    expect((await (await as(w.staff.admin)).get("/review/orders?status=credit_hold")).text).toContain('href="/finance/credit-holds"');
    expect((await (await as(w.staff.ops)).get("/review/orders?status=credit_hold")).text).not.toContain('href="/finance/credit-holds"');
  });

  it("finance decides with plain form posts: a cancel needs a reason, a release returns to the same list, a stale form is told what happened", async () => {
    const { w, held } = await queuesWorld();
    const fin = await as(w.staff.finance);
    const form = (decision: string, extra: Record<string, string> = {}) => ({
      decision,
      orderId: String(held.id),
      version: String(held.version),
      note: "",
      ...extra,
    });
    // Cancel without a reason: 400, the page again with the message in the reader's language; nothing changed.
    const noReason = await fin.post("/finance/credit-holds", form("cancel"));
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain("Give the dealer a reason for cancelling.");
    const noReasonZh = await (await as(w.staff.admin, "zh-CN")).post("/finance/credit-holds", form("cancel"));
    expect(noReasonZh.text).toContain("请填写取消原因");
    for (const bad of [form("approve"), form("release", { version: "abc" }), form("release", { orderId: "" })])
      expect((await fin.post("/finance/credit-holds", bad)).status, JSON.stringify(bad)).toBe(400);
    // Roles that may not decide are refused; a post from another site is refused.
    for (const u of [w.staff.ops, w.staff.account_manager, w.a.dealer_admin, w.a.dealer_sales])
      expect((await (await as(u)).post("/finance/credit-holds", form("release"))).status, u.role).toBe(403);
    expect((await fin.request("/finance/credit-holds", { method: "POST", form: form("release"), origin: "https://evil.example" })).status).toBe(403);
    expect(await orderRow(held.id)).toMatchObject({ status: "credit_hold", version: held.version });
    // Release from a filtered list: back to the same filter, with a notice.
    const released = await fin.post(`/finance/credit-holds?dealerId=${w.dealerA.id}`, form("release", { note: "Paid by wire" }));
    expect(released.status).toBe(302);
    expect(released.location).toBe(`/finance/credit-holds?dealerId=${w.dealerA.id}&done=release&order=${held.number}`);
    expect(await orderRow(held.id)).toMatchObject({ status: "submitted" });
    const after = await fin.get(released.location!);
    expect(after.text).toContain(`${held.number} was released and is now waiting for order review.`);
    // The same form again: 409, said in words, nothing changes.
    const again = await fin.post("/finance/credit-holds", form("cancel", { note: "late" }));
    expect(again.status).toBe(409);
    expect(again.text).toContain(`Order ${held.number} is no longer on credit hold`);
    expect((await orderRow(held.id)).status).toBe("submitted");
  });

  it("export the current filter as CSV", async () => {
    const { w, held, quote } = await queuesWorld();
    const holds = await (await as(w.staff.finance)).get(`/finance/credit-holds?format=csv&dealerId=${w.dealerA.id}`);
    expect(holds.status).toBe(200);
    expect(holds.headers.get("content-type")).toMatch(/^text\/csv/);
    const holdLines = holds.text
      .replace(/^\uFEFF/, "")
      .trim()
      .split(/\r?\n/);
    expect(holdLines[0]).toBe(CREDIT_HOLD_CSV_HEADER.join(","));
    expect(holdLines).toHaveLength(2);
    expect(holdLines[1]!.startsWith(`${held.number},${w.dealerA.code},`)).toBe(true);
    expect((await (await as(w.staff.finance)).get(`/finance/credit-holds?format=csv&dealerId=${w.dealerB.id}`)).text.trim().split(/\r?\n/)).toHaveLength(1);
    const approvals = await (await as(w.staff.admin)).get("/quotes/approvals?format=csv");
    expect(approvals.status).toBe(200);
    const quoteLines = approvals.text
      .replace(/^\uFEFF/, "")
      .trim()
      .split(/\r?\n/);
    expect(quoteLines[0]).toBe(APPROVAL_CSV_HEADER.join(","));
    expect(quoteLines).toHaveLength(2);
    expect(quoteLines[1]!.startsWith(`${quote.id},1,`)).toBe(true);
  });

  it("show the demo's waiting quote and held orders to the demo administrator and finance, in both languages", { timeout: 180_000 }, async () => {
    await seedDemo(getDb());
    const db = getDb();
    const pending = await db.selectFrom("quotes").select("id").where("status", "=", "pending_approval").execute();
    const holds = await db.selectFrom("orders").select("number").where("status", "=", "credit_hold").execute();
    expect(pending.length).toBeGreaterThan(0);
    expect(holds.length).toBeGreaterThan(0);
    for (const locale of ["en", "zh-CN"] as const) {
      for (const email of ["admin@demo.local", "finance@demo.local"]) {
        await db.updateTable("users").set({ locale }).where("email", "=", email).execute();
        const c = new Client(base);
        expect((await c.login(email, DEMO_PASSWORD)).status).toBe(302);
        const h = await c.get("/finance/credit-holds");
        expect(h.status).toBe(200);
        expect(rawKeys(h.text)).toEqual([]);
        for (const o of holds) expect(h.text).toContain(`href="/orders/${o.number}"`);
        const a = await c.get("/quotes/approvals");
        expect(a.status, email).toBe(email.startsWith("admin") ? 200 : 403);
        if (a.status === 200) {
          expect(rawKeys(a.text)).toEqual([]);
          for (const q of pending) expect(a.text).toContain(`href="/quotes/${q.id}"`);
        }
      }
    }
  });
});

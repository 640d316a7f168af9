import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor, createCast, createUser } from "../../../tests/factories";
import { createDeal, createKeyAccount, createProduct, createProductLine, createProposedQuote } from "../../../tests/factories/deals";
import { post, statementOf, sys } from "../../../tests/helpers/ledger";
import { issueStatements } from "~/modules/statements/issue.server";
import { confirmStatement } from "~/modules/statements/statements.server";
import { createPromotion } from "~/modules/promotions/promotions.server";
import { PromotionSchema } from "~/modules/promotions/promotions.schema.server";
import { clockForEachTest, setClock } from "../../../tests/helpers/clock";
import { describeEvent, digestJobOutcome, runDigest } from "./digest.server";
import { translate } from "~/i18n";
import { appSecret, verifyUnsubscribeToken } from "./unsubscribe.server";

const UNTIL = new Date("2026-11-23T00:00:00Z"); // 08:00 Shanghai
const HOUR = 3_600_000;

type Ev = {
  type: string;
  dealerId?: number | null;
  amId?: number | null;
  actor?: number | null;
  entityType: string;
  entityId: string | number;
  payload?: Record<string, unknown>;
  hoursAgo?: number;
};
async function events(...list: Ev[]) {
  await getDb()
    .insertInto("domain_events")
    .values(
      list.map((e) => ({
        type: e.type,
        dealer_id: e.dealerId ?? null,
        account_manager_id: e.amId ?? null,
        actor_user_id: e.actor ?? null,
        entity_type: e.entityType,
        entity_id: String(e.entityId),
        payload: e.payload ? JSON.stringify(e.payload) : null,
        occurred_at: new Date(UNTIL.getTime() - (e.hoursAgo ?? 2) * HOUR),
      })),
    )
    .execute();
}

async function digestOf(userId: number) {
  return getDb().selectFrom("outbox_emails").selectAll().where("user_id", "=", userId).where("kind", "like", "digest.%").executeTakeFirst();
}

/** A realistic day: both dealers have orders, deals, quotes, statements; staff events across dealers. */
async function aDay() {
  const cast = await createCast();
  const A = cast.dealerA.id;
  const B = cast.dealerB.id;
  const am = cast.staff.account_manager.id;
  const am2 = cast.am2.id;
  await events(
    { type: "order.approved", dealerId: A, amId: am, entityType: "order", entityId: 11, payload: { number: "SO-A-0001", from: "submitted", to: "approved" } },
    { type: "order.shipped", dealerId: A, amId: am, entityType: "order", entityId: 11, payload: { number: "SO-A-0001", to: "shipped" }, hoursAgo: 1 },
    { type: "order.approved", dealerId: B, amId: am2, entityType: "order", entityId: 21, payload: { number: "SO-B-0001", to: "approved" } },
    { type: "quote.proposed", dealerId: A, amId: am, entityType: "quote", entityId: 31, payload: { number: "Q-A-7", validUntil: "2026-12-01" } },
    { type: "quote.proposed", dealerId: B, amId: am2, entityType: "quote", entityId: 32, payload: { number: "Q-B-9" } },
    {
      type: "deal.expiring",
      dealerId: A,
      amId: am,
      entityType: "deal",
      entityId: 41,
      payload: { title: "Hospital HVAC A", daysLeft: 7, protectionExpiresOn: "2026-11-30" },
    },
    { type: "deal.expiring", dealerId: B, amId: am2, entityType: "deal", entityId: 42, payload: { title: "School B project", daysLeft: 1 } },
    { type: "statement.issued", dealerId: A, entityType: "statement", entityId: 51, payload: { period: "2026-10" } },
    { type: "statement.issued", dealerId: B, entityType: "statement", entityId: 52, payload: { period: "2026-10-B" } },
    { type: "dispute.resolved", dealerId: A, entityType: "dispute", entityId: 61, payload: { statementId: 51, reference: "2026-10 line 3" } },
    { type: "order.backorder_available", dealerId: A, amId: am, entityType: "order", entityId: 12, payload: { number: "SO-A-0002" } },
    { type: "deal.registered", dealerId: A, amId: am, entityType: "deal", entityId: 43, payload: { title: "Airport retrofit", dealerName: "Dealer A" } },
    { type: "order.submitted", dealerId: A, amId: am, entityType: "order", entityId: 13, payload: { number: "SO-A-0003", to: "submitted" } },
    { type: "order.submitted", dealerId: B, amId: am2, entityType: "order", entityId: 22, payload: { number: "SO-B-0002", to: "submitted" } },
    { type: "dispute.opened", dealerId: B, entityType: "dispute", entityId: 62, payload: { reference: "2026-10-B line 1" } },
    { type: "order.credit_hold", dealerId: B, amId: am2, entityType: "order", entityId: 23, payload: { number: "SO-B-0003", to: "credit_hold" } },
    { type: "quote.pending_approval", dealerId: A, amId: am, entityType: "quote", entityId: 33, payload: { number: "Q-A-8" } },
  );
  await getDb()
    .insertInto("announcements")
    .values({
      kind: "promotion",
      title_en: "Winter promotion East",
      title_zh: "华东冬季促销",
      body_en: "b",
      body_zh: "b",
      regions: "east",
      starts_at: new Date(UNTIL.getTime() - 3 * HOUR),
      created_at: new Date(UNTIL.getTime() - 3 * HOUR),
      status: "published",
    })
    .execute();
  await getDb().updateTable("organisations").set({ region: "north" }).where("id", "=", B).execute();
  return cast;
}

describe("digest contents per role and scope", () => {
  it("a dealer administrator gets their own dealer's news, in sections, never another dealer's", async () => {
    const cast = await aDay();
    const r = await runDigest("daily", { period: "2026-11-23", until: UNTIL });
    expect(r.users).toBe(12); // the cast: six dealer users, two account managers, ops, finance, admin, service
    const mail = (await digestOf(cast.a.dealer_admin.id))!;
    expect(mail.subject).toMatch(/^Dealer Desk daily digest: \d+ updates \(2026-11-23\)$/);
    for (const s of [
      "Quotes",
      "Deals needing action or expiring",
      "Statements to confirm",
      "Order status changes",
      "Backorders now available",
      "Disputes resolved",
      "New announcements",
    ])
      expect(mail.text_body).toContain(s);
    expect(mail.text_body).toContain("Order SO-A-0001 was shipped"); // the latest news of the order, once
    expect(mail.text_body).not.toContain("Order SO-A-0001 was approved");
    expect(mail.text_body).toContain("Quote Q-A-7 is waiting for your response");
    expect(mail.text_body).toContain("Protection of deal Hospital HVAC A ends");
    expect(mail.text_body).toContain("Winter promotion East");
    expect(mail.text_body).toContain(`${process.env.APP_ORIGIN}/orders/SO-A-0001`);
    expect(mail.text_body).toContain(`${process.env.APP_ORIGIN}/statements/51`);
    for (const other of ["SO-B-", "Q-B-9", "School B project", "2026-10-B"]) {
      expect(mail.text_body).not.toContain(other);
      expect(mail.html).not.toContain(other);
    }
    const b = (await digestOf(cast.b.dealer_admin.id))!;
    expect(b.text_body).toContain("SO-B-0001");
    expect(b.text_body).not.toContain("SO-A-");
    expect(b.text_body).not.toContain("Winter promotion East"); // targeted at the east region only
  });

  it("dealer sales get no statements or disputes; dealer finance no deals or quotes", async () => {
    const cast = await aDay();
    await runDigest("daily", { period: "2026-11-23", until: UNTIL });
    const sales = (await digestOf(cast.a.dealer_sales.id))!;
    expect(sales.text_body).toContain("Deals needing action or expiring");
    expect(sales.text_body).not.toContain("Statements to confirm");
    expect(sales.text_body).not.toContain("Disputes resolved");
    const fin = (await digestOf(cast.a.dealer_finance.id))!;
    expect(fin.text_body).toContain("Statements to confirm");
    expect(fin.text_body).not.toContain("Deals needing action");
    expect(fin.text_body).not.toContain("Quote Q-A-7");
  });

  it("account managers get the events addressed to them; ops, finance and admin their queues across dealers", async () => {
    const cast = await aDay();
    await runDigest("daily", { period: "2026-11-23", until: UNTIL });
    const am = (await digestOf(cast.staff.account_manager.id))!;
    expect(am.text_body).toContain("New deal registration: Airport retrofit");
    expect(am.text_body).toContain("Dealer A");
    expect(am.text_body).not.toContain("School B project");
    expect(am.text_body).not.toContain("SO-B-");
    expect(am.text_body).not.toContain("Statements to confirm");
    const am2 = (await digestOf(cast.am2.id))!;
    expect(am2.text_body).toContain("School B project");
    expect(am2.text_body).not.toContain("Airport retrofit");

    const ops = (await digestOf(cast.staff.ops.id))!;
    expect(ops.text_body).toContain("Orders waiting for review");
    expect(ops.text_body).toContain("SO-A-0003");
    expect(ops.text_body).toContain("SO-B-0002");
    expect(ops.text_body).not.toContain("Statements");
    const fin = (await digestOf(cast.staff.finance.id))!;
    expect(fin.text_body).toContain("Disputes opened");
    expect(fin.text_body).toContain("Order SO-B-0003 is on credit hold");
    const admin = (await digestOf(cast.staff.admin.id))!;
    expect(admin.text_body).toContain("Quote Q-A-8 needs your discount approval");
    expect(admin.text_body).not.toContain("SO-A-0003");
  });

  it("sends nothing when there is nothing to say, and still moves last_digest_at with the outbox write", async () => {
    const cast = await createCast();
    await events({ type: "order.approved", dealerId: cast.dealerA.id, entityType: "order", entityId: 1, payload: { number: "SO-1" }, hoursAgo: 30 }); // before the window
    const r = await runDigest("daily", { period: "2026-11-23", until: UNTIL });
    expect(r.emails).toBe(0);
    expect(r.empty).toBe(12);
    expect(await getDb().selectFrom("outbox_emails").selectAll().execute()).toHaveLength(0);
    const u = await getDb().selectFrom("users").select("last_digest_at").where("id", "=", cast.a.dealer_admin.id).executeTakeFirstOrThrow();
    expect(u.last_digest_at?.toISOString()).toBe(UNTIL.toISOString());
  });

  it("leaves out what the reader did themselves, and respects the window since the last digest", async () => {
    const cast = await createCast();
    const me = cast.a.dealer_sales.id;
    await getDb()
      .updateTable("users")
      .set({ last_digest_at: new Date(UNTIL.getTime() - 5 * HOUR) })
      .where("id", "=", me)
      .execute();
    await events(
      { type: "order.submitted", dealerId: cast.dealerA.id, actor: me, entityType: "order", entityId: 1, payload: { number: "SO-MINE" } },
      { type: "order.approved", dealerId: cast.dealerA.id, entityType: "order", entityId: 2, payload: { number: "SO-OLD" }, hoursAgo: 6 },
      { type: "order.approved", dealerId: cast.dealerA.id, entityType: "order", entityId: 3, payload: { number: "SO-NEW" }, hoursAgo: 1 },
    );
    await runDigest("daily", { period: "2026-11-23", until: UNTIL });
    const mail = (await digestOf(me))!;
    expect(mail.text_body).toContain("SO-NEW");
    expect(mail.text_body).not.toContain("SO-MINE");
    expect(mail.text_body).not.toContain("SO-OLD");
    // The dealer admin had no previous digest: the last day counts, including SO-OLD and the sales user's own order.
    const admin = (await digestOf(cast.a.dealer_admin.id))!;
    expect(admin.text_body).toContain("SO-OLD");
    expect(admin.text_body).toContain("SO-MINE");
  });

  it("only users with this frequency who are active receive it", async () => {
    const cast = await createCast();
    await getDb().updateTable("users").set({ digest_frequency: "off" }).where("id", "=", cast.a.dealer_sales.id).execute();
    await getDb().updateTable("users").set({ digest_frequency: "weekly" }).where("id", "=", cast.a.dealer_finance.id).execute();
    await getDb().updateTable("users").set({ status: "disabled" }).where("id", "=", cast.a.dealer_admin.id).execute();
    const other = await createUser("dealer_admin", { organisationId: cast.dealerA.id });
    await events({ type: "order.approved", dealerId: cast.dealerA.id, entityType: "order", entityId: 2, payload: { number: "SO-2" } });
    await runDigest("daily", { period: "2026-11-23", until: UNTIL });
    const rows = await getDb().selectFrom("outbox_emails").select(["user_id", "kind"]).execute();
    expect(rows).toEqual([{ user_id: other.id, kind: "digest.daily" }]);
    await runDigest("weekly", { period: "2026-W48", until: UNTIL });
    expect(await digestOf(cast.a.dealer_finance.id)).toMatchObject({ kind: "digest.weekly", dedupe_key: `digest:${cast.a.dealer_finance.id}:2026-W48` });
  });
});

describe("digest delivery guarantees", () => {
  it("a second run of the period (Run now after the schedule) reports whom it skipped because they already had it, in both languages", async () => {
    await aDay();
    const first = await runDigest("daily", { period: "2026-11-23", until: UNTIL });
    expect(first.emails).toBeGreaterThan(0);
    const second = await runDigest("daily", { period: "2026-11-23", until: new Date(UNTIL.getTime() + HOUR) });
    expect(second.emails).toBe(0);
    expect(second.alreadySent).toBe(first.emails);
    expect(second.empty + second.alreadySent).toBe(second.users);
    const { message } = digestJobOutcome(second);
    expect(translate("en", message.key, message.params)).toBe(
      `0 digests written, ${first.emails} skipped (already sent for this period), ${second.empty} with nothing new — 12 users`,
    );
    expect(translate("zh-CN", message.key, message.params)).toBe(
      `已生成 0 封摘要邮件，跳过 ${first.emails} 位（本期已发送），${second.empty} 位无新动态 — 共 12 位用户`,
    );
  });

  it("two runs of the same period at once write each digest once", async () => {
    const cast = await aDay();
    const [a, b] = await Promise.all([runDigest("daily", { period: "2026-11-23", until: UNTIL }), runDigest("daily", { period: "2026-11-23", until: UNTIL })]);
    const rows = await getDb().selectFrom("outbox_emails").select(["dedupe_key", "user_id"]).execute();
    expect(new Set(rows.map((r) => r.dedupe_key)).size).toBe(rows.length);
    expect(a.emails + b.emails).toBe(rows.length);
    expect(rows.some((r) => r.user_id === cast.a.dealer_admin.id)).toBe(true);
    // And a later re-run of the period (after a takeover) adds nothing.
    const again = await runDigest("daily", { period: "2026-11-23", until: new Date(UNTIL.getTime() + HOUR) });
    expect(again.emails).toBe(0);
    expect(await getDb().selectFrom("outbox_emails").selectAll().execute()).toHaveLength(rows.length);
  });

  it("writes the user's language, escapes user data, and carries a working one-click unsubscribe", async () => {
    const cast = await createCast();
    await getDb().updateTable("users").set({ locale: "zh-CN", name: "陈<b>静</b>" }).where("id", "=", cast.a.dealer_admin.id).execute();
    await events({
      type: "order.approved",
      dealerId: cast.dealerA.id,
      entityType: "order",
      entityId: 9,
      payload: { number: `<img src=x onerror="alert(1)">` },
    });
    await runDigest("daily", { period: "2026-11-23", until: UNTIL });
    const mail = (await digestOf(cast.a.dealer_admin.id))!;
    expect(mail.locale).toBe("zh-CN");
    expect(mail.subject).toBe("经销商工作台每日摘要：1 条更新（2026-11-23）");
    expect(mail.html).toContain("订单状态变化");
    expect(mail.html).not.toContain("<img src=x");
    expect(mail.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(mail.html).not.toContain("<b>静</b>");
    expect(mail.html).toContain("陈&lt;b&gt;静&lt;/b&gt;");
    const headers = JSON.parse(mail.headers!) as Record<string, string>;
    expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const url = /^<(.+)>$/.exec(headers["List-Unsubscribe"]!)![1]!;
    expect(mail.html).toContain(url);
    expect(mail.text_body).toContain(url);
    expect(mail.html).toContain(`${process.env.APP_ORIGIN}/settings`);
    const token = url.split("/unsubscribe/")[1]!;
    expect(verifyUnsubscribeToken(await appSecret(), token)).toEqual({ ok: true, userId: cast.a.dealer_admin.id, purpose: "digest" });
  });
});

describe("how a resolved dispute reads", () => {
  it("says whether the dispute was accepted (with an adjustment) or rejected, in both languages", () => {
    const ev = (decision?: string) => ({
      id: 1,
      occurred_at: UNTIL,
      type: "dispute.resolved",
      dealer_id: 1,
      account_manager_id: null,
      actor_user_id: 2,
      entity_type: "dispute",
      entity_id: "7",
      payload: JSON.stringify({ statementId: 5, period: "2026-10", ...(decision ? { decision } : {}) }),
    });
    expect(describeEvent(ev("accepted"), "disputes", "dealer", "en", "Asia/Shanghai").text).toBe(
      "The dispute on 2026-10 was accepted; an adjustment was posted",
    );
    expect(describeEvent(ev("rejected"), "disputes", "dealer", "zh-CN", "Asia/Shanghai").text).toBe("2026-10 的争议被驳回");
    expect(describeEvent(ev(), "disputes", "dealer", "en", "Asia/Shanghai").text).toBe("The dispute on 2026-10 was resolved");
  });
});

describe("only what still waits for the reader", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("leaves out quotes already answered or booked, statements already confirmed and orders already reviewed — judged when the digest is built", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(UNTIL.getTime() + 5 * 60_000));
    const cast = await createCast();
    const A = cast.dealerA.id;
    const am = cast.staff.account_manager;
    const line = await createProductLine();
    const p = await createProduct(line, { listPrice: 100_000 });
    const ka = await createKeyAccount(am.id);
    const deal1 = await createDeal(cast.a.dealer_sales, ka, [line], { approveAs: am });
    const deal2 = await createDeal(cast.a.dealer_admin, await createKeyAccount(am.id), [line], { approveAs: am });
    const open = await createProposedQuote(am, deal1.id, [{ productId: p.id, quantity: 2, unitPrice: 90_000 }]);
    const booked = await createProposedQuote(am, deal2.id, [{ productId: p.id, quantity: 2, unitPrice: 90_000 }]);
    await getDb().updateTable("quotes").set({ status: "converted" }).where("id", "=", booked.id).execute();
    // Two statements of dealer A (October, September): September is already confirmed.
    await post(A, "invoice", 100_00, "2026-09-05");
    await issueStatements(sys(), { period: "2026-09" });
    await post(A, "invoice", 200_00, "2026-10-05");
    await issueStatements(sys(), { period: "2026-10" });
    const sep = (await statementOf(A, "2026-09"))!;
    const oct = (await statementOf(A, "2026-10"))!;
    await confirmStatement(actorFor(cast.a.dealer_finance), sep.id, { version: sep.version });
    // Two submitted orders; one has been approved since.
    const order = (status: string) =>
      getDb()
        .insertInto("orders")
        .values({ dealer_id: A, status, currency: "CNY", number: `SO-W-${status}` })
        .executeTakeFirstOrThrow();
    const waitingOrder = Number((await order("submitted")).insertId);
    const reviewedOrder = Number((await order("approved")).insertId);
    await getDb().deleteFrom("domain_events").execute();
    await events(
      { type: "quote.proposed", dealerId: A, amId: am.id, entityType: "quote", entityId: open.id, payload: { number: "Q-OPEN" } },
      { type: "quote.proposed", dealerId: A, amId: am.id, entityType: "quote", entityId: booked.id, payload: { number: "Q-BOOKED" } },
      { type: "statement.issued", dealerId: A, entityType: "statement", entityId: oct.id, payload: { period: "2026-10" } },
      { type: "statement.issued", dealerId: A, entityType: "statement", entityId: sep.id, payload: { period: "2026-09" } },
      {
        type: "order.submitted",
        dealerId: A,
        amId: am.id,
        entityType: "order",
        entityId: waitingOrder,
        payload: { number: "SO-W-submitted", to: "submitted" },
      },
      {
        type: "order.submitted",
        dealerId: A,
        amId: am.id,
        entityType: "order",
        entityId: reviewedOrder,
        payload: { number: "SO-W-approved", to: "submitted" },
      },
    );
    await runDigest("daily", { period: "2026-11-23", until: UNTIL });
    const admin = (await digestOf(cast.a.dealer_admin.id))!;
    expect(admin.text_body).toContain("Quote Q-OPEN is waiting for your response");
    expect(admin.text_body).not.toContain("Q-BOOKED");
    expect(admin.text_body).toContain("Statement 2026-10 is ready for you to confirm");
    expect(admin.text_body).not.toContain("2026-09");
    const ops = (await digestOf(cast.staff.ops.id))!;
    expect(ops.text_body).toContain("SO-W-submitted");
    expect(ops.text_body).not.toContain("SO-W-approved");

    // The next day the open quote expires unanswered and October is confirmed: nothing is asked of them any more.
    await confirmStatement(actorFor(cast.a.dealer_finance), oct.id, { version: oct.version });
    await getDb().updateTable("quotes").set({ valid_until: "2026-11-22" }).where("id", "=", open.id).execute();
    await getDb().updateTable("users").set({ last_digest_at: null }).execute();
    await getDb().deleteFrom("outbox_emails").execute();
    await runDigest("daily", { period: "2026-11-23b", until: UNTIL });
    const again = await digestOf(cast.a.dealer_admin.id);
    expect(again?.text_body ?? "").not.toContain("Q-OPEN");
    expect(again?.text_body ?? "").not.toContain("Statement 2026-10");
  });
});

describe("promotions in a dealer's digest", () => {
  // The digest is built five minutes after its window ends: Monday 23 November 2026, 08:05 in Shanghai.
  clockForEachTest(new Date(UNTIL.getTime() + 5 * 60_000).toISOString());

  /** The cast, one product, and promotions of every kind of news (and of none), created by the administrator. */
  async function promotionsWorld() {
    const cast = await createCast();
    await getDb().updateTable("organisations").set({ region: "north" }).where("id", "=", cast.dealerB.id).execute();
    const product = await createProduct(await createProductLine(), { listPrice: 100_00 });
    const sku = (await getDb().selectFrom("products").select("sku").where("id", "=", product.id).executeTakeFirstOrThrow()).sku;
    const promo = async (code: string, over: Record<string, unknown>) =>
      (
        await createPromotion(
          actorFor(cast.staff.admin),
          PromotionSchema.parse({
            code,
            nameEn: `${code} deal`,
            nameZh: `${code} 促销`,
            mechanism: "price_off",
            discountKind: "percent",
            discountPercent: "10",
            status: "active",
            productSkus: sku,
            ...over,
          }),
        )
      ).id;
    const ids = {
      // Starts today, for every dealer.
      startsToday: await promo("STARTS-TODAY", { startsOn: "2026-11-23", endsOn: "2026-12-31" }),
      // East only (dealer A): its last seven days begin today.
      endsSoon: await promo("ENDS-SOON", { startsOn: "2026-11-01", endsOn: "2026-11-29", regions: ["east"], discountKind: "amount", discountAmount: "15.00" }),
      // Its last seven days begin tomorrow; began yesterday (already told).
      endsLater: await promo("ENDS-LATER", { startsOn: "2026-11-01", endsOn: "2026-11-30" }),
      toldYesterday: await promo("TOLD-YESTERDAY", { startsOn: "2026-11-01", endsOn: "2026-11-28" }),
      // Started yesterday; starts tomorrow; a draft; named dealer B only, a rebate.
      startedYesterday: await promo("STARTED-YESTERDAY", { startsOn: "2026-11-22", endsOn: "2026-12-31" }),
      startsTomorrow: await promo("STARTS-TOMORROW", { startsOn: "2026-11-24", endsOn: "2026-12-31" }),
      draft: await promo("DRAFT-TODAY", { startsOn: "2026-11-23", endsOn: "2026-12-31", status: "draft" }),
      onlyB: await promo("ONLY-B", {
        startsOn: "2026-11-23",
        endsOn: "2026-12-31",
        dealerCodes: cast.dealerB.code,
        mechanism: "rebate",
        rebatePercent: "3.5",
        rebateBasis: "purchases",
      }),
    };
    return { cast, ids };
  }

  it("lists the promotions that target the dealer as they start and as they enter their last 7 days, linked, in both languages", async () => {
    const { cast, ids } = await promotionsWorld();
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", cast.a.dealer_finance.id).execute();
    // Nothing else happened: the promotions alone make the digest worth sending.
    await runDigest("daily", { period: "2026-11-23", until: UNTIL });
    const a = (await digestOf(cast.a.dealer_admin.id))!;
    expect(a.subject).toBe("Dealer Desk daily digest: 2 updates (2026-11-23)");
    expect(a.text_body).toContain("Promotions for you");
    expect(a.text_body).toContain("ENDS-SOON ENDS-SOON deal ends on Nov 29, 2026: CN¥15.00 off per unit");
    expect(a.text_body).toContain("STARTS-TODAY STARTS-TODAY deal has started: 10% off, until Dec 31, 2026");
    expect(a.text_body).toContain(`${process.env.APP_ORIGIN}/promotions/${ids.endsSoon}`);
    expect(a.text_body).toContain(`${process.env.APP_ORIGIN}/promotions/${ids.startsToday}`);
    expect(a.text_body).toContain(`${process.env.APP_ORIGIN}/promotions`);
    for (const other of ["ENDS-LATER", "TOLD-YESTERDAY", "STARTED-YESTERDAY", "STARTS-TOMORROW", "DRAFT-TODAY", "ONLY-B"]) {
      expect(a.text_body).not.toContain(other);
      expect(a.html).not.toContain(other);
    }
    const zh = (await digestOf(cast.a.dealer_finance.id))!;
    expect(zh.text_body).toContain("为您提供的促销");
    expect(zh.text_body).toContain("ENDS-SOON ENDS-SOON 促销 将于 2026年11月29日 结束：每件降价 ¥15.00");
    expect(zh.text_body).toContain("STARTS-TODAY STARTS-TODAY 促销 已开始：降价 10%，截至 2026年12月31日");
    // Dealer B (north) gets what targets it, not dealer A's east promotion.
    const b = (await digestOf(cast.b.dealer_sales.id))!;
    expect(b.text_body).toContain("ONLY-B ONLY-B deal has started: 3.5% rebate on purchases, until Dec 31, 2026");
    expect(b.text_body).toContain("STARTS-TODAY");
    expect(b.text_body).not.toContain("ENDS-SOON");
    // Staff digests carry no promotions section (and staff have nothing else today).
    for (const u of [cast.staff.account_manager, cast.staff.finance, cast.staff.admin]) expect(await digestOf(u.id)).toBeUndefined();

    // The next day: what was told is not told again; ENDS-LATER enters its last seven days.
    setClock(new Date(UNTIL.getTime() + 24 * HOUR + 5 * 60_000));
    await runDigest("daily", { period: "2026-11-24", until: new Date(UNTIL.getTime() + 24 * HOUR) });
    const next = (await getDb()
      .selectFrom("outbox_emails")
      .selectAll()
      .where("user_id", "=", cast.a.dealer_admin.id)
      .where("dedupe_key", "=", `digest:${cast.a.dealer_admin.id}:2026-11-24`)
      .executeTakeFirst())!;
    expect(next.text_body).toContain("ENDS-LATER ENDS-LATER deal ends on Nov 30, 2026");
    expect(next.text_body).toContain("STARTS-TOMORROW STARTS-TOMORROW deal has started");
    expect(next.text_body).not.toContain("ENDS-SOON");
    expect(next.text_body).not.toContain("STARTS-TODAY");
  });

  it("a weekly reader gets the week's starts and the promotions ending within 7 days once; nothing to say sends nothing", async () => {
    const { cast } = await promotionsWorld();
    await getDb().updateTable("users").set({ digest_frequency: "weekly" }).where("id", "=", cast.a.dealer_sales.id).execute();
    await runDigest("weekly", { period: "2026-W48", until: UNTIL });
    const mail = (await digestOf(cast.a.dealer_sales.id))!;
    // The week 16–23 November: STARTED-YESTERDAY and STARTS-TODAY started; TOLD-YESTERDAY and ENDS-SOON end within 7 days.
    for (const code of ["STARTED-YESTERDAY", "STARTS-TODAY", "TOLD-YESTERDAY", "ENDS-SOON"]) expect(mail.text_body).toContain(`${code} ${code} deal`);
    for (const code of ["ENDS-LATER", "STARTS-TOMORROW", "DRAFT-TODAY", "ONLY-B"]) expect(mail.text_body).not.toContain(code);
    // Once every promotion is cancelled there is nothing to say to a dealer without other news: no email.
    await getDb().updateTable("promotions").set({ status: "cancelled" }).execute();
    await getDb().deleteFrom("outbox_emails").execute();
    await getDb().updateTable("users").set({ last_digest_at: null }).execute();
    const r = await runDigest("daily", { period: "2026-11-23c", until: UNTIL });
    expect(r.emails).toBe(0);
  });
});

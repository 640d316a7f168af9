/**
 * Demo data of the deals area: deals in every stage across dealers, one conflict, quotes with
 * versions (superseded, pending approval, proposed, accepted, converted), activities, tasks,
 * a flag of the protection watch, and a lead offered to D001. Runs inside the seed transaction,
 * so it writes rows directly (the domain functions open transactions of their own).
 * Products are looked up from the database; product lines and a few products are created only
 * when the catalog step has not made any.
 */
import type { Kysely } from "kysely";
import type { DB } from "../types";
import type { FoundationIds } from "./foundation";
import { addDays, todayIn } from "../../app/utils/time";
import { rng } from "./random";
import { QUOTE_TRANSITIONS, type QuoteStatus } from "../../app/modules/quotes/state";
import type { DomainEventType } from "../../app/modules/audit/event-types";

type Db = Kysely<DB>;

function bp(tier: number, price: number): number {
  const num = (BigInt(tier) - BigInt(price)) * 10000n;
  const den = BigInt(tier);
  const q = num / den;
  const r = num % den;
  return Number(q + ((r < 0n ? -r : r) * 2n >= den ? (num < 0n ? -1n : 1n) : 0n));
}

const FALLBACK_LINES = [
  { code: "VRF", en: "VRF air conditioning", zh: "多联机空调" },
  { code: "CHILLER", en: "Chillers", zh: "冷水机组" },
  { code: "HEATPUMP", en: "Heat pumps", zh: "热泵" },
];

async function ensureProducts(db: Db) {
  const lines = await db
    .selectFrom("product_lines as pl")
    .select(["pl.code"])
    .where((eb) => eb.exists(eb.selectFrom("products as p").select("p.id").whereRef("p.product_line_code", "=", "pl.code").where("p.status", "=", "active")))
    .orderBy("pl.sort_order")
    .orderBy("pl.code")
    .limit(3)
    .execute();
  if (lines.length >= 3) return lines.map((l) => l.code);
  // No catalog yet: a small one of our own, enough to quote.
  await db.insertInto("categories").ignore().values({ code: "HVAC", name_en: "HVAC", name_zh: "暖通空调", sort_order: 1 }).execute();
  for (const [i, l] of FALLBACK_LINES.entries()) {
    await db
      .insertInto("product_lines")
      .ignore()
      .values({ code: l.code, name_en: l.en, name_zh: l.zh, sort_order: i + 1 })
      .execute();
    for (let n = 1; n <= 3; n++) {
      const list = (i + 1) * 12_000_00 + n * 3_500_00;
      const r = await db
        .insertInto("products")
        .ignore()
        .values({
          sku: `${l.code}-${100 + n}`,
          name_en: `${l.en} model ${100 + n}`,
          name_zh: `${l.zh} ${100 + n} 型`,
          category_code: "HVAC",
          product_line_code: l.code,
          list_price_minor: list,
          currency: "CNY",
        })
        .executeTakeFirst();
      const id = Number(r.insertId ?? 0);
      if (!id) continue;
      for (const [tier, pct] of [
        ["platinum", 82],
        ["gold", 88],
        ["silver", 94],
      ] as const)
        await db
          .insertInto("product_tier_prices")
          .values({ product_id: id, tier, price_minor: Math.round((list * pct) / 100) })
          .execute();
    }
  }
  const { catalogChanged } = await import("../../app/modules/catalog/catalog.derived.server");
  await catalogChanged(db);
  return FALLBACK_LINES.map((l) => l.code);
}

/** The event a quote's seeded status was reached by (a converted quote's history starts at its acceptance). */
function quoteEventOf(status: QuoteStatus): DomainEventType {
  if (status === "converted") return "quote.accepted";
  const t = QUOTE_TRANSITIONS.find((x) => x.to === status);
  if (!t) throw new Error(`no event reaches quote status ${status}`);
  return t.event;
}

export async function seedDeals(db: Db, ids: FoundationIds) {
  const r = rng(5050);
  const tz = process.env.BUSINESS_TZ || "Asia/Shanghai";
  const today = todayIn(tz);
  const now = new Date();
  const ago = (d: number, h = 10) => new Date(now.getTime() - d * 86_400_000 - h * 3_600_000);

  const kas = await db.selectFrom("key_accounts").select(["id", "name", "credit_code", "owner_id"]).orderBy("id").execute();
  if (kas.length < 6) return;
  const [ka1, ka2, ka3, ka4, ka5, ka6] = kas as [
    (typeof kas)[number],
    (typeof kas)[number],
    (typeof kas)[number],
    (typeof kas)[number],
    (typeof kas)[number],
    (typeof kas)[number],
  ];
  const lines = await ensureProducts(db);
  const [L1, L2, L3] = lines as [string, string, string];
  const productsOf = async (line: string) =>
    db
      .selectFrom("products")
      .select(["id", "sku", "list_price_minor"])
      .where("product_line_code", "=", line)
      .where("status", "=", "active")
      .orderBy("sku")
      .limit(3)
      .execute();
  const prods = { [L1]: await productsOf(L1), [L2]: await productsOf(L2), [L3]: await productsOf(L3) } as Record<
    string,
    { id: number; sku: string; list_price_minor: number }[]
  >;
  const dealer = (code: string) => ids.dealerIds[code]!;
  const tierOf = async (dealerId: number) => (await db.selectFrom("organisations").select("tier").where("id", "=", dealerId).executeTakeFirstOrThrow()).tier;
  const usersOf = async (dealerId: number) =>
    db
      .selectFrom("users")
      .select(["id", "role"])
      .where("organisation_id", "=", dealerId)
      .where("role", "in", ["dealer_admin", "dealer_sales"])
      .orderBy("id")
      .execute();

  type Spec = {
    dealer: string;
    ka: (typeof kas)[number];
    lines: string[];
    stage: string;
    title: string;
    value: number;
    createdDaysAgo: number;
    protectionLeft?: number;
    closeIn: number;
    competitors?: string;
    lostReason?: string;
    source?: string;
  };
  const specs: Spec[] = [
    {
      dealer: "D001",
      ka: ka1,
      lines: [L1],
      stage: "won",
      title: "申城地铁 5 号线车站空调改造",
      value: 2_860_000_00,
      createdDaysAgo: 80,
      protectionLeft: 10,
      closeIn: 5,
      competitors: "格力, 美的",
    },
    {
      dealer: "D002",
      ka: ka2,
      lines: [L2],
      stage: "quoted",
      title: "京华数据中心二期冷水机组",
      value: 4_200_000_00,
      createdDaysAgo: 45,
      protectionLeft: 55,
      closeIn: 30,
      competitors: "开利, 约克",
    },
    {
      dealer: "D003",
      ka: ka3,
      lines: [L1, L3],
      stage: "quoted",
      title: "白云会展中心 B 馆暖通",
      value: 1_650_000_00,
      createdDaysAgo: 30,
      protectionLeft: 60,
      closeIn: 40,
      competitors: "大金",
    },
    {
      dealer: "D001",
      ka: ka6,
      lines: [L3],
      stage: "negotiating",
      title: "西溪酒店热泵热水系统",
      value: 780_000_00,
      createdDaysAgo: 20,
      protectionLeft: 70,
      closeIn: 50,
    },
    {
      dealer: "D002",
      ka: ka1,
      lines: [L3],
      stage: "approved",
      title: "申城地铁车辆段热泵",
      value: 920_000_00,
      createdDaysAgo: 12,
      protectionLeft: 78,
      closeIn: 75,
    },
    { dealer: "D003", ka: ka2, lines: [L2], stage: "conflict", title: "京华数据中心冷机替换", value: 3_900_000_00, createdDaysAgo: 3, closeIn: 60 },
    { dealer: "D004", ka: ka4, lines: [L1], stage: "registered", title: "光谷生物医药园研发楼空调", value: 1_280_000_00, createdDaysAgo: 2, closeIn: 90 },
    {
      dealer: "D005",
      ka: ka5,
      lines: [L2],
      stage: "rejected",
      title: "天府机场 T2 冷站",
      value: 5_500_000_00,
      createdDaysAgo: 40,
      closeIn: 60,
      lostReason: "客户已由集团总部直接招标，请关注公开招标。",
    },
    {
      dealer: "D006",
      ka: ka4,
      lines: [L3],
      stage: "lost",
      title: "光谷园区宿舍热泵热水",
      value: 460_000_00,
      createdDaysAgo: 70,
      protectionLeft: 20,
      closeIn: 10,
      lostReason: "价格高于竞品约 8%，客户选择了本地品牌。",
    },
    {
      dealer: "D007",
      ka: ka5,
      lines: [L1],
      stage: "expired",
      title: "天府机场货运区多联机",
      value: 1_100_000_00,
      createdDaysAgo: 120,
      protectionLeft: -30,
      closeIn: -20,
    },
    {
      dealer: "D001",
      ka: ka3,
      lines: [L2],
      stage: "approved",
      title: "白云会展中心冷站节能改造",
      value: 2_300_000_00,
      createdDaysAgo: 86,
      protectionLeft: 4,
      closeIn: 20,
    },
    {
      dealer: "D002",
      ka: ka6,
      lines: [L1],
      stage: "negotiating",
      title: "西溪酒店客房多联机更新",
      value: 1_350_000_00,
      createdDaysAgo: 25,
      protectionLeft: 65,
      closeIn: 35,
    },
  ];

  const dealIds: number[] = [];
  for (const s of specs) {
    const dealerId = dealer(s.dealer);
    const staff = await usersOf(dealerId);
    const approved = !["registered", "conflict", "rejected"].includes(s.stage);
    const closed = ["won", "lost", "expired", "rejected"].includes(s.stage);
    const res = await db
      .insertInto("deals")
      .values({
        dealer_id: dealerId,
        key_account_id: s.ka.id,
        account_manager_id: s.ka.owner_id,
        title: s.title,
        stage: s.stage,
        estimated_value_minor: s.value,
        currency: "CNY",
        expected_close_date: addDays(today, s.closeIn),
        protection_expires_on: approved && s.protectionLeft !== undefined ? addDays(today, s.protectionLeft) : null,
        competitors: s.competitors ?? "",
        notes: null,
        lost_reason: s.lostReason ?? null,
        source: s.source ?? "dealer",
        created_by: staff[0]?.id ?? null,
        approved_at: approved ? ago(s.createdDaysAgo - 1) : null,
        closed_at: closed ? ago(Math.max(0, s.createdDaysAgo - 25)) : null,
        created_at: ago(s.createdDaysAgo),
        updated_at: ago(Math.max(0, s.createdDaysAgo - 2)),
      })
      .executeTakeFirstOrThrow();
    const id = Number(res.insertId);
    dealIds.push(id);
    await db
      .insertInto("deal_product_lines")
      .values(s.lines.map((l) => ({ deal_id: id, product_line_code: l, estimated_quantity: r.int(10, 400) })))
      .execute();
    await db
      .insertInto("domain_events")
      .values({
        type: "deal.registered",
        dealer_id: dealerId,
        account_manager_id: s.ka.owner_id,
        actor_user_id: staff[0]?.id ?? null,
        entity_type: "deal",
        entity_id: String(id),
        payload: JSON.stringify({ title: s.title }),
        occurred_at: ago(s.createdDaysAgo),
      })
      .execute();
    // A shared timeline: the dealer's visits and calls, the account manager's technical answers.
    const notes = [
      ["visit", "现场踏勘，与设施部确认机房位置和管路走向。"],
      ["call", "客户经理电话答疑：能效等级和质保条款。"],
      ["meeting", "三方会议：客户、经销商、厂商技术支持，确认方案。"],
      ["note", "客户预算已批复，预计下月启动招标。"],
    ] as const;
    const n = closed ? 2 : r.int(1, 4);
    for (let i = 0; i < n; i++) {
      const [kind, body] = notes[i % notes.length]!;
      await db
        .insertInto("deal_activities")
        .values({
          deal_id: id,
          kind,
          body,
          occurred_at: ago(Math.max(0, s.createdDaysAgo - 2 - i * 3), 6 + i),
          actor_user_id: kind === "call" ? s.ka.owner_id : (staff[i % Math.max(1, staff.length)]?.id ?? null),
        })
        .execute();
    }
    if (!closed) {
      await db
        .insertInto("deal_tasks")
        .values([
          {
            deal_id: id,
            title: "提交技术方案和参考案例",
            owner_user_id: staff[0]?.id ?? null,
            due_date: addDays(today, r.int(2, 10)),
            created_by: s.ka.owner_id,
          },
          {
            deal_id: id,
            title: "确认付款条件",
            owner_user_id: s.ka.owner_id,
            due_date: addDays(today, r.int(-3, 5)),
            created_by: staff[0]?.id ?? null,
            done_at: r.chance(0.4) ? ago(1) : null,
          },
        ])
        .execute();
    }
  }
  const [dWon, dAccepted, dProposed, dPending, , dConflict, , , , , dRenewal, dHotelD002] = dealIds as number[];

  // The conflict: D003's registration overlaps D002's quoted deal on the same data centre.
  const d002 = await db.selectFrom("organisations").select("code").where("id", "=", dealer("D002")).executeTakeFirstOrThrow();
  await db
    .updateTable("deals")
    .set({ conflict_with_deal_id: dAccepted!, conflict_reason: JSON.stringify({ dealerCode: d002.code, dealId: dAccepted, stage: "quoted", lines: [L2] }) })
    .where("id", "=", dConflict!)
    .execute();
  // A renewal request waiting for the account manager.
  await db
    .updateTable("deals")
    .set({
      renewal_requested_at: ago(1),
      renewal_requested_by: (await usersOf(dealer("D001")))[0]?.id ?? null,
      renewal_note: "客户招标推迟到下季度，申请续期。",
    })
    .where("id", "=", dRenewal!)
    .execute();

  // Quotes.
  const writeQuote = async (
    dealId: number,
    version: number,
    status: QuoteStatus,
    lineSpecs: { product: { id: number; list_price_minor: number }; qty: number; pct: number }[],
    extra: {
      validIn?: number;
      revision?: string;
      supersededBy?: number | null;
      acceptedBy?: number | null;
      approvedBy?: number | null;
      convertedOrder?: number | null;
    } = {},
  ) => {
    const deal = await db.selectFrom("deals").select(["dealer_id", "account_manager_id"]).where("id", "=", dealId).executeTakeFirstOrThrow();
    const tier = await tierOf(deal.dealer_id);
    let total = 0;
    let maxBp = 0;
    const rows = [];
    for (const [i, l] of lineSpecs.entries()) {
      const tp = await db
        .selectFrom("product_tier_prices")
        .select("price_minor")
        .where("product_id", "=", l.product.id)
        .where("tier", "=", tier)
        .executeTakeFirst();
      const tierPrice = tp?.price_minor ?? l.product.list_price_minor;
      const price = Math.min(l.product.list_price_minor, Math.max(1, Math.round((tierPrice * (100 - l.pct)) / 100)));
      const d = bp(tierPrice, price);
      maxBp = Math.max(maxBp, d);
      total += price * l.qty;
      rows.push({
        line_no: i + 1,
        product_id: l.product.id,
        quantity: l.qty,
        unit_price_minor: price,
        tier_price_minor: tierPrice,
        discount_bp: d,
        line_total_minor: price * l.qty,
      });
    }
    const res = await db
      .insertInto("quotes")
      .values({
        deal_id: dealId,
        dealer_id: deal.dealer_id,
        version,
        status,
        currency: "CNY",
        valid_until: addDays(today, extra.validIn ?? 20),
        terms: "含税价；货到付款 30%，验收后 60 天内付清。质保两年。",
        total_minor: total,
        max_discount_bp: maxBp,
        revision_comment: extra.revision ?? null,
        superseded_by_id: extra.supersededBy ?? null,
        created_by: deal.account_manager_id,
        approved_by: extra.approvedBy ?? null,
        accepted_by: extra.acceptedBy ?? null,
        proposed_at: status === "draft" || status === "pending_approval" ? null : ago(5),
        approval_requested_at: status === "pending_approval" ? ago(1, 6) : null,
        accepted_at: extra.acceptedBy ? ago(2) : null,
        converted_order_id: extra.convertedOrder ?? null,
      })
      .executeTakeFirstOrThrow();
    const id = Number(res.insertId);
    await db
      .insertInto("quote_lines")
      .values(rows.map((x) => ({ ...x, quote_id: id })))
      .execute();
    await db
      .insertInto("domain_events")
      .values({
        type: quoteEventOf(status),
        dealer_id: deal.dealer_id,
        account_manager_id: deal.account_manager_id,
        actor_user_id: deal.account_manager_id,
        entity_type: "quote",
        entity_id: String(id),
        payload: JSON.stringify({ dealId, version }),
      })
      .execute();
    return { id, lines: rows, total };
  };
  const d1Sales = (await usersOf(dealer("D001")))[0]?.id ?? null;
  const d2Sales = (await usersOf(dealer("D002")))[0]?.id ?? null;

  // D002: v1 superseded after a revision request, v2 accepted (ready to book).
  const p2 = prods[L2]!;
  const v2 = await writeQuote(dAccepted!, 2, "accepted", [{ product: p2[0]!, qty: 4, pct: 9 }, ...(p2[1] ? [{ product: p2[1], qty: 2, pct: 7 }] : [])], {
    acceptedBy: d2Sales,
    validIn: 25,
  });
  await writeQuote(dAccepted!, 1, "superseded", [{ product: p2[0]!, qty: 4, pct: 5 }, ...(p2[1] ? [{ product: p2[1], qty: 2, pct: 4 }] : [])], {
    revision: "客户要求再优惠 4%，并把交期提前两周。",
    supersededBy: v2.id,
    validIn: 10,
  });
  // D003: proposed, waiting for the dealer.
  const p1 = prods[L1]!;
  const p3 = prods[L3]!;
  await writeQuote(
    dProposed!,
    1,
    "proposed",
    [
      { product: p1[0]!, qty: 12, pct: 6 },
      { product: p3[0]!, qty: 3, pct: 4 },
    ],
    { validIn: 14 },
  );
  // D001 hotel: discount above the limit, waiting for an administrator.
  const pending = await writeQuote(dPending!, 1, "pending_approval", [{ product: p3[0]!, qty: 8, pct: 19 }], { validIn: 21 });

  // D001 metro: won — the accepted quote was booked and the order approved.
  const orderLines = [{ product: p1[0]!, qty: 20, pct: 8 }, ...(p1[1] ? [{ product: p1[1], qty: 6, pct: 5 }] : [])];
  const wonQuote = await writeQuote(dWon!, 1, "converted", orderLines, { acceptedBy: d1Sales, validIn: 5 });
  const existing = await db
    .selectFrom("orders")
    .select(["id"])
    .where("dealer_id", "=", dealer("D001"))
    .where("deal_id", "is", null)
    .where("status", "in", ["approved", "partially_shipped", "shipped", "delivered"])
    .orderBy("created_at")
    .limit(1)
    .executeTakeFirst();
  let orderId: number;
  if (existing) {
    // Orders are seeded by the orders step: link one of D001's approved orders to the deal.
    orderId = existing.id;
    await db.updateTable("orders").set({ deal_id: dWon!, quote_id: wonQuote.id }).where("id", "=", orderId).execute();
  } else {
    const o = await db
      .insertInto("orders")
      .values({
        number: null,
        dealer_id: dealer("D001"),
        status: "approved",
        currency: "CNY",
        total_minor: wonQuote.total,
        line_count: wonQuote.lines.length,
        deal_id: dWon!,
        quote_id: wonQuote.id,
        created_by: d1Sales,
        submitted_at: ago(8),
        approved_at: ago(7),
        created_at: ago(9),
      })
      .executeTakeFirstOrThrow();
    orderId = Number(o.insertId);
    const quoteLines = await db.selectFrom("quote_lines").selectAll().where("quote_id", "=", wonQuote.id).orderBy("line_no").execute();
    for (const l of quoteLines) {
      const p = await db.selectFrom("products").select("sku").where("id", "=", l.product_id).executeTakeFirstOrThrow();
      await db
        .insertInto("order_lines")
        .values({
          order_id: orderId,
          line_no: l.line_no,
          product_id: l.product_id,
          sku: p.sku,
          quantity: l.quantity,
          unit_price_minor: l.unit_price_minor,
          line_total_minor: l.line_total_minor,
          quote_line_id: l.id,
        })
        .execute();
    }
    // Written outside the order commands: its derived figures through the orders' own functions (db:check compares them).
    const figures = await import("../../app/modules/orders/orders.derived.server");
    const { toBusinessDate } = await import("../../app/utils/time");
    await figures.recomputeOrderKpis(db, [orderId]);
    await figures.moveOrderCount(db, dealer("D001"), null, { status: "approved", numbered: false });
    await figures.addMonthlyFigures(db, dealer("D001"), toBusinessDate(ago(8), tz).slice(0, 7), { orderedMinor: wonQuote.total });
    await figures.syncOrderKpis(db, orderId);
  }
  await db.updateTable("quotes").set({ converted_order_id: orderId }).where("id", "=", wonQuote.id).execute();
  await db.updateTable("deals").set({ won_order_id: orderId }).where("id", "=", dWon!).execute();

  // The protection watch: D001 quoting the hotel where D002 holds a protected registration.
  await db
    .insertInto("deal_flags")
    .values({ deal_id: dHotelD002!, flagged_dealer_id: dealer("D001"), ref_type: "quote", ref_id: String(pending.id), created_at: ago(1) })
    .execute();

  // A lead for D001: the metro operator's heat pumps are held by D002, so the account manager
  // passes the chillers (not yet held by anyone) to D001.
  const lead = await db
    .insertInto("leads")
    .values({
      key_account_id: ka1.id,
      dealer_id: dealer("D001"),
      account_manager_id: ka1.owner_id,
      product_line_code: L2,
      estimated_value_minor: 1_800_000_00,
      note: "申城地铁计划明年更换 3 座主变电站冷机，客户点名希望贵司跟进。",
      status: "offered",
      created_at: ago(1),
    })
    .executeTakeFirstOrThrow();
  await db
    .insertInto("domain_events")
    .values({
      type: "lead.offered",
      dealer_id: dealer("D001"),
      account_manager_id: ka1.owner_id,
      actor_user_id: ka1.owner_id,
      entity_type: "lead",
      entity_id: String(lead.insertId),
      payload: JSON.stringify({ keyAccountName: ka1.name }),
    })
    .execute();
}

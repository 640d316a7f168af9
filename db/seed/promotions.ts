/**
 * Demo promotions (促销, issue #24 item 3): a running 10% price off for the east and north regions, a 3%
 * rebate on purchases for platinum and gold dealers, and a 2% sell-out rebate for the first dealer. The
 * first dealer placed two orders last month with them (shipped last month), the second one this month;
 * last month's purchase rebate of the first dealer is posted today (on the fees page and the next
 * statement). Runs after the orders step and before the ledger step, which issues last month's statement.
 */
import type { Kysely } from "kysely";
import type { Tx } from "../client";
import type { DB } from "../types";
import type { FoundationIds } from "./foundation";
import type { Actor } from "../../app/modules/auth/actor";
import { approveOrderTx, recordShipmentTx, submitOrderTx } from "../../app/modules/orders/orders.server";
import { runPromotionRebatesIn } from "../../app/modules/promotions/rebates.server";
import { applyMovement } from "../../app/modules/stock/movements.server";
import { previousPeriod, periodBounds, periodOf } from "../../app/modules/ledger/period";
import { addDays, startOfBusinessDate, toBusinessDate, todayIn } from "../../app/utils/time";

const TZ = process.env.BUSINESS_TZ || "Asia/Shanghai";
const HOUR = 3_600_000;

export async function seedPromotions(db: Kysely<DB>, ids: FoundationIds): Promise<void> {
  const tx = db as unknown as Tx;
  const products = await db
    .selectFrom("products")
    .select(["id", "sku"])
    .where("status", "=", "active")
    .where("made_to_order", "=", 0)
    .where("options_schema", "is", null)
    .where("currency", "=", "CNY")
    .orderBy("sku")
    .limit(12)
    .execute();
  const d1 = ids.dealerIds.D001;
  const d2 = ids.dealerIds.D002;
  const warehouse = await db.selectFrom("warehouses").select("id").where("status", "=", "active").orderBy("code").executeTakeFirst();
  if (products.length < 12 || !d1 || !d2 || !warehouse) return;
  const today = todayIn(TZ);
  const lastMonth = previousPeriod(periodOf(today));
  const { start } = periodBounds(lastMonth);
  const users = await db.selectFrom("users").select(["id", "email", "name", "role", "organisation_id"]).execute();
  const actorOf = (email: string): Actor => {
    const u = users.find((x) => x.email === email)!;
    return {
      kind: "user",
      userId: u.id,
      role: u.role as Actor["role"],
      organisationId: u.organisation_id,
      dealerId: u.role.startsWith("dealer_") ? u.organisation_id : null,
      name: u.name,
      email: u.email,
      locale: "zh-CN",
      ip: null,
    };
  };
  const admin = actorOf("admin@demo.local");
  const ops = actorOf("ops@demo.local");

  const promos = [
    {
      code: "WINTER-10",
      name_en: "Winter price off 10%",
      name_zh: "冬季直降 10%",
      description_en: "10% off the dealer price of these models for dealers in the east and north regions.",
      description_zh: "华东、华北区域经销商订购以下型号，经销价直降 10%。",
      mechanism: "price_off",
      discount_kind: "percent",
      discount_bp: 1000,
      ends_on: addDays(today, 60),
      products: products.slice(0, 4),
      targets: [
        { kind: "region", value: "east" },
        { kind: "region", value: "north" },
      ],
    },
    {
      code: "VOLUME-3",
      name_en: "3% rebate on purchases",
      name_zh: "进货返利 3%",
      description_en: "3% of the shipped value of these models, credited at month end.",
      description_zh: "以下型号按当月发货金额的 3% 于月末返利。",
      mechanism: "rebate",
      rebate_bp: 300,
      rebate_basis: "purchases",
      ends_on: addDays(today, 30),
      products: products.slice(4, 8),
      targets: [
        { kind: "tier", value: "platinum" },
        { kind: "tier", value: "gold" },
      ],
    },
    {
      code: "SELLOUT-2",
      name_en: "2% sell-out rebate",
      name_zh: "销量返利 2%",
      description_en: "2% of the reported sell-out revenue of these models.",
      description_zh: "以下型号按上报销售额的 2% 返利。",
      mechanism: "rebate",
      rebate_bp: 200,
      rebate_basis: "sellout",
      ends_on: addDays(today, 90),
      products: products.slice(8, 12),
      targets: [{ kind: "dealer", value: String(d1) }],
    },
  ];
  for (const p of promos) {
    const res = await db
      .insertInto("promotions")
      .values({
        code: p.code,
        name_en: p.name_en,
        name_zh: p.name_zh,
        description_en: p.description_en,
        description_zh: p.description_zh,
        mechanism: p.mechanism,
        discount_kind: p.discount_kind ?? null,
        discount_bp: p.discount_bp ?? null,
        rebate_bp: p.rebate_bp ?? null,
        rebate_basis: p.rebate_basis ?? null,
        starts_on: start,
        ends_on: p.ends_on,
        status: "active",
        created_by: admin.userId,
      })
      .executeTakeFirstOrThrow();
    const id = Number(res.insertId);
    await db
      .insertInto("promotion_products")
      .values(p.products.map((x) => ({ promotion_id: id, product_id: x.id })))
      .execute();
    await db
      .insertInto("promotion_targets")
      .values(p.targets.map((t) => ({ promotion_id: id, ...t })))
      .execute();
  }

  const address = async (dealerId: number) =>
    (await db.selectFrom("dealer_addresses").select("id").where("dealer_id", "=", dealerId).where("is_default", "=", 1).executeTakeFirstOrThrow()).id;
  const version = async (id: number) => (await db.selectFrom("orders").select("version").where("id", "=", id).executeTakeFirstOrThrow()).version;
  let seq = 0;
  /** An order of the promoted products placed at `t0`, approved and (when `ship`) shipped a day later. */
  async function order(email: string, dealerId: number, t0: Date, lines: { productId: number; quantity: number }[], ship: boolean) {
    for (const l of lines)
      await applyMovement(tx, ops, {
        productId: l.productId,
        warehouseId: warehouse!.id,
        kind: "receipt",
        onHandDelta: l.quantity,
        reason: "促销备货 promotion stock",
        refType: "seed",
        refId: "promotions",
      });
    const sub = await submitOrderTx(
      tx,
      actorOf(email),
      {
        orderId: null,
        submitKey: `seed-promo-${++seq}`,
        form: {
          addressId: await address(dealerId),
          requestedDate: addDays(toBusinessDate(t0, TZ), 14),
          poReference: `PO-PROMO-${String(seq).padStart(3, "0")}`,
          notes: null,
          lines: lines.map((l) => ({ lineId: null, productId: l.productId, quantity: l.quantity, specNotes: null, options: {} })),
        },
      },
      t0,
    );
    if (sub.status !== "submitted") return;
    const tApprove = new Date(t0.getTime() + 3 * HOUR);
    await approveOrderTx(tx, ops, sub.id, { version: await version(sub.id) }, tApprove);
    if (!ship) return;
    const tShip = new Date(t0.getTime() + 26 * HOUR);
    const olines = await db.selectFrom("order_lines").select(["id", "quantity"]).where("order_id", "=", sub.id).execute();
    await recordShipmentTx(
      tx,
      ops,
      sub.id,
      {
        version: await version(sub.id),
        warehouseId: warehouse!.id,
        carrier: "顺丰速运 SF Express",
        trackingNumber: `SF${9000000000 + seq}`,
        shippedOn: toBusinessDate(tShip, TZ),
        lines: olines.map((l) => ({ lineId: l.id, quantity: l.quantity })),
      },
      tShip,
    );
  }
  const at = (date: string, hour: number) => new Date(startOfBusinessDate(date, TZ).getTime() + hour * HOUR);
  // D001 (east, platinum): the price off and the purchase rebate, last month, shipped last month.
  await order(
    "dealer_sales@demo.local",
    d1,
    at(addDays(start, 4), 10),
    [
      { productId: products[0]!.id, quantity: 6 },
      { productId: products[4]!.id, quantity: 10 },
    ],
    true,
  );
  await order(
    "dealer_sales@demo.local",
    d1,
    at(addDays(start, 12), 15),
    [
      { productId: products[1]!.id, quantity: 4 },
      { productId: products[5]!.id, quantity: 8 },
    ],
    true,
  );
  // D002 (north, gold): this month, approved and not yet shipped.
  await order("dealer_sales@dealer2.demo.local", d2, new Date(Date.now() - 2 * 24 * HOUR), [{ productId: products[2]!.id, quantity: 5 }], false);
  // Last month's rebates, posted today: the first dealer's purchase rebate under VOLUME-3.
  await runPromotionRebatesIn(tx, { ...admin, kind: "system", userId: null, name: "seed" }, { period: lastMonth, postOn: today });
}

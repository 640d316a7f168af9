/**
 * Demo orders: every status for several dealers, with partial shipments,
 * backorders and made-to-order lines, spread over the last three months.
 * Everything goes through the order domain functions (in the seed's
 * transaction), so stock stays equal to its movements and shipments post
 * their invoices to the ledger. Runs after the catalog step; with no products
 * or warehouses it does nothing.
 */
import { sql, type Kysely } from "kysely";
import type { Tx } from "../client";
import type { DB } from "../types";
import type { FoundationIds } from "./foundation";
import { rng, type Rng } from "./random";
import type { Actor } from "../../app/modules/auth/actor";
import { parseOptionsSchema, type OptionsSchema } from "../../app/modules/catalog/options.server";
import { applyMovement } from "../../app/modules/stock/movements.server";
import {
  approveOrderTx,
  cancelOrderTx,
  changePromiseDateTx,
  confirmDeliveryTx,
  createDraftTx,
  recordShipmentTx,
  rejectOrderTx,
  releaseCreditHoldTx,
  sendBackOrderTx,
  submitOrderTx,
} from "../../app/modules/orders/orders.server";
import type { DraftForm } from "../../app/modules/orders/orders.schema.server";
import type { OrderStatus } from "../../app/modules/orders/state";
import { creditPosition } from "../../app/modules/ledger/credit.server";
import { orderableProductsByIds } from "../../app/modules/catalog/pricing.server";
import { addDays, toBusinessDate } from "../../app/utils/time";

const TZ = process.env.BUSINESS_TZ || "Asia/Shanghai";
const day = (at: Date) => toBusinessDate(at, TZ);
const HOUR = 3_600_000;

type Product = { id: number; price: number; madeToOrder: boolean; schema: OptionsSchema | null };

/** Valid custom options for a schema (deterministic). */
function optionsFor(schema: OptionsSchema | null, r: Rng): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of schema?.options ?? []) {
    if (o.type === "choice") out[o.key] = r.pick(o.choices).value;
    else if (o.type === "number") {
      const steps = Math.floor((o.max - o.min) / o.step);
      out[o.key] = String(o.min + o.step * r.int(0, Math.max(0, steps)));
    } else if (o.required || r.chance(0.5)) out[o.key] = "HC-2026".slice(0, o.maxLength);
  }
  return out;
}

function quantityFor(p: Product, r: Rng, max = 12): number {
  const mult = p.schema?.quantityMultiple ?? 1;
  const min = p.schema?.minQuantity ?? 1;
  const base = Math.max(min, r.int(1, max));
  return Math.ceil(base / mult) * mult;
}

export async function seedOrders(db: Kysely<DB>, ids: FoundationIds): Promise<void> {
  const tx = db as unknown as Tx;
  const r = rng(4404);
  const products = (
    await db
      .selectFrom("products")
      .select(["id", "list_price_minor", "made_to_order", "options_schema"])
      .where("status", "=", "active")
      .where("currency", "=", "CNY")
      .orderBy("sku")
      .execute()
  ).map((p) => ({ id: p.id, price: p.list_price_minor, madeToOrder: Boolean(p.made_to_order), schema: parseOptionsSchema(p.options_schema) }));
  const warehouses = await db.selectFrom("warehouses").select(["id", "region"]).where("status", "=", "active").orderBy("code").execute();
  const stockItems = products.filter((p) => !p.madeToOrder);
  const customItems = products.filter((p) => p.madeToOrder);
  if (!stockItems.length || !warehouses.length) return;

  const users = await db.selectFrom("users").select(["id", "email", "name", "role", "organisation_id"]).execute();
  const byEmail = new Map(users.map((u) => [u.email, u]));
  const actorOf = (email: string): Actor | null => {
    const u = byEmail.get(email);
    if (!u) return null;
    const dealer = u.role.startsWith("dealer_");
    return {
      kind: "user",
      userId: u.id,
      role: u.role as Actor["role"],
      organisationId: u.organisation_id,
      dealerId: dealer ? u.organisation_id : null,
      name: u.name,
      email: u.email,
      locale: "zh-CN",
      ip: null,
    };
  };
  const ops = actorOf("ops@demo.local")!;
  const finance = actorOf("finance@demo.local")!;
  const salesEmail: Record<string, string> = { D001: "dealer_sales@demo.local", D002: "dealer_sales@dealer2.demo.local" };
  const dealerActor = (code: string) => actorOf(salesEmail[code] ?? `sales@${code.toLowerCase()}.demo.local`);

  // Delivery addresses (two per dealer, the first the default).
  const cities: Record<string, [string, string, string]> = {
    east: ["上海市", "上海市", "浦东新区张江路 88 号"],
    north: ["北京市", "北京市", "朝阳区望京街 10 号"],
    south: ["广东省", "广州市", "天河区黄埔大道 200 号"],
    central: ["河南省", "郑州市", "金水区花园路 16 号"],
    west: ["四川省", "成都市", "高新区天府大道 1200 号"],
    northeast: ["辽宁省", "沈阳市", "和平区南京北街 66 号"],
  };
  const addressOf: Record<number, number> = {};
  const dealers = await db.selectFrom("organisations").select(["id", "code", "region"]).where("kind", "=", "dealer").orderBy("code").execute();
  for (const d of dealers) {
    const [province, city, line1] = cities[d.region] ?? cities.east!;
    const res = await db
      .insertInto("dealer_addresses")
      .values({
        dealer_id: d.id,
        label: "总仓 Main warehouse",
        recipient: "仓库收货组",
        phone: "400-820-0000",
        province,
        city,
        line1,
        postcode: "200000",
        is_default: 1,
      })
      .executeTakeFirstOrThrow();
    addressOf[d.id] = Number(res.insertId);
    await db
      .insertInto("dealer_addresses")
      .values({
        dealer_id: d.id,
        label: "门店 Showroom",
        recipient: "门店经理",
        phone: "400-820-0001",
        province,
        city,
        line1: `${line1} 一层`,
        postcode: "200001",
        is_default: 0,
      })
      .execute();
  }

  const nowMs = Date.now();
  /** The database's clock, which stamps the domain events (CURRENT_TIMESTAMP(3)). */
  const databaseNow = async () => (await sql<{ t: Date }>`SELECT NOW(3) AS t`.execute(db)).rows[0]!.t;
  /**
   * Runs one step "at" a past moment (history, shipments and ledger dates take
   * it from the domain functions); the domain events it wrote get that time too,
   * so digests and dashboards see a realistic past. The audit log keeps the
   * real time of seeding. The step's events are those the database stamped while
   * it ran (the steps run one after another; every earlier step's events already
   * carry their moment, a whole number of hours from the seed's start, some of them
   * ahead of it, none inside this step's run): no order is read from ids (decision 112).
   */
  const at = async <T>(when: Date, fn: () => Promise<T>): Promise<T> => {
    const since = await databaseNow();
    const out = await fn();
    const until = await databaseNow();
    await db.updateTable("domain_events").set({ occurred_at: when }).where("occurred_at", ">=", since).where("occurred_at", "<=", until).execute();
    return out;
  };
  const receive = (productId: number, warehouseId: number, qty: number, reason: string) =>
    applyMovement(tx, ops, { productId, warehouseId, kind: "receipt", onHandDelta: qty, reason, refType: "seed", refId: "orders" });
  const version = async (id: number) => (await db.selectFrom("orders").select("version").where("id", "=", id).executeTakeFirstOrThrow()).version;

  let seq = 0;
  async function place(code: string, target: OrderStatus, daysAgo: number, opts: { custom?: boolean; lines?: number; backorder?: boolean } = {}) {
    const actor = dealerActor(code);
    const dealerId = ids.dealerIds[code];
    if (!actor || !dealerId) return;
    const t0 = new Date(nowMs - daysAgo * 24 * HOUR - r.int(1, 8) * HOUR);
    let backorderQty = 0;
    // A partial shipment needs a line left to ship.
    const lineCount = Math.max(opts.lines ?? r.int(1, 4), target === "partially_shipped" ? 2 : 1);
    const chosen: Product[] = [];
    for (let i = 0; i < lineCount; i++) chosen.push(r.pick(stockItems));
    if (opts.custom && customItems.length) chosen.push(r.pick(customItems));
    if (opts.backorder) {
      // More than is free of the scarcest product: the rest is backordered at approval.
      const free = await db
        .selectFrom("stock_levels")
        .select(["product_id", sql<string>`SUM(on_hand - reserved)`.as("free")])
        .where(
          "product_id",
          "in",
          stockItems.map((p) => p.id),
        )
        .groupBy("product_id")
        .orderBy(sql`SUM(on_hand - reserved)`)
        .executeTakeFirst();
      const p = stockItems.find((x) => x.id === free?.product_id) ?? stockItems[0]!;
      chosen.splice(0, 1, { ...p, schema: null });
      backorderQty = Number(free?.free ?? 0) + r.int(3, 8);
    }
    const lines = chosen.map((p, i) => ({
      lineId: null,
      productId: p.id,
      quantity: i === 0 && backorderQty ? backorderQty : quantityFor(p, r),
      specNotes: p.madeToOrder ? "按图纸 DWG-2026 施工，外壳颜色与样板一致" : null,
      options: p.madeToOrder ? optionsFor(p.schema, r) : {},
    }));
    const form: DraftForm = {
      addressId: addressOf[dealerId]!,
      requestedDate: addDays(day(t0), r.int(10, 30)),
      poReference: `PO-${code}-${String(++seq).padStart(4, "0")}`,
      notes: null,
      lines,
    };
    if (target === "draft") {
      await at(t0, () => createDraftTx(tx, actor, { ...form, lines: lines.map((l) => ({ ...l, specNotes: l.specNotes })) }, t0));
      return;
    }
    if (target === "credit_hold") {
      // Make this order larger than what the dealer has left.
      const credit = await creditPosition(db, dealerId);
      const p = stockItems.reduce((a, b) => (b.price > a.price ? b : a));
      lines.splice(0, lines.length, { lineId: null, productId: p.id, quantity: quantityFor(p, r), specNotes: null, options: {} });
      const price = (await orderableProductsByIds(db, dealerId, [p.id])).get(p.id)?.priceMinor ?? p.price;
      const needed = Math.ceil((credit.availableMinor + 1) / Math.max(1, price));
      lines[0]!.quantity = Math.max(lines[0]!.quantity, Math.ceil(needed / (p.schema?.quantityMultiple ?? 1)) * (p.schema?.quantityMultiple ?? 1));
    }
    const sub = await at(t0, () => submitOrderTx(tx, actor, { orderId: null, submitKey: `seed-${seq}`, form }, t0));
    const id = sub.id;
    if (target === "credit_hold" || target === "submitted") return;
    if (sub.status === "credit_hold") {
      const t = new Date(t0.getTime() + 3 * HOUR);
      await at(t, async () => releaseCreditHoldTx(tx, finance, id, { version: await version(id), note: "已电汇付款，放行 / Paid by wire, released" }, t));
    }
    const tReview = new Date(t0.getTime() + r.int(2, 20) * HOUR);
    if (target === "rejected") {
      await at(tReview, async () =>
        rejectOrderTx(tx, ops, id, { version: await version(id), note: "该型号已停产替换，请改订新款 / Model replaced, please order the successor" }, tReview),
      );
      return;
    }
    if (target === "cancelled") {
      await at(tReview, async () => cancelOrderTx(tx, actor, id, { version: await version(id), note: "客户项目延期" }, tReview));
      return;
    }
    // Shipped orders: make sure the goods exist (replenishment received before approval).
    const full = target === "shipped" || target === "delivered";
    const wh = warehouses[0]!;
    if (full)
      for (const l of lines)
        if (!chosen.find((p) => p.id === l.productId)?.madeToOrder) await receive(l.productId, wh.id, l.quantity, "补货入库 replenishment");
    await at(tReview, async () => approveOrderTx(tx, ops, id, { version: await version(id) }, tReview));
    if (target === "approved") {
      if (r.chance(0.5)) {
        const t = new Date(tReview.getTime() + 26 * HOUR);
        if (t.getTime() < nowMs) {
          const o = await db.selectFrom("orders").select(["promised_date"]).where("id", "=", id).executeTakeFirstOrThrow();
          if (o.promised_date && o.promised_date >= day(t))
            await at(t, async () =>
              changePromiseDateTx(
                tx,
                ops,
                id,
                { version: await version(id), lineId: null, newDate: addDays(o.promised_date!, 5), reason: "工厂排产调整 / Production rescheduled" },
                t,
              ),
            );
        }
      }
      return;
    }
    // Ship: one shipment per warehouse holding reservations, then the rest from stock made or received.
    const olines = await db
      .selectFrom("order_lines")
      .select(["id", "product_id", "quantity", "shipped_qty", "made_to_order"])
      .where("order_id", "=", id)
      .orderBy("line_no")
      .execute();
    const resv = await db
      .selectFrom("order_line_reservations as r")
      .innerJoin("order_lines as l", "l.id", "r.order_line_id")
      .select(["r.order_line_id", "r.warehouse_id", "r.quantity"])
      .where("l.order_id", "=", id)
      .where("r.quantity", ">", 0)
      .execute();
    let tShip = new Date(tReview.getTime() + r.int(24, 96) * HOUR);
    const carriers = ["顺丰速运 SF Express", "德邦物流 Deppon", "京东物流 JD Logistics"];
    const shipIds: number[] = [];
    const byWh = new Map<number, { lineId: number; quantity: number }[]>();
    for (const x of resv)
      (byWh.get(x.warehouse_id) ?? byWh.set(x.warehouse_id, []).get(x.warehouse_id)!).push({ lineId: x.order_line_id, quantity: x.quantity });
    const groups = [...byWh.entries()];
    if (target === "partially_shipped") {
      // Ship only part: the first warehouse's first line (or half a custom line made so far).
      const first = groups[0];
      if (first) groups.splice(0, groups.length, [first[0], [first[1][0]!]]);
      else {
        const c = olines.find((l) => l.made_to_order) ?? olines[0]!;
        await receive(c.product_id, wh.id, 1, "生产完工入库 production completed");
        groups.splice(0, groups.length, [wh.id, [{ lineId: c.id, quantity: 1 }]]);
      }
    }
    for (const [warehouseId, ls] of groups) {
      if (tShip.getTime() > nowMs) tShip = new Date(nowMs - HOUR);
      const when = tShip;
      const s = await at(when, async () =>
        recordShipmentTx(
          tx,
          ops,
          id,
          {
            version: await version(id),
            warehouseId,
            carrier: r.pick(carriers),
            trackingNumber: `SF${1000000000 + r.int(0, 899999999)}`,
            shippedOn: day(when),
            lines: ls,
          },
          when,
        ),
      );
      shipIds.push(s.shipmentId);
      tShip = new Date(tShip.getTime() + r.int(12, 48) * HOUR);
    }
    if (full) {
      const left = await db
        .selectFrom("order_lines")
        .select(["id", "product_id", "quantity", "shipped_qty", "made_to_order"])
        .where("order_id", "=", id)
        .execute();
      const rest = left.filter((l) => l.shipped_qty < l.quantity);
      if (rest.length) {
        for (const l of rest)
          await receive(l.product_id, wh.id, l.quantity - l.shipped_qty, l.made_to_order ? "生产完工入库 production completed" : "补货入库 replenishment");
        if (tShip.getTime() > nowMs) tShip = new Date(nowMs - HOUR);
        const when = tShip;
        const s = await at(when, async () =>
          recordShipmentTx(
            tx,
            ops,
            id,
            {
              version: await version(id),
              warehouseId: wh.id,
              carrier: r.pick(carriers),
              trackingNumber: `DP${1000000000 + r.int(0, 899999999)}`,
              shippedOn: day(when),
              lines: rest.map((l) => ({ lineId: l.id, quantity: l.quantity - l.shipped_qty })),
            },
            when,
          ),
        );
        shipIds.push(s.shipmentId);
      }
    }
    if (target === "delivered") {
      for (const sid of shipIds) {
        const when = new Date(Math.min(nowMs - HOUR / 2, tShip.getTime() + r.int(24, 72) * HOUR));
        await at(when, async () => confirmDeliveryTx(tx, actor, id, { version: await version(id), shipmentId: sid }, when));
      }
    }
  }

  async function sentBack(code: string, daysAgo: number) {
    const actor = dealerActor(code);
    const dealerId = ids.dealerIds[code];
    if (!actor || !dealerId) return;
    const t0 = new Date(nowMs - daysAgo * 24 * HOUR);
    const p = r.pick(stockItems);
    const form: DraftForm = {
      addressId: addressOf[dealerId]!,
      requestedDate: addDays(day(t0), 20),
      poReference: `PO-${code}-${String(++seq).padStart(4, "0")}`,
      notes: null,
      lines: [{ lineId: null, productId: p.id, quantity: quantityFor(p, r), specNotes: null, options: {} }],
    };
    const sub = await at(t0, () => submitOrderTx(tx, actor, { orderId: null, submitKey: `seed-${seq}`, form }, t0));
    if (sub.status !== "submitted") return;
    const t = new Date(t0.getTime() + 5 * HOUR);
    await at(t, async () =>
      sendBackOrderTx(
        tx,
        ops,
        sub.id,
        { version: await version(sub.id), note: "请补充项目名称与收货联系人 / Please add the project name and site contact" },
        t,
      ),
    );
  }

  // D001 (the demo dealer) gets every status; other dealers a realistic mix.
  const plan: [string, OrderStatus, number, { custom?: boolean; lines?: number; backorder?: boolean }?][] = [
    ["D001", "delivered", 85, { custom: true }],
    ["D001", "delivered", 70],
    ["D001", "shipped", 40, { custom: true }],
    ["D001", "partially_shipped", 25, { lines: 3 }],
    ["D001", "approved", 12, { custom: true, backorder: true }],
    ["D001", "approved", 6, { lines: 2 }],
    ["D001", "submitted", 2, { custom: true }],
    ["D001", "submitted", 1],
    ["D001", "rejected", 50],
    ["D001", "cancelled", 33],
    ["D001", "draft", 0, { custom: true }],
    ["D002", "delivered", 80],
    ["D002", "shipped", 30, { custom: true }],
    ["D002", "partially_shipped", 15],
    ["D002", "approved", 8],
    ["D002", "submitted", 1, { custom: true }],
    ["D002", "draft", 0],
    ["D003", "delivered", 60, { custom: true }],
    ["D003", "approved", 10, { backorder: true }],
    ["D003", "submitted", 3],
    ["D004", "delivered", 75],
    ["D004", "shipped", 20],
    ["D004", "cancelled", 45],
    ["D005", "delivered", 65],
    ["D005", "credit_hold", 2],
    ["D006", "partially_shipped", 18, { custom: true }],
    ["D006", "submitted", 4],
    ["D007", "delivered", 55],
    ["D007", "rejected", 22],
  ];
  for (const [code, status, daysAgo, opts] of plan) await place(code, status, daysAgo, opts);
  await sentBack("D001", 9);
  await sentBack("D003", 5);
  await place("D001", "credit_hold", 1);
}

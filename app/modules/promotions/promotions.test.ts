import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor } from "../../../tests/factories";
import { orderRow, orderWorld, submitNew, today, type World } from "../../../tests/factories/orders";
import { reportLine, selloutWorld } from "../../../tests/factories/sellout";
import { clockForEachTest, setClock } from "../../../tests/helpers/clock";
import { approveOrder, recordShipment } from "~/modules/orders/orders.server";
import { findOrderInvariantViolations } from "~/modules/orders/invariants.server";
import { findReversalViolations } from "~/modules/ledger/post.server";
import { feesReport } from "~/modules/ledger/ledger.server";
import { ConflictError, ForbiddenError, NotFoundError } from "~/utils/errors";
import { openServiceCase } from "../../../tests/factories/service";
import { AuthoriseRmaSchema } from "~/modules/service/service.schema.server";
import { authoriseRma, receiveRma } from "~/modules/service/rma.server";
import { PromotionSchema } from "./promotions.schema.server";
import { createPromotion, listPromotions, promotionPage, runningForDealer, updatePromotion } from "./promotions.server";
import { findPromotionRebateViolations, rebateOf, reverseRebate, runPromotionRebates } from "./rebates.server";
import type { TestUser } from "../../../tests/factories";

// Tuesday 10 November 2026, 10:00 in Shanghai.
clockForEachTest("2026-11-10T02:00:00Z");
const db = () => getDb();

function form(over: Record<string, unknown> = {}) {
  return PromotionSchema.parse({
    code: "PROMO-X",
    nameEn: "Winter deal",
    nameZh: "冬季促销",
    mechanism: "price_off",
    discountKind: "percent",
    discountPercent: "10",
    startsOn: "2026-11-01",
    endsOn: "2026-11-30",
    status: "active",
    productSkus: "",
    ...over,
  });
}

async function promo(w: { staff: { admin: TestUser } }, over: Record<string, unknown>) {
  return createPromotion(actorFor(w.staff.admin), form(over));
}

async function linesOf(orderId: number) {
  return db()
    .selectFrom("order_lines")
    .select(["product_id", "quantity", "unit_price_minor", "line_total_minor", "promotion_id", "promotion_discount_minor"])
    .where("order_id", "=", orderId)
    .orderBy("line_no")
    .execute();
}

async function orderWidgets(w: World, qty: number, user = w.a.dealer_sales, addressId = w.addrA.id) {
  const r = await submitNew(user, addressId, [{ productId: w.widget.id, quantity: qty }]);
  return r.id;
}

describe("price off on order lines", () => {
  it("lowers the dealer's unit price, records the promotion and its discount on the line, and keeps the order's totals", async () => {
    const w = await orderWorld();
    const { id: promotionId } = await promo(w, { productSkus: await sku(w.widget.id) });
    const orderId = await orderWidgets(w, 3);
    // Dealer A is gold: 90.00 a unit; 10% off → 81.00.
    expect(await linesOf(orderId)).toEqual([
      { product_id: w.widget.id, quantity: 3, unit_price_minor: 81_00, line_total_minor: 243_00, promotion_id: promotionId, promotion_discount_minor: 9_00 },
    ]);
    expect((await orderRow(orderId)).total_minor).toBe(243_00);
    expect(await findOrderInvariantViolations(db())).toEqual([]);
  });

  it("takes the largest discount among the promotions that apply; a fixed amount is per unit and never above the price", async () => {
    const w = await orderWorld();
    const s = await sku(w.widget.id);
    await promo(w, { code: "TEN-PCT", productSkus: s });
    const { id: fixed } = await promo(w, { code: "FIFTEEN", productSkus: s, discountKind: "amount", discountAmount: "15.00" });
    const orderId = await orderWidgets(w, 2);
    expect(await linesOf(orderId)).toMatchObject([{ unit_price_minor: 75_00, promotion_id: fixed, promotion_discount_minor: 15_00 }]);
  });

  it("a rebate promotion leaves the price alone and is recorded on the line", async () => {
    const w = await orderWorld();
    const { id } = await promo(w, { code: "REB-3", mechanism: "rebate", rebatePercent: "3", rebateBasis: "purchases", productSkus: await sku(w.widget.id) });
    const orderId = await orderWidgets(w, 1);
    expect(await linesOf(orderId)).toMatchObject([{ unit_price_minor: 90_00, promotion_id: id, promotion_discount_minor: 0 }]);
  });
});

describe("targeting and validity", () => {
  it("respects regions, tiers, named dealers, the dates and the status", async () => {
    const w = await orderWorld();
    const s = await sku(w.widget.id);
    // Dealer A: east, gold. Dealer B: north, silver (no tier price: list 100.00).
    await db().updateTable("organisations").set({ region: "north", tier: "silver" }).where("id", "=", w.dealerB.id).execute();
    const { id: north } = await promo(w, { code: "NORTH", productSkus: s, regions: ["north"] });
    const forA = async () => (await linesOf(await orderWidgets(w, 1)))[0]!.promotion_id;
    const forB = async () => (await linesOf(await orderWidgets(w, 1, w.b.dealer_sales, w.addrB.id)))[0]!.promotion_id;
    expect(await forA()).toBeNull();
    expect(await forB()).toBe(north);
    // A tier target narrows a region target: north and gold matches nobody.
    await updatePromotion(actorFor(w.staff.admin), north, form({ code: "NORTH", productSkus: s, regions: ["north"], tiers: ["gold"] }));
    expect(await forB()).toBeNull();
    // A named dealer is targeted whatever its region and tier.
    const dealerACode = (await db().selectFrom("organisations").select("code").where("id", "=", w.dealerA.id).executeTakeFirstOrThrow()).code;
    await updatePromotion(
      actorFor(w.staff.admin),
      north,
      form({ code: "NORTH", productSkus: s, regions: ["north"], tiers: ["gold"], dealerCodes: dealerACode }),
    );
    expect(await forA()).toBe(north);
    // Outside its dates, or as a draft, it applies to nobody.
    setClock("2026-12-01T02:00:00Z");
    expect(await forA()).toBeNull();
    setClock("2026-11-10T02:00:00Z");
    await db().updateTable("promotions").set({ status: "draft" }).where("id", "=", north).execute();
    expect(await forA()).toBeNull();
  });
});

describe("month-end rebates", () => {
  it("purchases: rate × shipped value of the month's lines carrying it, posted once as a credit; a reversal posts the opposite", async () => {
    const w = await orderWorld();
    const { id } = await promo(w, {
      code: "REB-333",
      mechanism: "rebate",
      rebatePercent: "3.33",
      rebateBasis: "purchases",
      productSkus: await sku(w.widget.id),
    });
    const orderId = await orderWidgets(w, 3);
    const ops = actorFor(w.staff.ops);
    await approveOrder(ops, orderId, { version: (await orderRow(orderId)).version });
    const line = await db().selectFrom("order_lines").select("id").where("order_id", "=", orderId).executeTakeFirstOrThrow();
    await recordShipment(ops, orderId, {
      version: (await orderRow(orderId)).version,
      warehouseId: w.east.id,
      carrier: "SF",
      trackingNumber: "SF1",
      shippedOn: today(),
      lines: [{ lineId: line.id, quantity: 3 }],
    });
    // An order of dealer B without the promotion's line would not count; dealer B orders nothing here.
    setClock("2026-12-01T19:00:00Z"); // 2 December, 03:00 in Shanghai
    const admin = actorFor(w.staff.admin);
    // 3 × 90.00 = 270.00 qualifying; 3.33% = 8.991 → 8.99 (half away from zero, once per dealer and month).
    expect(rebateOf(270_00, 333)).toBe(899);
    const first = await runPromotionRebates(admin, { period: "2026-11" });
    expect(first).toMatchObject({ posted: 1, alreadyPosted: 0, totalMinor: 899 });
    const second = await runPromotionRebates(admin, { period: "2026-11" });
    expect(second).toMatchObject({ posted: 0, alreadyPosted: 1 });
    const entries = await db()
      .selectFrom("ledger_entries")
      .select(["id", "entry_type", "amount_minor", "business_date", "fee_type_code", "reference"])
      .where("source_type", "=", "promotion_rebate")
      .execute();
    expect(entries).toEqual([
      {
        id: expect.any(Number),
        entry_type: "rebate",
        amount_minor: -899,
        business_date: "2026-12-02",
        fee_type_code: "promotion_rebate",
        reference: "REB-333",
      },
    ]);
    const rebate = await db().selectFrom("promotion_rebates").selectAll().executeTakeFirstOrThrow();
    expect(rebate).toMatchObject({ promotion_id: id, dealer_id: w.dealerA.id, period: "2026-11", qualifying_minor: 270_00, amount_minor: 899 });
    expect(await findPromotionRebateViolations(db())).toEqual([]);
    // Visible among the dealer's fees and rebates.
    const fees = await feesReport(actorFor(w.a.dealer_finance), { page: 1 });
    expect(fees.totals.rebate).toBe(-899);

    // Reversal: not by a dealer; by finance once, with the exact opposite entry.
    await expect(reverseRebate(actorFor(w.a.dealer_admin), rebate.id, { reason: "wrong rate" })).rejects.toThrow(ForbiddenError);
    const { reversalEntryId } = await reverseRebate(actorFor(w.staff.finance), rebate.id, { reason: "wrong rate" });
    await expect(reverseRebate(actorFor(w.staff.finance), rebate.id, { reason: "again" })).rejects.toThrow(ConflictError);
    const reversal = await db().selectFrom("ledger_entries").selectAll().where("id", "=", reversalEntryId).executeTakeFirstOrThrow();
    expect(reversal).toMatchObject({ amount_minor: 899, reverses_entry_id: rebate.ledger_entry_id, fee_type_code: "promotion_rebate" });
    expect(await findReversalViolations(db())).toEqual([]);
    expect(await findPromotionRebateViolations(db())).toEqual([]);
    // A run after the reversal posts nothing again for that month.
    expect(await runPromotionRebates(admin, { period: "2026-11" })).toMatchObject({ posted: 0, alreadyPosted: 1 });
    const audit = await db().selectFrom("audit_log").select("action").where("entity_type", "=", "promotion").orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["promotion.created", "promotion.rebate_posted", "promotion.rebate_reversed"]);
  });

  it("purchases net of returns: units credited through an RMA in the month reduce the rebate, never below zero", async () => {
    const w = await orderWorld();
    await promo(w, {
      code: "REB-NET",
      mechanism: "rebate",
      rebatePercent: "3",
      rebateBasis: "purchases",
      productSkus: await sku(w.widget.id),
      endsOn: "2026-12-31",
    });
    const orderId = await orderWidgets(w, 5);
    const ops = actorFor(w.staff.ops);
    await approveOrder(ops, orderId, { version: (await orderRow(orderId)).version });
    const line = await db().selectFrom("order_lines").select("id").where("order_id", "=", orderId).executeTakeFirstOrThrow();
    await recordShipment(ops, orderId, {
      version: (await orderRow(orderId)).version,
      warehouseId: w.east.id,
      carrier: "SF",
      trackingNumber: "SF2",
      shippedOn: today(),
      lines: [{ lineId: line.id, quantity: 5 }],
    });
    // Two units come back on 20 November (credited that day); one more is authorised but received only in December.
    const desk = actorFor(w.staff.service);
    const c = await openServiceCase(w.a.dealer_sales, { about: "order_line", orderLineId: line.id, caseType: "wrong_or_damaged" });
    const qty = (n: number) => AuthoriseRmaSchema.parse({ [`qty_${line.id}`]: String(n) });
    const two = await authoriseRma(desk, c.id, qty(2));
    const one = await authoriseRma(desk, c.id, qty(1));
    setClock("2026-11-20T02:00:00Z");
    await receiveRma(desk, c.id, two.id, w.east.id);

    setClock("2026-12-01T19:00:00Z"); // 2 December, 03:00 in Shanghai
    const admin = actorFor(w.staff.admin);
    // (5 − 2) × 90.00 = 270.00 net qualifying; 3% = 8.10. The authorised, not yet received unit does not count.
    expect(await runPromotionRebates(admin, { period: "2026-11" })).toMatchObject({ posted: 1, totalMinor: 8_10 });
    const rebate = await db().selectFrom("promotion_rebates").selectAll().executeTakeFirstOrThrow();
    expect(rebate).toMatchObject({ dealer_id: w.dealerA.id, period: "2026-11", qualifying_minor: 270_00, amount_minor: 8_10 });
    const lines = await db()
      .selectFrom("promotion_rebate_lines")
      .select(["source_type", "quantity", "amount_minor"])
      .where("rebate_id", "=", rebate.id)
      .orderBy("source_type", "desc")
      .execute();
    expect(lines).toEqual([
      { source_type: "shipment_line", quantity: 5, amount_minor: 450_00 },
      { source_type: "rma_line", quantity: -2, amount_minor: -180_00 },
    ]);
    expect(await findPromotionRebateViolations(db())).toEqual([]);

    // December: the last unit is credited and nothing ships — a net below zero posts nothing, not a charge.
    setClock("2026-12-03T02:00:00Z");
    await receiveRma(desk, c.id, one.id, w.east.id);
    setClock("2027-01-01T19:00:00Z");
    expect(await runPromotionRebates(admin, { period: "2026-12" })).toMatchObject({ posted: 0, nothingDue: 1, totalMinor: 0 });
    expect(await db().selectFrom("promotion_rebates").select("period").execute()).toEqual([{ period: "2026-11" }]);

    // db:check notices a return line that no longer matches its credited RMA line.
    await db().updateTable("promotion_rebate_lines").set({ quantity: -1 }).where("source_type", "=", "rma_line").execute();
    expect(await findPromotionRebateViolations(db())).toEqual([expect.objectContaining({ problem: "return line differs from its credited RMA line" })]);
  });

  it("purchases: a line ordered in the validity and shipped after the end still earns, in the month it ships", async () => {
    const w = await orderWorld();
    await promo(w, { code: "REB-LATE", mechanism: "rebate", rebatePercent: "3", rebateBasis: "purchases", productSkus: await sku(w.widget.id) });
    const orderId = await orderWidgets(w, 4); // ordered 10 November, inside 1–30 November
    const ops = actorFor(w.staff.ops);
    await approveOrder(ops, orderId, { version: (await orderRow(orderId)).version });
    const line = await db().selectFrom("order_lines").select("id").where("order_id", "=", orderId).executeTakeFirstOrThrow();
    setClock("2026-12-05T02:00:00Z");
    await recordShipment(ops, orderId, {
      version: (await orderRow(orderId)).version,
      warehouseId: w.east.id,
      carrier: "SF",
      trackingNumber: "SF3",
      shippedOn: "2026-12-05",
      lines: [{ lineId: line.id, quantity: 4 }],
    });
    setClock("2026-12-01T19:00:00Z");
    expect(await runPromotionRebates(actorFor(w.staff.admin), { period: "2026-11" })).toMatchObject({ posted: 0 });
    setClock("2027-01-01T19:00:00Z");
    // 4 × 90.00 = 360.00 shipped in December; 3% = 10.80.
    expect(await runPromotionRebates(actorFor(w.staff.admin), { period: "2026-12" })).toMatchObject({ promotions: 1, posted: 1, totalMinor: 10_80 });
    expect(await findPromotionRebateViolations(db())).toEqual([]);
  });

  it("sell-out: rate × the revenue the targeted dealer reported for its products in the month", async () => {
    setClock("2026-12-04T02:00:00Z");
    const w = await selloutWorld();
    await db().updateTable("organisations").set({ region: "north" }).where("id", "=", w.dealerB.id).execute();
    await promo(w, {
      code: "SO-2",
      mechanism: "rebate",
      rebatePercent: "2",
      rebateBasis: "sellout",
      productSkus: "AC-100",
      regions: ["east"],
      startsOn: "2026-10-01",
      endsOn: "2026-12-31",
    });
    await reportLine(w, "2026-11", { sku: "AC-100", revenue: 12_345_67, unitsSold: 10 });
    await reportLine(w, "2026-11", { sku: "AC-200", revenue: 50_000_00, unitsSold: 5 }); // not in the promotion
    const r = await runPromotionRebates(actorFor(w.staff.admin), { period: "2026-11" });
    // 12,345.67 × 2% = 246.9134 → 246.91
    expect(r).toMatchObject({ posted: 1, totalMinor: 246_91 });
    expect(await db().selectFrom("promotion_rebates").select(["dealer_id", "basis", "qualifying_minor", "amount_minor"]).execute()).toEqual([
      { dealer_id: w.dealerA.id, basis: "sellout", qualifying_minor: 12_345_67, amount_minor: 246_91 },
    ]);
    expect(await findPromotionRebateViolations(db())).toEqual([]);
  });

  it("refuses a month that has not ended", async () => {
    const w = await orderWorld();
    await expect(runPromotionRebates(actorFor(w.staff.admin), { period: "2026-11" })).rejects.toMatchObject({ status: 400 });
  });
});

describe("scope", () => {
  it("a dealer sees only promotions that target it and only its own figures; another dealer gets 404", async () => {
    const w = await orderWorld();
    const s = await sku(w.widget.id);
    const dealerACode = (await db().selectFrom("organisations").select("code").where("id", "=", w.dealerA.id).executeTakeFirstOrThrow()).code;
    const { id: onlyA } = await promo(w, { code: "ONLY-A", productSkus: s, dealerCodes: dealerACode });
    const { id: all } = await promo(w, { code: "ALL", productSkus: s, discountPercent: "5" });
    await orderWidgets(w, 2); // dealer A gets ONLY-A (10%)
    await orderWidgets(w, 1, w.b.dealer_sales, w.addrB.id); // dealer B gets ALL (5%)
    await expect(promotionPage(actorFor(w.b.dealer_sales), onlyA)).rejects.toThrow(NotFoundError);
    const listB = await listPromotions(actorFor(w.b.dealer_admin), { page: 1 });
    expect(listB.rows.map((r) => r.code)).toEqual(["ALL"]);
    expect((await runningForDealer(actorFor(w.b.dealer_sales))).map((r) => r.code)).toEqual(["ALL"]);
    expect((await runningForDealer(actorFor(w.a.dealer_sales))).map((r) => r.code).sort()).toEqual(["ALL", "ONLY-A"]);
    expect(await runningForDealer(actorFor(w.staff.admin))).toEqual([]);
    const pageA = await promotionPage(actorFor(w.a.dealer_finance), onlyA);
    expect(pageA.tracking).toEqual([expect.objectContaining({ dealerId: w.dealerA.id, orders: 1, units: 2, revenueMinor: 162_00, discountMinor: 18_00 })]);
    expect(pageA.dealers).toEqual([]); // a dealer is not told which other dealers are named
    // The account manager of dealer B does not see a promotion that targets only dealer A.
    await expect(promotionPage(actorFor(w.am2 as TestUser), onlyA)).rejects.toThrow(NotFoundError);
    const admin = await promotionPage(actorFor(w.staff.admin), all);
    expect(admin.tracking.map((t) => t.dealerId)).toEqual([w.dealerB.id]);
    // A draft is the administrator's alone; ops reads no promotions.
    await db().updateTable("promotions").set({ status: "draft" }).where("id", "=", all).execute();
    await expect(promotionPage(actorFor(w.staff.finance), all)).rejects.toThrow(NotFoundError);
    await expect(listPromotions(actorFor(w.staff.ops), { page: 1 })).rejects.toThrow(ForbiddenError);
  });

  it("an account manager sees the promotions that target one of their dealers, and only their dealers' figures", async () => {
    const w = await orderWorld();
    const s = await sku(w.widget.id);
    // Dealer A (east, gold) is AM One's; dealer B (north, silver) is AM Two's.
    await db().updateTable("organisations").set({ region: "north", tier: "silver" }).where("id", "=", w.dealerB.id).execute();
    const code = async (id: number) => (await db().selectFrom("organisations").select("code").where("id", "=", id).executeTakeFirstOrThrow()).code;
    const [codeA, codeB] = [await code(w.dealerA.id), await code(w.dealerB.id)];
    const { id: onlyB } = await promo(w, { code: "ONLY-B", productSkus: s, dealerCodes: codeB });
    await promo(w, { code: "NORTH", productSkus: s, regions: ["north"] });
    await promo(w, { code: "SILVER", productSkus: s, tiers: ["silver"] });
    await promo(w, { code: "EAST", productSkus: s, regions: ["east"], discountPercent: "1" });
    await promo(w, { code: "GOLD", productSkus: s, tiers: ["gold"], discountPercent: "1" });
    const { id: both } = await promo(w, { code: "BOTH", productSkus: s, dealerCodes: `${codeA} ${codeB}`, discountPercent: "2" });
    const { id: all } = await promo(w, { code: "ALL", productSkus: s, discountPercent: "3" });
    await promo(w, { code: "DRAFT-A", productSkus: s, dealerCodes: codeA, status: "draft" });
    // Both dealers order under ALL (the only one left for both once the others end).
    for (const c of ["ONLY-B", "NORTH", "SILVER", "EAST", "GOLD", "BOTH"])
      await db().updateTable("promotions").set({ status: "cancelled" }).where("code", "=", c).execute();
    await orderWidgets(w, 2); // dealer A: 90.00 − 3% = 87.30
    await orderWidgets(w, 5, w.b.dealer_sales, w.addrB.id); // dealer B: 100.00 − 3% = 97.00
    await db().updateTable("promotions").set({ status: "active" }).where("status", "=", "cancelled").execute();

    const am1 = actorFor(w.staff.account_manager);
    const am2 = actorFor(w.am2 as TestUser);
    const codes = async (actor: typeof am1) => (await listPromotions(actor, { page: 1 })).rows.map((r) => r.code).sort();
    expect(await codes(am1)).toEqual(["ALL", "BOTH", "EAST", "GOLD"]);
    expect(await codes(am2)).toEqual(["ALL", "BOTH", "NORTH", "ONLY-B", "SILVER"]);
    expect(await codes(actorFor(w.staff.finance))).toEqual(["ALL", "BOTH", "EAST", "GOLD", "NORTH", "ONLY-B", "SILVER"]);
    expect((await listPromotions(am1, { page: 1 })).total).toBe(4);
    await expect(promotionPage(am1, onlyB)).rejects.toThrow(NotFoundError);

    // A promotion's page: the tracking rows and totals of their own dealers only.
    const page1 = await promotionPage(am1, all);
    expect(page1.tracking).toEqual([expect.objectContaining({ dealerId: w.dealerA.id, orders: 1, units: 2, revenueMinor: 174_60 })]);
    expect(page1.totals).toMatchObject({ orders: 1, units: 2, revenueMinor: 174_60, discountMinor: 5_40 });
    const page2 = await promotionPage(am2, all);
    expect(page2.tracking.map((t) => t.dealerId)).toEqual([w.dealerB.id]);
    expect(page2.totals).toMatchObject({ orders: 1, units: 5, revenueMinor: 485_00 });
    const admin = await promotionPage(actorFor(w.staff.admin), all);
    expect(admin.totals).toMatchObject({ orders: 2, units: 7, revenueMinor: 659_60 });
    // Named dealers: their own by code, the others only counted.
    const named = await promotionPage(am1, both);
    expect(named.dealers.map((d) => d.code)).toEqual([codeA]);
    expect(named.otherNamedDealers).toBe(1);
    expect((await promotionPage(actorFor(w.staff.finance), both)).dealers.map((d) => d.code).sort()).toEqual([codeA, codeB].sort());

    // A promotion their dealer's orders used stays visible after it is narrowed to other dealers.
    await updatePromotion(actorFor(w.staff.admin), all, form({ code: "ALL", productSkus: s, discountPercent: "3", dealerCodes: codeB }));
    expect(await codes(am1)).toContain("ALL");
    expect((await promotionPage(am1, all)).dealers).toEqual([]);
  });

  it("only the administrator creates; a used promotion keeps its mechanism, rate and products", async () => {
    const w = await orderWorld();
    const s = await sku(w.widget.id);
    await expect(createPromotion(actorFor(w.staff.finance), form({ productSkus: s }))).rejects.toThrow(ForbiddenError);
    await expect(promo(w, { productSkus: "NOPE-1" })).rejects.toMatchObject({ status: 400, fieldErrors: { productSkus: ["promotions.unknownSkus"] } });
    const { id } = await promo(w, { productSkus: s });
    await expect(promo(w, { productSkus: s })).rejects.toMatchObject({ status: 409, fieldErrors: { code: ["promotions.codeTaken"] } });
    await orderWidgets(w, 1);
    await expect(updatePromotion(actorFor(w.staff.admin), id, form({ productSkus: s, discountPercent: "20" }))).rejects.toThrow(ConflictError);
    await updatePromotion(actorFor(w.staff.admin), id, form({ productSkus: s, endsOn: "2026-11-20" }));
    expect((await db().selectFrom("promotions").select("ends_on").where("id", "=", id).executeTakeFirstOrThrow()).ends_on).toBe("2026-11-20");
  });
});

describe("the form", () => {
  it("refuses bad input field by field", () => {
    const r = PromotionSchema.safeParse({
      code: "x",
      nameEn: "",
      nameZh: "促",
      mechanism: "rebate",
      rebatePercent: "101",
      startsOn: "2026-11-30",
      endsOn: "2026-11-01",
      productSkus: "",
    });
    expect(r.success).toBe(false);
    const ok = PromotionSchema.safeParse({
      code: "ok-1",
      nameEn: "A",
      nameZh: "甲",
      mechanism: "rebate",
      rebatePercent: "101",
      startsOn: "2026-11-30",
      endsOn: "2026-11-01",
      productSkus: "",
    });
    expect(ok.success).toBe(false);
    const paths = ok.success ? [] : ok.error.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["endsOn", "productSkus", "rebatePercent", "rebateBasis"]));
    expect(form({ productSkus: "A-1", discountPercent: "12.5" })).toMatchObject({ discountBp: 1250, code: "PROMO-X" });
  });
});

async function sku(productId: number) {
  return (await getDb().selectFrom("products").select("sku").where("id", "=", productId).executeTakeFirstOrThrow()).sku;
}

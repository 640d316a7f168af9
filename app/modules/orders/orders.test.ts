import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { runChecks } from "../../../db/check";
import { actorFor, uniq } from "../../../tests/factories";
import { addIncoming, addStock, createAddress, createCustomProduct, createProduct, createWarehouse, stockLevel } from "../../../tests/factories/ordering";
import { createDeal, createDealWorld, createProposedQuote } from "../../../tests/factories/deals";
import { translate } from "~/i18n";
import { acceptQuote } from "~/modules/quotes/quotes.server";
import { bookQuoteAsOrder } from "~/modules/quotes/booking.server";
import { findOrderInvariantViolations } from "./invariants.server";
import { customOptions, draftForm, freshDraft, inDays, orderRow, orderWorld, submitNew, today, type World } from "../../../tests/factories/orders";
import { systemActor } from "~/modules/auth/actor";
import { workingDaysFrom } from "~/modules/catalog/calendar.server";
import { postEntry } from "~/modules/ledger/post.server";
import { findStockInvariantViolations } from "~/modules/stock/movements.server";
import { getImportJob, runImport } from "~/modules/catalog/import.server";
import { adjustStock, planIncoming, postReceipt, receiveIncoming } from "~/modules/stock/stock.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";
import { addDays } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { DraftFormSchema } from "./orders.schema.server";
import {
  approveOrder,
  cancelOrder,
  changePromiseDate,
  confirmDelivery,
  createDraft,
  deleteDraft,
  recheckBackorders,
  recordShipment,
  rejectOrder,
  releaseCreditHold,
  saveDraftFromForm,
  submitOrder,
} from "./orders.server";
import { getOrderPage, listOrders } from "./orders.views.server";

const db = () => getDb();
const linesOf = (orderId: number) => db().selectFrom("order_lines").selectAll().where("order_id", "=", orderId).orderBy("line_no").execute();
const eventsOf = (orderId: number) =>
  db().selectFrom("domain_events").selectAll().where("entity_type", "=", "order").where("entity_id", "=", String(orderId)).orderBy("id").execute();
const version = async (id: number) => (await orderRow(id)).version;

async function expectFieldError(p: Promise<unknown>, field: string, key: string) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  expect((err as ValidationError).fieldErrors?.[field]?.[0]).toBe(key);
}

describe("drafts", () => {
  it("prices lines at the dealer's tier price and totals them in minor units", async () => {
    const w = await orderWorld();
    const d = await saveDraftFromForm(actorFor(w.a.dealer_sales), {
      orderId: null,
      form: draftForm({
        addressId: w.addrA.id,
        lines: [
          { productId: w.widget.id, quantity: 3 },
          { productId: w.custom.id, quantity: 2, options: customOptions, specNotes: "RAL 7035" },
        ],
      }),
    });
    const o = await orderRow(d.id);
    expect(o.status).toBe("draft");
    expect(o.number).toBeNull();
    const lines = await linesOf(d.id);
    expect(lines.map((l) => [l.unit_price_minor, l.line_total_minor])).toEqual([
      [90_00, 270_00],
      [450_00, 900_00],
    ]);
    expect(o.total_minor).toBe(1170_00);
    expect(JSON.parse(lines[1]!.custom_options!)).toEqual({ color: "grey", width: 1200, engraving: "HC" });
    expect(lines[1]!.spec_notes).toBe("RAL 7035");
  });

  it("keeps a quote's fixed price set by trusted code; the form cannot change it, only order fewer units", async () => {
    const w = await orderWorld();
    const dealer = actorFor(w.a.dealer_sales);
    const d = await createDraft(dealer, {
      lines: [{ productId: w.widget.id, quantity: 10, unitPriceMinor: 70_00, quoteLineId: 555 }],
      quoteId: 77,
      dealId: 88,
    });
    const [line] = await linesOf(d.id);
    expect(line!.unit_price_minor).toBe(70_00);
    expect(line!.quote_line_id).toBe(555);
    // The dealer edits the draft: a smaller quantity on the quote line, and a catalog line.
    await saveDraftFromForm(dealer, {
      orderId: d.id,
      form: draftForm({
        addressId: w.addrA.id,
        version: 1,
        lines: [
          { lineId: line!.id, productId: w.widget.id, quantity: 7 },
          { productId: w.widget.id, quantity: 1 },
        ],
      }),
    });
    const after = await linesOf(d.id);
    expect(after.map((l) => [l.quantity, l.unit_price_minor, l.quote_line_id])).toEqual([
      [7, 70_00, 555],
      [1, 90_00, null],
    ]);
    const o = await orderRow(d.id);
    expect([o.quote_id, o.deal_id, o.total_minor]).toEqual([77, 88, 580_00]);
  });

  it("a booked quote's lines are the ceiling: no copies of a quote line, no more units than quoted, across drafts and orders (F1)", async () => {
    const w = await createDealWorld();
    const addr = await createAddress(w.cast.dealerA.id);
    const dealer = actorFor(w.cast.a.dealer_sales);
    const deal = await createDeal(w.cast.a.dealer_sales, w.ka, [w.lineA], { approveAs: w.cast.staff.account_manager });
    const p = w.products[0]!;
    const q = await createProposedQuote(w.cast.staff.account_manager, deal.id, [{ productId: p.id, quantity: 4, unitPrice: 950_00 }]);
    await acceptQuote(dealer, q.id);
    const booked = await bookQuoteAsOrder(dealer, q.id);
    const [line] = await linesOf(booked.orderId);
    expect([line!.quantity, line!.unit_price_minor]).toEqual([4, 950_00]);
    // Five copies of the quote line, 4 units each (the attack): refused on the copies, nothing changed.
    const copies = Array.from({ length: 5 }, () => ({ lineId: line!.id, productId: p.id, quantity: 4 }));
    const err = await saveDraftFromForm(dealer, { orderId: booked.orderId, form: draftForm({ addressId: addr.id, version: 1, lines: copies }) }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect(Object.keys((err as ValidationError).fieldErrors!)).toEqual(["lines.1.quantity", "lines.2.quantity", "lines.3.quantity", "lines.4.quantity"]);
    expect((err as ValidationError).fieldErrors!["lines.1.quantity"]).toEqual(["orders.quoteQuantityExceeded"]);
    expect(translate("zh-CN", "orders.quoteQuantityExceeded", (err as ValidationError).params)).toContain("0");
    // More than quoted on the one line: refused too, with how many are free.
    const more = await saveDraftFromForm(dealer, {
      orderId: booked.orderId,
      form: draftForm({ addressId: addr.id, version: 1, lines: [{ lineId: line!.id, productId: p.id, quantity: 5 }] }),
    }).catch((e: unknown) => e);
    expect((more as ValidationError).fieldErrors).toEqual({ "lines.0.quantity": ["orders.quoteQuantityExceeded"] });
    expect((more as ValidationError).params).toEqual({ max: 4 });
    expect((await linesOf(booked.orderId)).map((l) => l.quantity)).toEqual([4]);
    // Fewer is fine; the rest stays free for another order made from the quote, and no more than that.
    await saveDraftFromForm(dealer, {
      orderId: booked.orderId,
      form: draftForm({ addressId: addr.id, version: 1, lines: [{ lineId: line!.id, productId: p.id, quantity: 3 }] }),
    });
    const quoteLine = await getDb().selectFrom("quote_lines").select("id").where("quote_id", "=", q.id).executeTakeFirstOrThrow();
    const trusted = (quantity: number) =>
      createDraft(dealer, { lines: [{ productId: p.id, quantity, unitPriceMinor: 950_00, quoteLineId: quoteLine.id }], quoteId: q.id, dealId: deal.id });
    await expect(trusted(2)).rejects.toMatchObject({ status: 400, fieldErrors: { "lines.0.quantity": ["orders.quoteQuantityExceeded"] }, params: { max: 1 } });
    await trusted(1);
    expect(await findOrderInvariantViolations(getDb())).toEqual([]);
    // db:check notices a line written past the ceiling by other means.
    await getDb().updateTable("order_lines").set({ quantity: 4, line_total_minor: 3800_00 }).where("order_id", "=", booked.orderId).execute();
    await getDb().updateTable("orders").set({ total_minor: 3800_00 }).where("id", "=", booked.orderId).execute();
    expect(await findOrderInvariantViolations(getDb())).toEqual([
      expect.objectContaining({ quote_line_id: quoteLine.id, problem: "orders hold more of a quote line than was quoted" }),
    ]);
  });

  it("refuses bad quantities in the form: zero, negative, fractional, not a number", () => {
    for (const q of ["0", "-1", "1.5", "1e3", "abc", ""]) {
      const r = DraftFormSchema.safeParse({ lines: [{ productId: "1", quantity: q }] });
      expect(r.success, q).toBe(false);
    }
    expect(DraftFormSchema.safeParse({ lines: [{ productId: "1", quantity: "12" }] }).success).toBe(true);
  });

  it("refuses unknown and discontinued products, options outside the schema, past dates and other dealers' addresses", async () => {
    const w = await orderWorld();
    const dealer = actorFor(w.a.dealer_sales);
    const old = await createProduct({ status: "discontinued" });
    const save = (lines: Parameters<typeof draftForm>[0]["lines"], extra: Partial<Parameters<typeof draftForm>[0]> = {}) =>
      saveDraftFromForm(dealer, { orderId: null, form: draftForm({ addressId: w.addrA.id, lines, ...extra }) });
    await expectFieldError(save([{ productId: 99_999_999, quantity: 1 }]), "lines.0.productId", "orders.productUnknown");
    await expectFieldError(save([{ productId: old.id, quantity: 1 }]), "lines.0.productId", "orders.productDiscontinued");
    await expectFieldError(
      save([{ productId: w.custom.id, quantity: 1, options: { ...customOptions, color: "purple" } }]),
      "lines.0.opt.color",
      "catalog.optionChoice",
    );
    await expectFieldError(
      save([{ productId: w.custom.id, quantity: 1, options: { ...customOptions, width: "650" } }]),
      "lines.0.opt.width",
      "catalog.optionRange",
    );
    await expectFieldError(
      save([{ productId: w.custom.id, quantity: 1, options: { ...customOptions, voltage: "380" } }]),
      "lines.0.opt.voltage",
      "catalog.optionUnknown",
    );
    await expectFieldError(save([{ productId: w.widget.id, quantity: 1, options: { color: "grey" } }]), "lines.0.opt.color", "catalog.optionUnknown");
    await expectFieldError(save([{ productId: w.widget.id, quantity: 1 }], { requestedDate: addDays(today(), -1) }), "requestedDate", "validation.dateFuture");
    await expectFieldError(save([{ productId: w.widget.id, quantity: 1 }], { addressId: w.addrB.id }), "addressId", "orders.addressUnknown");
    const packed = await createProduct({ madeToOrder: true, optionsSchema: { options: [], quantityMultiple: 10, minQuantity: 20 } });
    await expectFieldError(save([{ productId: packed.id, quantity: 15 }]), "lines.0.quantity", "orders.quantityMultiple");
    expect(await db().selectFrom("orders").select("id").execute()).toHaveLength(0);
  });

  it("lets a draft miss required custom options, but not a submission", async () => {
    const w = await orderWorld();
    const dealer = actorFor(w.a.dealer_sales);
    const d = await saveDraftFromForm(dealer, {
      orderId: null,
      form: draftForm({ addressId: w.addrA.id, lines: [{ productId: w.custom.id, quantity: 1, options: { color: "white" } }] }),
    });
    await expectFieldError(
      submitOrder(dealer, {
        orderId: d.id,
        submitKey: uniq("k-"),
        form: draftForm({ addressId: w.addrA.id, version: d.version, lines: [{ productId: w.custom.id, quantity: 1, options: { color: "white" } }] }),
      }),
      "lines.0.opt.width",
      "validation.required",
    );
    expect((await orderRow(d.id)).status).toBe("draft");
  });

  it("deletes a never-submitted draft; another dealer's draft is not found; a stale version is a conflict", async () => {
    const w = await orderWorld();
    const d = await freshDraft(w);
    await expect(deleteDraft(actorFor(w.b.dealer_sales), d.id, d.version)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      saveDraftFromForm(actorFor(w.b.dealer_admin), { orderId: d.id, form: draftForm({ addressId: w.addrB.id, version: d.version, lines: [] }) }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await saveDraftFromForm(actorFor(w.a.dealer_admin), {
      orderId: d.id,
      form: draftForm({ addressId: w.addrA.id, version: d.version, lines: [{ productId: w.widget.id, quantity: 5 }] }),
    });
    await expect(deleteDraft(actorFor(w.a.dealer_sales), d.id, d.version)).rejects.toBeInstanceOf(ConflictError);
    await deleteDraft(actorFor(w.a.dealer_sales), d.id, d.version + 1);
    expect(await db().selectFrom("orders").select("id").where("id", "=", d.id).execute()).toHaveLength(0);
  });

  it("no manufacturer role and no dealer finance user can create, save or submit an order", async () => {
    const w = await orderWorld();
    const d = await freshDraft(w);
    for (const u of [w.staff.account_manager, w.staff.ops, w.staff.finance, w.staff.admin, w.a.dealer_finance]) {
      const actor = actorFor(u);
      await expect(createDraft(actor, { lines: [{ productId: w.widget.id, quantity: 1 }] }), u.role).rejects.toBeInstanceOf(ForbiddenError);
      await expect(
        saveDraftFromForm(actor, { orderId: d.id, form: draftForm({ addressId: w.addrA.id, version: d.version, lines: [] }) }),
        u.role,
      ).rejects.toBeInstanceOf(ForbiddenError);
      await expect(
        submitOrder(actor, {
          orderId: d.id,
          submitKey: uniq("k-"),
          form: draftForm({ addressId: w.addrA.id, version: d.version, lines: [{ productId: w.widget.id, quantity: 1 }] }),
        }),
        u.role,
      ).rejects.toBeInstanceOf(ForbiddenError);
      await expect(deleteDraft(actor, d.id, d.version), u.role).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect((await orderRow(d.id)).version).toBe(d.version);
  });

  it("handles a 1,000-line order end to end (set-based lines)", async () => {
    const w = await orderWorld();
    const products = [] as { id: number }[];
    for (let i = 0; i < 10; i++) {
      const p = await createProduct({ listPrice: 10_00 + i });
      await addStock(p.id, w.east.id, 5_000);
      products.push(p);
    }
    const lines = Array.from({ length: 1000 }, (_, i) => ({ productId: products[i % 10]!.id, quantity: 1 + (i % 3) }));
    const r = await submitNew(w.a.dealer_sales, w.addrA.id, lines);
    const o = await orderRow(r.id);
    expect(o.line_count).toBe(1000);
    expect(r.status).toBe("submitted");
    const expected = lines.reduce((s, l, i) => s + l.quantity * (10_00 + (i % 10)), 0);
    expect(o.total_minor).toBe(expected);
    await approveOrder(actorFor(w.staff.ops), r.id, { version: o.version });
    const reserved = await db()
      .selectFrom("order_lines")
      .select(db().fn.sum<number>("reserved_qty").as("r"))
      .where("order_id", "=", r.id)
      .executeTakeFirstOrThrow();
    expect(Number(reserved.r)).toBe(lines.reduce((s, l) => s + l.quantity, 0));
  }, 120_000);
});

describe("submitting", () => {
  it("gives readable, sequential order numbers and records the submission everywhere", async () => {
    const w = await orderWorld();
    const r1 = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 1 }]);
    const r2 = await submitNew(w.b.dealer_sales, w.addrB.id, [{ productId: w.widget.id, quantity: 1 }]);
    const year = today().slice(0, 4);
    expect(r1.number).toBe(`SO-${year}-000001`);
    expect(r2.number).toBe(`SO-${year}-000002`);
    const o = await orderRow(r1.id);
    expect(o.status).toBe("submitted");
    expect(JSON.parse(o.address_snapshot!).line1).toBe("88 Century Avenue");
    const history = await db().selectFrom("order_status_history").selectAll().where("order_id", "=", r1.id).execute();
    expect(history.map((h) => [h.from_status, h.to_status, h.actor_user_id])).toEqual([["draft", "submitted", w.a.dealer_sales.id]]);
    const [ev] = await eventsOf(r1.id);
    expect([ev!.type, ev!.dealer_id, ev!.account_manager_id]).toEqual(["order.submitted", w.dealerA.id, w.staff.account_manager.id]);
    const audit = await db().selectFrom("audit_log").select("action").where("entity_type", "=", "order").where("entity_id", "=", String(r1.id)).execute();
    expect(audit.map((a) => a.action)).toContain("order.submitted");
  });

  it("requires lines, an address and a requested date", async () => {
    const w = await orderWorld();
    const dealer = actorFor(w.a.dealer_sales);
    await expect(submitOrder(dealer, { orderId: null, submitKey: uniq("k-"), form: draftForm({ addressId: w.addrA.id, lines: [] }) })).rejects.toMatchObject({
      messageKey: "orders.noLines",
    });
    await expectFieldError(
      submitOrder(dealer, { orderId: null, submitKey: uniq("k-"), form: draftForm({ addressId: null, lines: [{ productId: w.widget.id, quantity: 1 }] }) }),
      "addressId",
      "validation.required",
    );
    await expectFieldError(
      submitOrder(dealer, {
        orderId: null,
        submitKey: uniq("k-"),
        form: draftForm({ addressId: w.addrA.id, requestedDate: null, lines: [{ productId: w.widget.id, quantity: 1 }] }),
      }),
      "requestedDate",
      "validation.required",
    );
    expect(await db().selectFrom("orders").select("id").execute()).toHaveLength(0);
  });

  it("the same submission repeated sequentially creates one order and returns it", async () => {
    const w = await orderWorld();
    const key = uniq("k-");
    const first = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 1 }], key);
    const again = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 1 }], key);
    expect(again).toMatchObject({ id: first.id, number: first.number, duplicate: true });
    expect(await db().selectFrom("orders").select("id").execute()).toHaveLength(1);
  });

  it("the same submission sent concurrently (double click, retries) creates exactly one order", async () => {
    const w = await orderWorld();
    const key = uniq("k-");
    const results = await Promise.all(Array.from({ length: 8 }, () => submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 1 }], key)));
    expect(new Set(results.map((r) => r.number)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await db().selectFrom("orders").select("id").execute()).toHaveLength(1);
    expect(await db().selectFrom("order_status_history").select("id").execute()).toHaveLength(1);
  });

  it("a draft submitted from two tabs at once goes out once; the other tab is shown the order", async () => {
    const w = await orderWorld();
    const d = await freshDraft(w);
    const form = draftForm({ addressId: w.addrA.id, version: d.version, lines: [{ productId: w.widget.id, quantity: 2 }] });
    const [a, b] = await Promise.all([
      submitOrder(actorFor(w.a.dealer_sales), { orderId: d.id, submitKey: uniq("k-"), form }),
      submitOrder(actorFor(w.a.dealer_admin), { orderId: d.id, submitKey: uniq("k-"), form }),
    ]);
    expect(a.number).toBe(b.number);
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
    expect(await db().selectFrom("order_status_history").select("id").where("order_id", "=", d.id).execute()).toHaveLength(1);
  });

  it("submitting a draft that changed since it was loaded is a conflict and changes nothing", async () => {
    const w = await orderWorld();
    const d = await freshDraft(w);
    await saveDraftFromForm(actorFor(w.a.dealer_admin), {
      orderId: d.id,
      form: draftForm({ addressId: w.addrA.id, version: d.version, lines: [{ productId: w.widget.id, quantity: 7 }] }),
    });
    const err = await submitOrder(actorFor(w.a.dealer_sales), {
      orderId: d.id,
      submitKey: uniq("k-"),
      form: draftForm({ addressId: w.addrA.id, version: d.version, lines: [{ productId: w.widget.id, quantity: 1 }] }),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).messageKey).toBe("orders.changed");
    const o = await orderRow(d.id);
    expect([o.status, o.total_minor]).toEqual(["draft", 7 * 90_00]);
  });
});

describe("credit check at submit", () => {
  async function withLimit(w: World, limit: number, balance = 0) {
    await db().updateTable("organisations").set({ credit_limit_minor: limit }).where("id", "=", w.dealerA.id).execute();
    if (balance)
      await transaction("t", (tx) =>
        postEntry(tx, systemActor(w.dealerA.id), {
          dealerId: w.dealerA.id,
          type: "invoice",
          amountMinor: balance,
          currency: "CNY",
          businessDate: today(),
          description: "opening",
        }),
      );
  }
  // 2 widgets at the gold price: 180.00
  const lines = (w: World) => [{ productId: w.widget.id, quantity: 2 }];

  it("exactly at the limit is accepted (balance + open orders + this order = limit)", async () => {
    const w = await orderWorld();
    await withLimit(w, 50_00 + 180_00 + 180_00, 50_00);
    const first = await submitNew(w.a.dealer_sales, w.addrA.id, lines(w));
    const second = await submitNew(w.a.dealer_sales, w.addrA.id, lines(w));
    expect([first.status, second.status]).toEqual(["submitted", "submitted"]);
  });

  it("one cent over the limit goes to credit hold with the figures, and finance can release it", async () => {
    const w = await orderWorld();
    await withLimit(w, 50_00 + 180_00 + 180_00 - 1, 50_00);
    const first = await submitNew(w.a.dealer_sales, w.addrA.id, lines(w));
    const second = await submitNew(w.a.dealer_sales, w.addrA.id, lines(w));
    expect([first.status, second.status]).toEqual(["submitted", "credit_hold"]);
    const ev = (await eventsOf(second.id)).at(-1)!;
    expect(ev.type).toBe("order.credit_hold");
    expect(JSON.parse(ev.payload!).credit).toMatchObject({
      limitMinor: 409_99,
      balanceMinor: 50_00,
      openOrdersMinor: 180_00,
      orderMinor: 180_00,
      overByMinor: 1,
    });
    const page = await getOrderPage(actorFor(w.a.dealer_sales), second.number);
    expect(page.credit).toMatchObject({ limitMinor: 409_99, balanceMinor: 50_00, openOrdersMinor: 180_00 });
    await expect(releaseCreditHold(actorFor(w.a.dealer_admin), second.id, { version: await version(second.id), note: null })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(releaseCreditHold(actorFor(w.staff.ops), second.id, { version: await version(second.id), note: null })).rejects.toBeInstanceOf(ForbiddenError);
    await releaseCreditHold(actorFor(w.staff.finance), second.id, { version: await version(second.id), note: "paid by wire" });
    expect((await orderRow(second.id)).status).toBe("submitted");
    expect((await eventsOf(second.id)).at(-1)!.type).toBe("order.submitted");
  });

  it("the dealer may cancel an order on hold", async () => {
    const w = await orderWorld();
    await withLimit(w, 100);
    const r = await submitNew(w.a.dealer_sales, w.addrA.id, lines(w));
    expect(r.status).toBe("credit_hold");
    await cancelOrder(actorFor(w.a.dealer_sales), r.id, { version: await version(r.id), note: "too big" });
    expect((await orderRow(r.id)).status).toBe("cancelled");
  });
});

describe("review", () => {
  it("approval reserves stock region first, then other warehouses, backorders the rest with the next ETA, and promises custom lines by lead time", async () => {
    const w = await orderWorld();
    const eta = inDays(20);
    await addIncoming(w.widget.id, w.north.id, 500, eta);
    await addIncoming(w.widget.id, w.north.id, 500, inDays(40));
    const r = await submitNew(w.a.dealer_sales, w.addrA.id, [
      { productId: w.widget.id, quantity: 170 },
      { productId: w.custom.id, quantity: 3, options: customOptions },
    ]);
    const res = await approveOrder(actorFor(w.staff.ops), r.id, { version: await version(r.id) });
    expect(res).toMatchObject({ reservedUnits: 150, backorderedUnits: 20 });
    const [stock, custom] = await linesOf(r.id);
    expect([stock!.reserved_qty, stock!.backordered_qty, stock!.backorder_eta]).toEqual([150, 20, eta]);
    const resv = await db()
      .selectFrom("order_line_reservations")
      .select(["warehouse_id", "quantity"])
      .where("order_line_id", "=", stock!.id)
      .orderBy("warehouse_id")
      .execute();
    expect(resv).toEqual([
      { warehouse_id: w.east.id, quantity: 100 },
      { warehouse_id: w.north.id, quantity: 50 },
    ]);
    expect(await stockLevel(w.widget.id, w.east.id)).toMatchObject({ on_hand: 100, reserved: 100 });
    expect([custom!.production_qty, custom!.promise_date]).toEqual([3, await workingDaysFrom(db(), today(), 10)]);
    const o = await orderRow(r.id);
    expect(o.status).toBe("approved");
    expect(o.promised_date).toBe(await workingDaysFrom(db(), eta, 2));
    const changes = await db().selectFrom("order_date_changes").selectAll().where("order_id", "=", r.id).execute();
    expect(changes.map((c) => [c.old_date, c.new_date, c.reason])).toEqual([[null, o.promised_date, "@approval"]]);
    expect((await eventsOf(r.id)).map((e) => e.type)).toEqual(["order.submitted", "order.approved"]);
  });

  it("never oversells: 50 concurrent approvals for the last 10 units reserve exactly 10", async () => {
    const w = await orderWorld();
    const scarce = await createProduct({ listPrice: 10_00 });
    const wh = await createWarehouse({ region: "south" });
    await addStock(scarce.id, wh.id, 10);
    await addIncoming(scarce.id, wh.id, 100, inDays(15));
    const orders = [] as { id: number; version: number }[];
    for (let i = 0; i < 50; i++) {
      const r = await submitNew(i % 2 ? w.a.dealer_sales : w.b.dealer_sales, i % 2 ? w.addrA.id : w.addrB.id, [{ productId: scarce.id, quantity: 1 }]);
      orders.push({ id: r.id, version: await version(r.id) });
    }
    const ops = actorFor(w.staff.ops);
    const results = await Promise.allSettled(orders.map((o) => approveOrder(ops, o.id, { version: o.version })));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const lines = await db()
      .selectFrom("order_lines")
      .select(["reserved_qty", "backordered_qty", "backorder_eta"])
      .where("product_id", "=", scarce.id)
      .execute();
    expect(lines.reduce((s, l) => s + l.reserved_qty, 0)).toBe(10);
    expect(lines.filter((l) => l.backordered_qty === 1 && l.backorder_eta === inDays(15))).toHaveLength(40);
    expect(await stockLevel(scarce.id, wh.id)).toMatchObject({ on_hand: 10, reserved: 10 });
    const v = await findStockInvariantViolations(db());
    expect([...v.mismatched, ...v.orphans]).toEqual([]);
    expect((await runChecks(db())).filter((c) => !c.ok)).toEqual([]);
  }, 60_000);

  it("two ops users acting on one order at once: exactly one wins, the other gets 'already changed'", async () => {
    const w = await orderWorld();
    const second = await createUser2Ops();
    for (const pair of ["approve/approve", "approve/reject"] as const) {
      const r = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 1 }]);
      const v = await version(r.id);
      const [x, y] = pair.split("/");
      const run = (what: string | undefined, actor: ReturnType<typeof actorFor>) =>
        what === "approve" ? approveOrder(actor, r.id, { version: v }) : rejectOrder(actor, r.id, { version: v, note: "no" });
      const results = await Promise.allSettled([run(x, actorFor(w.staff.ops)), run(y, actorFor(second))]);
      expect(
        results.filter((s) => s.status === "fulfilled"),
        pair,
      ).toHaveLength(1);
      const lost = results.find((s) => s.status === "rejected") as PromiseRejectedResult;
      expect(lost.reason).toBeInstanceOf(ConflictError);
      expect(lost.reason.messageKey).toBe("orders.changed");
      expect(await db().selectFrom("order_status_history").select("id").where("order_id", "=", r.id).execute()).toHaveLength(2);
    }
    const approved = await db().selectFrom("orders").select("id").where("status", "=", "approved").execute();
    expect(await stockLevel(w.widget.id, w.east.id)).toMatchObject({ reserved: approved.length });
  });

  it("reject needs the order desk; send back returns the order to the dealer as a draft with the note", async () => {
    const w = await orderWorld();
    const r = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 1 }]);
    await expect(rejectOrder(actorFor(w.staff.account_manager), r.id, { version: await version(r.id), note: "x" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(approveOrder(actorFor(w.staff.finance), r.id, { version: await version(r.id) })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(approveOrder(actorFor(w.a.dealer_admin), r.id, { version: await version(r.id) })).rejects.toBeInstanceOf(ForbiddenError);
    const { sendBackOrder } = await import("./orders.server");
    await sendBackOrder(actorFor(w.staff.ops), r.id, { version: await version(r.id), note: "Please add the PO number" });
    const o = await orderRow(r.id);
    expect([o.status, o.review_note, o.number]).toEqual(["draft", "Please add the PO number", r.number]);
    // The dealer fixes it and submits again: same number, a new submit key.
    const again = await submitOrder(actorFor(w.a.dealer_sales), {
      orderId: r.id,
      submitKey: uniq("k-"),
      form: draftForm({ addressId: w.addrA.id, version: o.version, poReference: "PO-9", lines: [{ productId: w.widget.id, quantity: 1 }] }),
    });
    expect([again.number, again.status, again.duplicate]).toEqual([r.number, "submitted", false]);
    expect((await eventsOf(r.id)).map((e) => e.type)).toEqual(["order.submitted", "order.sent_back", "order.submitted"]);
  });
});

async function createUser2Ops() {
  const { createUser } = await import("../../../tests/factories");
  return createUser("ops", { name: "Ops Two" });
}

describe("shipments and delivery", () => {
  it("a shipment turns reservations into shipped stock and posts one invoice; the order goes partially shipped, then shipped, then delivered", async () => {
    const w = await orderWorld();
    const ops = actorFor(w.staff.ops);
    const r = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 5 }]);
    await approveOrder(ops, r.id, { version: await version(r.id) });
    const [line] = await linesOf(r.id);
    const s1 = await recordShipment(ops, r.id, {
      version: await version(r.id),
      warehouseId: w.east.id,
      carrier: "SF Express",
      trackingNumber: "SF123",
      shippedOn: today(),
      lines: [{ lineId: line!.id, quantity: 3 }],
    });
    expect(s1.status).toBe("partially_shipped");
    expect(await stockLevel(w.widget.id, w.east.id)).toMatchObject({ on_hand: 97, reserved: 2 });
    const moves = await db()
      .selectFrom("stock_movements")
      .select(["kind", "on_hand_delta", "reserved_delta", "ref_type", "ref_id"])
      .where("ref_type", "=", "shipment")
      .execute();
    expect(moves).toEqual([{ kind: "shipment", on_hand_delta: -3, reserved_delta: -3, ref_type: "shipment", ref_id: s1.number }]);
    const entries = await db().selectFrom("ledger_entries").selectAll().where("order_id", "=", r.id).execute();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      entry_type: "invoice",
      amount_minor: 270_00,
      source_type: "shipment",
      source_id: String(s1.shipmentId),
      shipment_id: s1.shipmentId,
      business_date: today(),
      due_date: addDays(today(), 30),
    });
    expect((await linesOf(r.id))[0]).toMatchObject({ shipped_qty: 3, reserved_qty: 2 });
    // Never more than ordered − shipped.
    await expectFieldError(
      recordShipment(ops, r.id, {
        version: await version(r.id),
        warehouseId: w.east.id,
        carrier: "SF",
        trackingNumber: "SF124",
        shippedOn: today(),
        lines: [{ lineId: line!.id, quantity: 3 }],
      }),
      `qty.${line!.id}`,
      "orders.shipTooMuch",
    );
    const s2 = await recordShipment(ops, r.id, {
      version: await version(r.id),
      warehouseId: w.east.id,
      carrier: "SF",
      trackingNumber: "SF124",
      shippedOn: today(),
      lines: [{ lineId: line!.id, quantity: 2 }],
    });
    expect(s2.status).toBe("shipped");
    expect(await stockLevel(w.widget.id, w.east.id)).toMatchObject({ on_hand: 95, reserved: 0 });
    expect(await db().selectFrom("ledger_entries").select("id").where("order_id", "=", r.id).execute()).toHaveLength(2);
    // The dealer confirms both shipments.
    const dealer = actorFor(w.a.dealer_sales);
    await expect(confirmDelivery(actorFor(w.b.dealer_sales), r.id, { version: await version(r.id), shipmentId: s1.shipmentId })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await confirmDelivery(dealer, r.id, { version: await version(r.id), shipmentId: s1.shipmentId });
    expect((await orderRow(r.id)).status).toBe("shipped");
    await expect(confirmDelivery(dealer, r.id, { version: await version(r.id), shipmentId: s1.shipmentId })).rejects.toBeInstanceOf(ConflictError);
    await confirmDelivery(dealer, r.id, { version: await version(r.id), shipmentId: s2.shipmentId });
    const o = await orderRow(r.id);
    expect(o.status).toBe("delivered");
    expect((await linesOf(r.id))[0]!.delivered_qty).toBe(5);
    expect((await eventsOf(r.id)).map((e) => e.type)).toEqual([
      "order.submitted",
      "order.approved",
      "order.partially_shipped",
      "order.shipped",
      "order.delivered",
    ]);
    const v = await findStockInvariantViolations(db());
    expect([...v.mismatched, ...v.orphans]).toEqual([]);
  });

  it("backordered and custom lines ship from on-hand stock when it is there; not enough stock is a clear conflict", async () => {
    const w = await orderWorld();
    const ops = actorFor(w.staff.ops);
    const rare = await createProduct({ listPrice: 20_00 });
    const r = await submitNew(w.a.dealer_sales, w.addrA.id, [
      { productId: rare.id, quantity: 4 },
      { productId: w.custom.id, quantity: 1, options: customOptions },
    ]);
    await approveOrder(ops, r.id, { version: await version(r.id) });
    const [back, custom] = await linesOf(r.id);
    expect([back!.reserved_qty, back!.backordered_qty]).toEqual([0, 4]);
    const err = await recordShipment(ops, r.id, {
      version: await version(r.id),
      warehouseId: w.east.id,
      carrier: "SF",
      trackingNumber: "X",
      shippedOn: today(),
      lines: [{ lineId: back!.id, quantity: 4 }],
    }).catch((e: unknown) => e);
    expect((err as ConflictError).status).toBe(409);
    expect(await db().selectFrom("shipments").select("id").execute()).toHaveLength(0);
    await addStock(rare.id, w.east.id, 4);
    await addStock(w.custom.id, w.east.id, 1);
    await recordShipment(ops, r.id, {
      version: await version(r.id),
      warehouseId: w.east.id,
      carrier: "SF",
      trackingNumber: "X",
      shippedOn: today(),
      lines: [
        { lineId: back!.id, quantity: 4 },
        { lineId: custom!.id, quantity: 1 },
      ],
    });
    const after = await linesOf(r.id);
    expect(after.map((l) => [l.shipped_qty, l.backordered_qty, l.production_qty])).toEqual([
      [4, 0, 0],
      [1, 0, 0],
    ]);
    expect(await stockLevel(rare.id, w.east.id)).toMatchObject({ on_hand: 0, reserved: 0 });
    expect((await orderRow(r.id)).status).toBe("shipped");
  });

  it("shipping from another warehouse than reserved releases the now unneeded reservation", async () => {
    const w = await orderWorld();
    const ops = actorFor(w.staff.ops);
    const r = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 3 }]);
    await approveOrder(ops, r.id, { version: await version(r.id) });
    const [line] = await linesOf(r.id);
    await recordShipment(ops, r.id, {
      version: await version(r.id),
      warehouseId: w.north.id,
      carrier: "SF",
      trackingNumber: "X",
      shippedOn: today(),
      lines: [{ lineId: line!.id, quantity: 3 }],
    });
    expect(await stockLevel(w.widget.id, w.east.id)).toMatchObject({ on_hand: 100, reserved: 0 });
    expect(await stockLevel(w.widget.id, w.north.id)).toMatchObject({ on_hand: 47, reserved: 0 });
  });

  it("cancelling an approved order with nothing shipped releases its reservations; once shipped it cannot be cancelled", async () => {
    const w = await orderWorld();
    const ops = actorFor(w.staff.ops);
    const r = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 4 }]);
    await approveOrder(ops, r.id, { version: await version(r.id) });
    expect(await stockLevel(w.widget.id, w.east.id)).toMatchObject({ reserved: 4 });
    await expect(cancelOrder(actorFor(w.a.dealer_sales), r.id, { version: await version(r.id), note: null })).rejects.toBeInstanceOf(ConflictError);
    await cancelOrder(ops, r.id, { version: await version(r.id), note: "customer withdrew" });
    expect(await stockLevel(w.widget.id, w.east.id)).toMatchObject({ reserved: 0 });
    expect((await linesOf(r.id))[0]).toMatchObject({ reserved_qty: 0 });
    expect((await eventsOf(r.id)).at(-1)!.type).toBe("order.cancelled");

    const r2 = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 4 }]);
    await approveOrder(ops, r2.id, { version: await version(r2.id) });
    const [l2] = await linesOf(r2.id);
    await recordShipment(ops, r2.id, {
      version: await version(r2.id),
      warehouseId: w.east.id,
      carrier: "SF",
      trackingNumber: "X",
      shippedOn: today(),
      lines: [{ lineId: l2!.id, quantity: 1 }],
    });
    await expect(cancelOrder(ops, r2.id, { version: await version(r2.id), note: null })).rejects.toBeInstanceOf(ConflictError);
  });
});

describe("dates and backorders", () => {
  it("ops change a promise date with a reason; the change and its reason are kept and announced", async () => {
    const w = await orderWorld();
    const ops = actorFor(w.staff.ops);
    const r = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.custom.id, quantity: 1, options: customOptions }]);
    await approveOrder(ops, r.id, { version: await version(r.id) });
    const [line] = await linesOf(r.id);
    const before = line!.promise_date;
    const newDate = addDays(before!, 7);
    await expectFieldError(
      changePromiseDate(ops, r.id, { version: await version(r.id), lineId: line!.id, newDate: addDays(today(), -1), reason: "x" }),
      "newDate",
      "validation.dateFuture",
    );
    await changePromiseDate(ops, r.id, { version: await version(r.id), lineId: line!.id, newDate, reason: "Paint shop backlog" });
    expect((await orderRow(r.id)).promised_date).toBe(newDate);
    const changes = await db().selectFrom("order_date_changes").selectAll().where("order_id", "=", r.id).orderBy("id").execute();
    expect(changes.slice(1).map((c) => [c.order_line_id, c.old_date, c.new_date, c.reason])).toEqual([
      [line!.id, before, newDate, "Paint shop backlog"],
      [null, before, newDate, "Paint shop backlog"],
    ]);
    expect((await eventsOf(r.id)).at(-1)!.type).toBe("order.promise_changed");
    await expect(
      changePromiseDate(actorFor(w.a.dealer_admin), r.id, { version: await version(r.id), lineId: null, newDate, reason: "x" }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("re-checking stock reserves what arrived for backordered lines and announces it", async () => {
    const w = await orderWorld();
    const ops = actorFor(w.staff.ops);
    const p = await createProduct({ listPrice: 5_00 });
    const r = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: p.id, quantity: 6 }]);
    await approveOrder(ops, r.id, { version: await version(r.id) });
    await addStock(p.id, w.east.id, 4);
    await recheckBackorders(ops, r.id, { version: await version(r.id) });
    expect((await linesOf(r.id))[0]).toMatchObject({ reserved_qty: 4, backordered_qty: 2 });
    expect((await eventsOf(r.id)).at(-1)!.type).toBe("order.backorder_available");
  });
});

describe("stock arriving for backorders", () => {
  it("a receipt or an arrived incoming reserves for the oldest approved backorders first, in the receipt's transaction", async () => {
    const w = await orderWorld();
    const ops = actorFor(w.staff.ops);
    const p = await createProduct({ listPrice: 5_00 });
    const first = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: p.id, quantity: 6 }]);
    const second = await submitNew(w.b.dealer_sales, w.addrB.id, [{ productId: p.id, quantity: 3 }]);
    await approveOrder(ops, first.id, { version: await version(first.id) });
    await approveOrder(ops, second.id, { version: await version(second.id) });
    expect((await linesOf(first.id))[0]).toMatchObject({ reserved_qty: 0, backordered_qty: 6 });
    await postReceipt(ops, p.id, { warehouseId: w.east.id, quantity: 7, reason: "container 12" });
    expect((await linesOf(first.id))[0]).toMatchObject({ reserved_qty: 6, backordered_qty: 0 });
    expect((await linesOf(second.id))[0]).toMatchObject({ reserved_qty: 1, backordered_qty: 2 });
    expect((await eventsOf(first.id)).at(-1)!.type).toBe("order.backorder_available");
    expect(await stockLevel(p.id, w.east.id)).toMatchObject({ on_hand: 7, reserved: 7 });
    const incoming = await planIncoming(ops, p.id, { warehouseId: w.north.id, quantity: 5, eta: inDays(3), source: "purchase", reference: "PO-1" });
    await receiveIncoming(ops, p.id, incoming.id);
    expect((await linesOf(second.id))[0]).toMatchObject({ reserved_qty: 3, backordered_qty: 0 });
    expect(await stockLevel(p.id, w.north.id)).toMatchObject({ on_hand: 5, reserved: 2 });
    expect((await runChecks(db())).filter((c) => !c.ok)).toEqual([]);
  });

  it("a stock import and a count found above the books reserve for waiting orders too; the import job says how many units", async () => {
    const w = await orderWorld();
    const ops = actorFor(w.staff.ops);
    const p = await createProduct({ listPrice: 5_00 });
    const idle = await createProduct({ listPrice: 5_00 });
    const first = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: p.id, quantity: 6 }]);
    const second = await submitNew(w.b.dealer_sales, w.addrB.id, [{ productId: p.id, quantity: 3 }]);
    await approveOrder(ops, first.id, { version: await version(first.id) });
    await approveOrder(ops, second.id, { version: await version(second.id) });
    const csv = `sku,warehouse,on_hand\n${p.sku},${w.east.code},8\n${idle.sku},${w.east.code},4\n`;
    const { jobId } = await runImport(ops, { kind: "stock", mode: "all_or_nothing", filename: "count.csv", bytes: new TextEncoder().encode(csv) });
    const job = await getImportJob(ops, jobId);
    expect(job).toMatchObject({ status: "succeeded", written_rows: 2, allocated_units: 8 });
    expect((await linesOf(first.id))[0]).toMatchObject({ reserved_qty: 6, backordered_qty: 0 });
    expect((await linesOf(second.id))[0]).toMatchObject({ reserved_qty: 2, backordered_qty: 1 });
    expect(await stockLevel(p.id, w.east.id)).toMatchObject({ on_hand: 8, reserved: 8 });
    expect((await eventsOf(second.id)).at(-1)!.type).toBe("order.backorder_available");
    // Nothing waited for the other product: its stock stays free.
    expect(await stockLevel(idle.id, w.east.id)).toMatchObject({ on_hand: 4, reserved: 0 });
    // A counted correction upwards is found stock: the last unit goes to the second order.
    await adjustStock(ops, p.id, { warehouseId: w.north.id, delta: 1, reason: "found in recount" });
    expect((await linesOf(second.id))[0]).toMatchObject({ reserved_qty: 3, backordered_qty: 0 });
    // A correction downwards reserves nothing and never touches reservations.
    await adjustStock(ops, idle.id, { warehouseId: w.east.id, delta: -1, reason: "damaged" });
    expect(await stockLevel(idle.id, w.east.id)).toMatchObject({ on_hand: 3, reserved: 0 });
    // An import when nothing waits records no allocation.
    const again = await runImport(ops, {
      kind: "stock",
      mode: "all_or_nothing",
      filename: "count2.csv",
      bytes: new TextEncoder().encode(`sku,warehouse,on_hand\n${idle.sku},${w.east.code},5\n`),
    });
    expect((await getImportJob(ops, again.jobId)).allocated_units).toBeNull();
    expect((await runChecks(db())).filter((c) => !c.ok)).toEqual([]);
  });
});

describe("reading and scope", () => {
  it("dealers see their own orders, account managers their assigned dealers', staff all submitted ones", async () => {
    const w = await orderWorld();
    const a = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 1 }]);
    const b = await submitNew(w.b.dealer_sales, w.addrB.id, [{ productId: w.widget.id, quantity: 1 }]);
    const draft = await freshDraft(w);
    const q = { sort: "newest" as const, page: 1 };
    const numbers = async (u: Parameters<typeof actorFor>[0]) => (await listOrders(actorFor(u), q)).rows.map((r) => r.number ?? `draft-${r.id}`).sort();
    expect(await numbers(w.a.dealer_finance)).toEqual([a.number, `draft-${draft.id}`].sort());
    expect(await numbers(w.b.dealer_sales)).toEqual([b.number]);
    expect(await numbers(w.staff.account_manager)).toEqual([a.number]);
    expect(await numbers(w.am2)).toEqual([b.number]);
    expect(await numbers(w.staff.ops)).toEqual([a.number, b.number].sort());
    await expect(getOrderPage(actorFor(w.b.dealer_admin), a.number)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getOrderPage(actorFor(w.am2), a.number)).rejects.toBeInstanceOf(NotFoundError);
    const amPage = await getOrderPage(actorFor(w.staff.account_manager), a.number);
    expect(Object.values(amPage.actions).some(Boolean)).toBe(false);
    // Filters: SKU, status, number search.
    expect((await listOrders(actorFor(w.staff.ops), { ...q, sku: "NOPE" })).rows).toHaveLength(0);
    expect((await listOrders(actorFor(w.staff.ops), { ...q, sku: w.widget.sku, q: a.number })).rows.map((r) => r.number)).toEqual([a.number]);
    expect((await listOrders(actorFor(w.staff.ops), { ...q, status: "approved" })).rows).toHaveLength(0);
    // Totals (from the maintained per-dealer counts for status/dealer filters) equal the rows, for every scope.
    await approveOrder(actorFor(w.staff.ops), a.id, { version: await version(a.id) });
    const cases: [Parameters<typeof actorFor>[0], Partial<{ status: "approved" | "submitted" | "draft"; dealerId: number; q: string }>][] = [
      [w.a.dealer_finance, {}],
      [w.a.dealer_finance, { status: "draft" }],
      [w.b.dealer_sales, {}],
      [w.staff.account_manager, {}],
      [w.am2, { status: "approved" }],
      [w.staff.ops, {}],
      [w.staff.ops, { status: "approved" }],
      [w.staff.ops, { status: "submitted", dealerId: w.dealerB.id }],
      [w.staff.ops, { dealerId: w.dealerA.id }],
      [w.staff.ops, { q: "SO-" }],
    ];
    for (const [u, f] of cases) {
      const r = await listOrders(actorFor(u), { ...q, ...f });
      expect(r.total, `${u.role} ${JSON.stringify(f)}`).toBe(r.rows.length);
    }
    expect((await listOrders(actorFor(w.staff.ops), q)).total).toBe(2);
    expect((await listOrders(actorFor(w.a.dealer_finance), q)).total).toBe(2);
    expect((await runChecks(db())).filter((c) => !c.ok)).toEqual([]);
  });

  it("dealer B cannot act on dealer A's order: every action is not found", async () => {
    const w = await orderWorld();
    const r = await submitNew(w.a.dealer_sales, w.addrA.id, [{ productId: w.widget.id, quantity: 1 }]);
    const v = await version(r.id);
    const b = actorFor(w.b.dealer_admin);
    await expect(cancelOrder(b, r.id, { version: v, note: null })).rejects.toBeInstanceOf(NotFoundError);
    await expect(confirmDelivery(b, r.id, { version: v, shipmentId: 1 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(submitOrder(b, { orderId: r.id, submitKey: uniq("k-") })).rejects.toBeInstanceOf(NotFoundError);
    expect((await orderRow(r.id)).version).toBe(v);
  });
});

describe("made-to-order products", () => {
  it("custom products without a schema accept no options", async () => {
    const w = await orderWorld();
    const plain = await createCustomProduct({ optionsSchema: null });
    await expectFieldError(
      saveDraftFromForm(actorFor(w.a.dealer_sales), {
        orderId: null,
        form: draftForm({ addressId: w.addrA.id, lines: [{ productId: plain.id, quantity: 1, options: { color: "x" } }] }),
      }),
      "lines.0.opt.color",
      "catalog.optionUnknown",
    );
  });
});

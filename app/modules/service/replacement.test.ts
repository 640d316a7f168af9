import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor } from "../../../tests/factories";
import { orderIn, orderRow, orderWorld, today } from "../../../tests/factories/orders";
import { openServiceCase } from "../../../tests/factories/service";
import { clockForEachTest } from "../../../tests/helpers/clock";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";
import { cancelOrder, recordShipment } from "~/modules/orders/orders.server";
import { getOrderPage } from "~/modules/orders/orders.views.server";
import { ReplacementSchema, TransitionSchema } from "./service.schema.server";
import { createReplacement, findReplacementInvariantViolations, replacementSection } from "./replacement.server";
import { moveCase } from "./service.server";

clockForEachTest("2026-12-04T02:00:00Z");

const qty = (lineId: number, n: number | string) => ReplacementSchema.parse({ [`qty_${lineId}`]: String(n) });
const ordersOfA = async (dealerId: number) => (await getDb().selectFrom("orders").select("id").where("dealer_id", "=", dealerId).execute()).length;

/** Dealer A's shipped order (2 widgets, 1 custom) and a case about its widget line. */
async function lineCase() {
  const w = await orderWorld();
  const order = await orderIn(w, "shipped");
  const lines = await getDb().selectFrom("order_lines").selectAll().where("order_id", "=", order.id).orderBy("line_no").execute();
  const line = lines.find((l) => l.product_id === w.widget.id)!;
  const c = await openServiceCase(w.a.dealer_sales, { about: "order_line", orderLineId: line.id, caseType: "wrong_or_damaged" });
  return { w, order, lines, line, c, desk: actorFor(w.staff.service), ops: actorFor(w.staff.ops) };
}

describe("replacement shipments at no charge", () => {
  it("creates an approved zero-priced order linked to the case, at most what was shipped; shipping it posts no invoice", async () => {
    const { w, order, line, c, desk, ops } = await lineCase();
    const before = await ordersOfA(w.dealerA.id);
    await expect(createReplacement(desk, c.id, qty(line.id, 3))).rejects.toMatchObject({ fieldErrors: { [`qty_${line.id}`]: ["service.replace.tooMany"] } });
    await expect(createReplacement(desk, c.id, qty(line.id, 0))).rejects.toMatchObject({ fieldErrors: { lines: ["service.replace.noLines"] } });
    expect(await ordersOfA(w.dealerA.id)).toBe(before);

    const r = await createReplacement(desk, c.id, qty(line.id, 2));
    expect(r.number).toMatch(/^SO-2026-\d{6}$/);
    const o = await orderRow(r.id);
    expect([o.status, o.total_minor, o.service_case_id, o.dealer_id, o.address_snapshot]).toEqual([
      "approved",
      0,
      c.id,
      w.dealerA.id,
      (await orderRow(order.id)).address_snapshot,
    ]);
    const newLines = await getDb().selectFrom("order_lines").selectAll().where("order_id", "=", r.id).execute();
    expect(newLines.map((l) => [l.product_id, l.quantity, l.unit_price_minor, l.reserved_qty])).toEqual([[w.widget.id, 2, 0, 2]]);
    const history = await getDb().selectFrom("order_status_history").select(["from_status", "to_status"]).where("order_id", "=", r.id).orderBy("id").execute();
    expect(history.map((h) => `${h.from_status}→${h.to_status}`)).toEqual(["draft→submitted", "submitted→approved"]);
    const kase = await getDb().selectFrom("service_cases").select("outcome").where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(kase.outcome).toBe("replacement");
    const audits = await getDb()
      .selectFrom("audit_log")
      .select("action")
      .where("entity_type", "=", "service_case")
      .where("entity_id", "=", String(c.id))
      .execute();
    expect(audits.map((a) => a.action)).toContain("service.replacement_created");
    // Nothing left to replace on the line.
    await expect(createReplacement(desk, c.id, qty(line.id, 1))).rejects.toBeInstanceOf(ValidationError);
    expect((await replacementSection(desk, c.id)).replaceable).toEqual([]);

    // The order desk ships it like any order: no ledger entry.
    const entriesBefore = await getDb().selectFrom("ledger_entries").select("id").where("dealer_id", "=", w.dealerA.id).execute();
    const shipped = await recordShipment(ops, r.id, {
      version: o.version,
      warehouseId: w.east.id,
      carrier: "SF Express",
      trackingNumber: "SF-R1",
      shippedOn: today(),
      lines: [{ lineId: newLines[0]!.id, quantity: 2 }],
    });
    expect([shipped.status, shipped.valueMinor, shipped.invoiceEntryId]).toEqual(["shipped", 0, null]);
    expect(await getDb().selectFrom("ledger_entries").select("id").where("dealer_id", "=", w.dealerA.id).execute()).toHaveLength(entriesBefore.length);
    expect(await findReplacementInvariantViolations(getDb())).toEqual([]);
  });

  it("a case about a shipment replaces that shipment's lines; a cancelled replacement frees its quantity", async () => {
    const { w, order, lines, desk, ops } = await lineCase();
    const shipment = await getDb().selectFrom("shipments").select("id").where("order_id", "=", order.id).executeTakeFirstOrThrow();
    const c = await openServiceCase(w.a.dealer_admin, { about: "shipment", shipmentId: shipment.id, caseType: "missing_items" });
    const section = await replacementSection(desk, c.id);
    expect(section.canReplace).toBe(true);
    expect(section.replaceable.map((l) => [l.id, l.left]).sort()).toEqual(lines.map((l) => [l.id, l.quantity]).sort());
    const both = ReplacementSchema.parse({ [`qty_${lines[0]!.id}`]: "1", [`qty_${lines[1]!.id}`]: "1" });
    const r = await createReplacement(desk, c.id, both);
    expect((await getDb().selectFrom("order_lines").select("unit_price_minor").where("order_id", "=", r.id).execute()).map((l) => l.unit_price_minor)).toEqual([
      0, 0,
    ]);
    // The custom line's one unit is taken; the widget line has one left.
    await expect(createReplacement(desk, c.id, qty(lines[1]!.id, 1))).rejects.toBeInstanceOf(ValidationError);
    await cancelOrder(ops, r.id, { version: (await orderRow(r.id)).version, note: "not needed" });
    expect((await replacementSection(desk, c.id)).replaceable.find((l) => l.id === lines[1]!.id)?.left).toBe(1);
  });

  it("only the desk creates one; another dealer and another account manager get 404; the dealer sees the order and the link back", async () => {
    const { w, line, c, desk } = await lineCase();
    await expect(createReplacement(actorFor(w.a.dealer_admin), c.id, qty(line.id, 1))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createReplacement(actorFor(w.staff.ops), c.id, qty(line.id, 1))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(replacementSection(actorFor(w.b.dealer_admin), c.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(replacementSection(actorFor(w.am2), c.id)).rejects.toBeInstanceOf(NotFoundError);
    const r = await createReplacement(desk, c.id, qty(line.id, 1));
    const seen = await replacementSection(actorFor(w.a.dealer_finance), c.id);
    expect(seen.orders.map((o) => o.number)).toEqual([r.number]);
    expect([seen.replaceable, seen.canReplace]).toEqual([[], false]);
    const page = await getOrderPage(actorFor(w.a.dealer_sales), r.number);
    expect(page.serviceCase).toEqual({ number: c.number, href: `/service/${c.id}` });
    expect((await getOrderPage(actorFor(w.staff.ops), r.number)).serviceCase).toEqual({ number: c.number, href: null });
    await expect(getOrderPage(actorFor(w.b.dealer_sales), r.number)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("a case about the account has nothing to replace; a closed case takes no replacement", async () => {
    const { w, line, c, desk } = await lineCase();
    const account = await openServiceCase(w.a.dealer_sales);
    expect((await replacementSection(desk, account.id)).canReplace).toBe(false);
    await expect(createReplacement(desk, account.id, qty(line.id, 1))).rejects.toMatchObject({
      fieldErrors: { [`qty_${line.id}`]: ["service.replace.tooMany"] },
    });
    await moveCase(desk, c.id, TransitionSchema.parse({ action: "start" }));
    await moveCase(desk, c.id, TransitionSchema.parse({ action: "resolve" }));
    await moveCase(desk, c.id, TransitionSchema.parse({ action: "close" }));
    await expect(createReplacement(desk, c.id, qty(line.id, 1))).rejects.toBeInstanceOf(ConflictError);
  });

  it("resolving records answer, field visit or replacement; a replacement outcome needs its order; the outcome stays when none is chosen", async () => {
    const { line, c, desk } = await lineCase();
    const outcome = async () => (await getDb().selectFrom("service_cases").select("outcome").where("id", "=", c.id).executeTakeFirstOrThrow()).outcome;
    await moveCase(desk, c.id, TransitionSchema.parse({ action: "start" }));
    await expect(moveCase(desk, c.id, TransitionSchema.parse({ action: "resolve", outcome: "replacement" }))).rejects.toMatchObject({
      fieldErrors: { outcome: ["service.outcomeNeedsRecord"] },
    });
    expect(await outcome()).toBeNull();
    await moveCase(desk, c.id, TransitionSchema.parse({ action: "resolve", outcome: "field_visit" }));
    expect(await outcome()).toBe("field_visit");
    await moveCase(desk, c.id, TransitionSchema.parse({ action: "reopen" }));
    await createReplacement(desk, c.id, qty(line.id, 1));
    await moveCase(desk, c.id, TransitionSchema.parse({ action: "resolve" }));
    expect(await outcome()).toBe("replacement");
  });
});

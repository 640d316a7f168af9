/**
 * Order fixtures: a world with two dealers, warehouses, stock and custom
 * products, and helpers that drive orders to any status through the domain
 * functions (never by writing statuses directly).
 */
import { getDb } from "../../db/client";
import { actorFor, createCast, uniq, type TestUser } from "./index";
import { addStock, createAddress, createCustomProduct, createProduct, createWarehouse } from "./ordering";
import { addDays, todayIn } from "../../app/utils/time";
import { env } from "../../app/utils/env.server";
import type { DraftForm } from "../../app/modules/orders/orders.schema.server";
import {
  approveOrder,
  cancelOrder,
  confirmDelivery,
  recordShipment,
  rejectOrder,
  saveDraftFromForm,
  sendBackOrder,
  submitOrder,
} from "../../app/modules/orders/orders.server";
import type { OrderStatus } from "../../app/modules/orders/state";

export const today = () => todayIn(env().BUSINESS_TZ);
export const inDays = (n: number) => addDays(today(), n);

export type FormLine = { productId: number; quantity: number; options?: Record<string, string>; specNotes?: string | null; lineId?: number | null };

export function draftForm(p: {
  addressId?: number | null;
  requestedDate?: string | null;
  lines: FormLine[];
  version?: number;
  poReference?: string;
}): DraftForm {
  return {
    addressId: p.addressId ?? null,
    requestedDate: p.requestedDate === undefined ? inDays(14) : p.requestedDate,
    poReference: p.poReference ?? "PO-TEST",
    notes: null,
    lines: p.lines.map((l) => ({
      lineId: l.lineId ?? null,
      productId: l.productId,
      quantity: l.quantity,
      specNotes: l.specNotes ?? null,
      options: l.options ?? {},
    })),
    version: p.version,
  };
}

export async function orderWorld() {
  const cast = await createCast();
  const east = await createWarehouse({ region: "east" });
  const north = await createWarehouse({ region: "north" });
  const widget = await createProduct({ listPrice: 100_00, tierPrices: { gold: 90_00, platinum: 80_00 } });
  await addStock(widget.id, east.id, 100);
  await addStock(widget.id, north.id, 50);
  const custom = await createCustomProduct({ listPrice: 500_00, tierPrices: { gold: 450_00 } });
  const addrA = await createAddress(cast.dealerA.id);
  const addrB = await createAddress(cast.dealerB.id);
  return { ...cast, east, north, widget, custom, addrA, addrB };
}
export type World = Awaited<ReturnType<typeof orderWorld>>;

export const customOptions = { color: "grey", width: "1200", engraving: "HC" };

export async function submitNew(user: TestUser, addressId: number, lines: FormLine[], key = uniq("k-")) {
  return submitOrder(actorFor(user), { orderId: null, submitKey: key, form: draftForm({ addressId, lines }) });
}

export async function orderRow(id: number) {
  return getDb().selectFrom("orders").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

/** An order of dealer A (2 widgets + 1 custom) driven to `status` through the domain. */
export async function orderIn(w: World, status: OrderStatus): Promise<{ id: number; version: number }> {
  const dealer = actorFor(w.a.dealer_sales);
  const ops = actorFor(w.staff.ops);
  const lines: FormLine[] = [
    { productId: w.widget.id, quantity: 2 },
    { productId: w.custom.id, quantity: 1, options: customOptions },
  ];
  if (status === "credit_hold") {
    await getDb().updateTable("organisations").set({ credit_limit_minor: 1 }).where("id", "=", w.dealerA.id).execute();
    const r = await submitNew(w.a.dealer_sales, w.addrA.id, lines);
    await getDb().updateTable("organisations").set({ credit_limit_minor: 1_000_000_00 }).where("id", "=", w.dealerA.id).execute();
    return { id: r.id, version: (await orderRow(r.id)).version };
  }
  const r = await submitNew(w.a.dealer_sales, w.addrA.id, lines);
  const v = async () => (await orderRow(r.id)).version;
  if (status === "submitted") return { id: r.id, version: await v() };
  if (status === "draft") {
    // A draft the order desk can see: submitted once, then sent back for changes.
    await sendBackOrder(ops, r.id, { version: await v(), note: "please change" });
    return { id: r.id, version: await v() };
  }
  if (status === "rejected") {
    await rejectOrder(ops, r.id, { version: await v(), note: "not now" });
    return { id: r.id, version: await v() };
  }
  if (status === "cancelled") {
    await cancelOrder(dealer, r.id, { version: await v(), note: null });
    return { id: r.id, version: await v() };
  }
  await approveOrder(ops, r.id, { version: await v() });
  if (status === "approved") return { id: r.id, version: await v() };
  const lineRows = await getDb().selectFrom("order_lines").select(["id", "product_id", "quantity"]).where("order_id", "=", r.id).orderBy("line_no").execute();
  // The custom line ships from stock produced for it.
  await addStock(w.custom.id, w.east.id, 1);
  const ship = (lines: { lineId: number; quantity: number }[]) =>
    v().then((version) =>
      recordShipment(ops, r.id, { version, warehouseId: w.east.id, carrier: "SF Express", trackingNumber: uniq("SF"), shippedOn: today(), lines }),
    );
  if (status === "partially_shipped") {
    await ship([{ lineId: lineRows[0]!.id, quantity: 1 }]);
    return { id: r.id, version: await v() };
  }
  const s = await ship(lineRows.map((l) => ({ lineId: l.id, quantity: l.quantity })));
  if (status === "shipped") return { id: r.id, version: await v() };
  await confirmDelivery(dealer, r.id, { version: await v(), shipmentId: s.shipmentId });
  return { id: r.id, version: await v() };
}

/** A draft never submitted (visible to its dealer only). */
export async function freshDraft(w: World, lines: FormLine[] = [{ productId: w.widget.id, quantity: 2 }]) {
  return saveDraftFromForm(actorFor(w.a.dealer_sales), { orderId: null, form: draftForm({ addressId: w.addrA.id, lines }) });
}

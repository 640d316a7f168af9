/**
 * Form to domain input: what the order builder and the shipment form posted, as the input
 * the order commands take (orders.server.ts). No prices come from a form.
 */
import type { Executor } from "../../../db/client";
import type { OrderableProduct } from "~/modules/catalog/pricing.server";
import type { DraftForm, ShipmentForm } from "./orders.schema.server";
import type { ShipmentInput } from "./orders.server";

/** The form's lines as trusted input: quote-priced lines keep their price; their quantity is checked against the quote. */
export async function formLinesToInput(tx: Executor, orderId: number | null, form: DraftForm) {
  const existing = orderId
    ? await tx
        .selectFrom("order_lines")
        .select(["id", "product_id", "quantity", "unit_price_minor", "quote_line_id"])
        .where("order_id", "=", orderId)
        .where("quote_line_id", "is not", null)
        .execute()
    : [];
  const quoteLines = new Map(existing.map((l) => [l.id, l]));
  return form.lines.map((l) => {
    const q = l.lineId ? quoteLines.get(l.lineId) : undefined;
    const keep = q && q.product_id === l.productId ? q : undefined;
    return {
      productId: l.productId,
      // What was typed: a quote line may be ordered in part; more than quoted is refused (assertQuoteCeilings).
      quantity: l.quantity,
      options: l.options,
      specNotes: l.specNotes,
      keepPrice: keep ? { unitPriceMinor: keep.unit_price_minor, quoteLineId: keep.quote_line_id } : undefined,
    };
  });
}

export function headerOf(form: DraftForm) {
  return { addressId: form.addressId, requestedDate: form.requestedDate, poReference: form.poReference, notes: form.notes };
}

/** Default quantity for a newly added product (its minimum, rounded up to its multiple). */
export function defaultQuantity(p: OrderableProduct): number {
  const s = p.optionsSchema;
  if (!s) return 1;
  return Math.ceil(s.minQuantity / s.quantityMultiple) * s.quantityMultiple;
}

/** ShipmentForm (qty.<lineId>) to ShipmentInput; empty quantities are left out. */
export function shipmentInputFromForm(form: ShipmentForm): ShipmentInput {
  const lines = Object.entries(form.lines)
    .filter(([, q]) => q !== "" && Number(q) > 0)
    .map(([id, q]) => ({ lineId: Number(id), quantity: Number(q) }));
  return { version: form.version, warehouseId: form.warehouseId, carrier: form.carrier, trackingNumber: form.trackingNumber, shippedOn: form.shippedOn, lines };
}

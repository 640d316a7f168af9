/**
 * Booking the sale: the dealer turns an accepted quote into an order draft with
 * exactly the quoted prices, in the same transaction that marks the quote
 * converted (quotes.server.ts does every check; orders owns the draft).
 */
import type { Actor } from "~/modules/auth/actor";
import { createDraftTx } from "~/modules/orders/orders.server";
import { now } from "~/utils/time";
import { bookQuote, type CreateOrderFn } from "./quotes.server";

const createOrderFromQuote: CreateOrderFn = async (tx, actor, input) => {
  const draft = await createDraftTx(
    tx,
    actor,
    {
      lines: input.lines.map((l) => ({ productId: l.productId, quantity: l.quantity, unitPriceMinor: l.unitPriceMinor, quoteLineId: l.quoteLineId })),
      dealId: input.dealId,
      quoteId: input.quoteId,
    },
    now(),
  );
  return { orderId: draft.id, number: null };
};

export function bookQuoteAsOrder(actor: Actor, quoteId: number) {
  return bookQuote(actor, quoteId, createOrderFromQuote);
}

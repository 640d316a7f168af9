/**
 * The one check a return (RMA) and a replacement make of the quantities asked per order line of a case
 * (`qty_<order line id>`): at least one line, the asked lines locked, each quantity within what is left of it.
 */
import type { Executor } from "../../../db/client";
import type { MessageKey } from "~/i18n";
import { ValidationError, type FieldErrors } from "~/utils/errors";
import type { AuthoriseRmaInput } from "./service.schema.server";

type Wanted = AuthoriseRmaInput["lines"];

/**
 * The lines asked for (a quantity above 0), their order lines locked in id order so that two requests for the
 * same line cannot both pass the check that follows; none asked is the form's error `noLines`.
 */
export async function lockWantedLines(tx: Executor, lines: Wanted, noLines: MessageKey): Promise<Wanted> {
  const wanted = lines.filter((l) => l.quantity > 0);
  if (!wanted.length) throw new ValidationError("validation.formErrors", { lines: [noLines] });
  await tx
    .selectFrom("order_lines")
    .select("id")
    .where(
      "id",
      "in",
      wanted.map((w) => w.orderLineId),
    )
    .orderBy("id")
    .forUpdate()
    .execute();
  return wanted;
}

/** Each wanted line among those `available`, within what is `left` of it; else `tooMany` on its input (`qty_<id>`). */
export function checkWantedQuantities<L>(wanted: Wanted, available: Map<number, L>, left: (line: L) => number, tooMany: MessageKey): void {
  const errors: FieldErrors = {};
  for (const w of wanted) {
    const l = available.get(w.orderLineId);
    if (!l || w.quantity > left(l)) errors[`qty_${w.orderLineId}`] = [tooMany];
  }
  if (Object.keys(errors).length) throw new ValidationError("validation.formErrors", errors);
}

import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor } from "../../../tests/factories";
import { orderIn, orderWorld } from "../../../tests/factories/orders";
import { openServiceCase } from "../../../tests/factories/service";
import { clockForEachTest } from "../../../tests/helpers/clock";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";
import { findStockInvariantViolations } from "~/modules/stock/movements.server";
import { AuthoriseRmaSchema } from "./service.schema.server";
import { authoriseRma, findRmaInvariantViolations, receiveRma, rmaSection } from "./rma.server";

clockForEachTest("2026-12-04T02:00:00Z");

/** Dealer A's shipped order, its widget line (2 shipped) and a case about that line. */
async function shippedCase() {
  const w = await orderWorld();
  const order = await orderIn(w, "shipped");
  const lines = await getDb().selectFrom("order_lines").selectAll().where("order_id", "=", order.id).orderBy("line_no").execute();
  const line = lines.find((l) => l.product_id === w.widget.id)!;
  const c = await openServiceCase(w.a.dealer_sales, { about: "order_line", orderLineId: line.id, caseType: "wrong_or_damaged" });
  return { w, order, line, c, desk: actorFor(w.staff.service) };
}
const qty = (lineId: number, n: number | string) => AuthoriseRmaSchema.parse({ [`qty_${lineId}`]: String(n) });
const level = async (productId: number, warehouseId: number) =>
  (await getDb().selectFrom("stock_levels").select("on_hand").where("product_id", "=", productId).where("warehouse_id", "=", warehouseId).executeTakeFirst())
    ?.on_hand ?? 0;

describe("returns (RMA)", () => {
  it("authorises at most what was shipped, less earlier returns", async () => {
    const { line, c, desk } = await shippedCase();
    expect(line.shipped_qty).toBe(2);
    await expect(authoriseRma(desk, c.id, qty(line.id, 3))).rejects.toMatchObject({ fieldErrors: { [`qty_${line.id}`]: ["service.rma.tooMany"] } });
    const first = await authoriseRma(desk, c.id, qty(line.id, 1));
    expect(first.number).toMatch(/^RMA\d{6}$/);
    await expect(authoriseRma(desk, c.id, qty(line.id, 2))).rejects.toBeInstanceOf(ValidationError);
    await authoriseRma(desk, c.id, qty(line.id, 1));
    expect((await rmaSection(desk, c.id)).returnable.find((l) => l.id === line.id)).toBeUndefined();
    await expect(authoriseRma(desk, c.id, qty(line.id, 0))).rejects.toMatchObject({ fieldErrors: { lines: ["service.rma.noLines"] } });
    expect(await getDb().selectFrom("service_rmas").select("id").execute()).toHaveLength(2);
    expect((await getDb().selectFrom("service_cases").select("outcome").where("id", "=", c.id).executeTakeFirstOrThrow()).outcome).toBe("rma");
  });

  it("receiving moves the goods into the chosen warehouse and posts the credit note in the same transaction, once", async () => {
    const { w, line, c, desk } = await shippedCase();
    const rma = await authoriseRma(desk, c.id, qty(line.id, 2));
    const before = await level(w.widget.id, w.north.id);
    const balanceBefore =
      (await getDb().selectFrom("dealer_balances").select("balance_minor").where("dealer_id", "=", w.dealerA.id).executeTakeFirst())?.balance_minor ?? 0;
    // A warehouse that does not exist: nothing moves, nothing is posted.
    await expect(receiveRma(desk, c.id, rma.id, 999_999)).rejects.toBeInstanceOf(ValidationError);
    expect(await level(w.widget.id, w.north.id)).toBe(before);
    const { creditId } = await receiveRma(desk, c.id, rma.id, w.north.id);
    expect(await level(w.widget.id, w.north.id)).toBe(before + 2);
    const credit = await getDb().selectFrom("ledger_entries").selectAll().where("id", "=", creditId).executeTakeFirstOrThrow();
    expect(credit.entry_type).toBe("credit_note");
    expect(credit.amount_minor).toBe(-2 * line.unit_price_minor);
    expect(credit.business_date).toBe("2026-12-04");
    expect(credit.reference).toBe(rma.number);
    const balanceAfter = (await getDb().selectFrom("dealer_balances").select("balance_minor").where("dealer_id", "=", w.dealerA.id).executeTakeFirstOrThrow())
      .balance_minor;
    expect(balanceAfter).toBe(balanceBefore - 2 * line.unit_price_minor);
    const movement = await getDb().selectFrom("stock_movements").selectAll().where("ref_type", "=", "rma").executeTakeFirstOrThrow();
    expect([movement.ref_id, movement.on_hand_delta, movement.warehouse_id]).toEqual([String(rma.id), 2, w.north.id]);
    await expect(receiveRma(desk, c.id, rma.id, w.north.id)).rejects.toBeInstanceOf(ConflictError);
    expect(await getDb().selectFrom("ledger_entries").select("id").where("source_type", "=", "rma").execute()).toHaveLength(1);
    expect(await findRmaInvariantViolations(getDb())).toEqual([]);
    const stock = await findStockInvariantViolations(getDb());
    expect([...stock.mismatched, ...stock.orphans]).toEqual([]);
  });

  it("only the desk authorises and receives; another dealer or account manager gets 404; a dealer sees the return", async () => {
    const { w, line, c, desk } = await shippedCase();
    await expect(authoriseRma(actorFor(w.a.dealer_admin), c.id, qty(line.id, 1))).rejects.toBeInstanceOf(ForbiddenError);
    const rma = await authoriseRma(desk, c.id, qty(line.id, 1));
    await expect(receiveRma(actorFor(w.staff.account_manager), c.id, rma.id, w.east.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(rmaSection(actorFor(w.b.dealer_admin), c.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(rmaSection(actorFor(w.am2), c.id)).rejects.toBeInstanceOf(NotFoundError);
    const seen = await rmaSection(actorFor(w.a.dealer_finance), c.id);
    expect(seen.rmas.map((r) => r.number)).toEqual([rma.number]);
    expect(seen.returnable).toEqual([]); // the form is the desk's
    // An RMA of another case cannot be received through this one.
    const other = await openServiceCase(w.a.dealer_sales);
    await expect(receiveRma(desk, other.id, rma.id, w.east.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("db:check finds a return beyond what was shipped and a credit note that does not match its lines", async () => {
    const { w, line, c, desk } = await shippedCase();
    const rma = await authoriseRma(desk, c.id, qty(line.id, 2));
    await receiveRma(desk, c.id, rma.id, w.east.id);
    await getDb().updateTable("service_rma_lines").set({ quantity: 5 }).where("rma_id", "=", rma.id).execute();
    await getDb().updateTable("service_rmas").set({ total_minor: 1 }).where("id", "=", rma.id).execute();
    const problems = (await findRmaInvariantViolations(getDb())).map((p) => p.problem).sort();
    expect(problems).toEqual(["credit note does not match the return's lines", "returned more than shipped"]);
  });
});

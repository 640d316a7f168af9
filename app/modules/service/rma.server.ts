/**
 * Return authorisations (退货授权, RMA) of service cases (issue #23, item 4; decision 131). The desk
 * authorises lines of one of the dealer's orders, each at most what was shipped on that line less what
 * earlier returns already took; when the goods arrive it receives them into a chosen warehouse: the stock
 * movements and the credit note on the dealer's ledger are written in one transaction, so a return is
 * never stocked without its credit or credited without its stock.
 */
import { sql } from "kysely";
import { db, type Executor } from "../../../db/client";
import { audit } from "~/modules/audit/audit.server";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { can, scopes } from "~/modules/auth/access.server";
import { systemDescription } from "~/modules/ledger/descriptions";
import { postEntry } from "~/modules/ledger/post.server";
import { applyMovement } from "~/modules/stock/movements.server";
import { env } from "~/utils/env.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { now, todayIn } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { checkWantedQuantities, lockWantedLines } from "./line-quantities.server";
import type { AuthoriseRmaInput } from "./service.schema.server";

/** The case in the actor's scope, with the orders a return may be about: the case's own and the ones linked to it. */
async function caseOrders(dbx: Executor, actor: Actor, caseId: number) {
  const c = await dbx
    .selectFrom("service_cases as sc")
    .select(["sc.id", "sc.number", "sc.dealer_id", "sc.order_id", "sc.status"])
    .where("sc.id", "=", caseId)
    .where(scopes.serviceCase.where(actor, "sc.dealer_id"))
    .executeTakeFirst();
  if (!c) throw new NotFoundError();
  const linked = await dbx.selectFrom("service_case_links").select("ref_id").where("case_id", "=", caseId).where("kind", "=", "order").execute();
  const orderIds = [...new Set([c.order_id, ...linked.map((l) => l.ref_id)].filter((x): x is number => x !== null))];
  return { c, orderIds };
}

/** Returnable quantity per order line: shipped less every earlier return of that line (authorised or received). */
function returnableLines(dbx: Executor, orderIds: number[]) {
  return dbx
    .selectFrom("order_lines as ol")
    .innerJoin("orders as o", "o.id", "ol.order_id")
    .select([
      "ol.id",
      "ol.order_id",
      "ol.product_id",
      "ol.sku",
      "ol.shipped_qty",
      "ol.unit_price_minor",
      "o.number as order_number",
      "o.currency",
      sql<number>`COALESCE((SELECT SUM(rl.quantity) FROM service_rma_lines rl WHERE rl.order_line_id = ol.id), 0)`.as("returned"),
    ])
    .where("ol.order_id", "in", orderIds.length ? orderIds : [0])
    .where("ol.shipped_qty", ">", 0)
    .orderBy("o.number")
    .orderBy("ol.line_no")
    .execute();
}

/** What the case page shows of returns: the case's RMAs with their lines, and for the desk the returnable lines and warehouses. */
export async function rmaSection(actor: Actor, caseId: number) {
  requirePermission(actor, "service:read");
  const { orderIds } = await caseOrders(db, actor, caseId);
  const rmas = await db
    .selectFrom("service_rmas as r")
    .leftJoin("warehouses as w", "w.id", "r.warehouse_id")
    .select(["r.id", "r.number", "r.status", "r.total_minor", "r.currency", "r.created_at", "r.received_at", "r.credit_entry_id", "w.code as warehouse_code"])
    .where("r.case_id", "=", caseId)
    .orderBy("r.created_at")
    .execute();
  const lines = rmas.length
    ? await db
        .selectFrom("service_rma_lines as rl")
        .innerJoin("order_lines as ol", "ol.id", "rl.order_line_id")
        .select(["rl.rma_id", "rl.order_line_id", "ol.sku", "rl.quantity", "rl.amount_minor"])
        .where(
          "rl.rma_id",
          "in",
          rmas.map((r) => r.id),
        )
        .orderBy("ol.line_no")
        .execute()
    : [];
  const desk = can(actor, "service:work");
  const [returnable, warehouses] = desk
    ? await Promise.all([
        returnableLines(db, orderIds),
        db.selectFrom("warehouses").select(["id", "code", "name_en", "name_zh"]).where("status", "=", "active").orderBy("code").execute(),
      ])
    : [[], []];
  return {
    rmas: rmas.map((r) => ({ ...r, lines: lines.filter((l) => l.rma_id === r.id) })),
    returnable: returnable.map((l) => ({ ...l, returned: Number(l.returned), left: l.shipped_qty - Number(l.returned) })).filter((l) => l.left > 0),
    warehouses,
  };
}

/** Authorises a return of some lines of one order of the case; a quantity beyond what is left to return is a field error. */
export async function authoriseRma(actor: Actor, caseId: number, input: AuthoriseRmaInput) {
  requirePermission(actor, "service:work");
  return transaction("service.rma_authorise", async (tx) => {
    const { c, orderIds } = await caseOrders(tx, actor, caseId);
    if (c.status === "closed") throw new ConflictError("service.closedNoReply");
    const wanted = await lockWantedLines(tx, input.lines, "service.rma.noLines");
    const available = new Map((await returnableLines(tx, orderIds)).map((l) => [l.id, l]));
    checkWantedQuantities(wanted, available, (l) => l.shipped_qty - Number(l.returned), "service.rma.tooMany");
    const orderOf = new Set(wanted.map((w) => available.get(w.orderLineId)!.order_id));
    if (orderOf.size !== 1) throw new ValidationError("validation.formErrors", { lines: ["service.rma.oneOrder"] });
    const orderId = [...orderOf][0]!;
    const rows = wanted.map((w) => {
      const l = available.get(w.orderLineId)!;
      return {
        order_line_id: l.id,
        product_id: l.product_id,
        quantity: w.quantity,
        unit_price_minor: l.unit_price_minor,
        amount_minor: l.unit_price_minor * w.quantity,
      };
    });
    const total = rows.reduce((s, r) => s + r.amount_minor, 0);
    const currency = available.get(wanted[0]!.orderLineId)!.currency;
    const res = await tx
      .insertInto("service_rmas")
      .values({
        case_id: caseId,
        dealer_id: c.dealer_id,
        order_id: orderId,
        status: "authorised",
        total_minor: total,
        currency,
        created_by: actor.userId!,
        created_at: now(),
      })
      .executeTakeFirstOrThrow();
    const id = Number(res.insertId);
    const number = `RMA${String(id).padStart(6, "0")}`;
    await tx.updateTable("service_rmas").set({ number }).where("id", "=", id).execute();
    await tx
      .insertInto("service_rma_lines")
      .values(rows.map((r) => ({ ...r, rma_id: id })))
      .execute();
    await tx.updateTable("service_cases").set({ outcome: "rma", updated_at: now() }).where("id", "=", caseId).execute();
    await audit(tx, actor, {
      action: "service.rma_authorised",
      entityType: "service_case",
      entityId: caseId,
      dealerId: c.dealer_id,
      summary: { rma: number, totalMinor: total, lines: rows.map((r) => ({ orderLineId: r.order_line_id, quantity: r.quantity })) },
    });
    return { id, number };
  });
}

/**
 * Receives an authorised return into a warehouse: a stock movement per line and the credit note for the
 * return's total on the dealer's ledger (dated today, so it shows on the next statement), in one transaction.
 */
export async function receiveRma(actor: Actor, caseId: number, rmaId: number, warehouseId: number) {
  requirePermission(actor, "service:work");
  return transaction("service.rma_receive", async (tx) => {
    const { c } = await caseOrders(tx, actor, caseId);
    const rma = await tx.selectFrom("service_rmas").selectAll().where("id", "=", rmaId).where("case_id", "=", caseId).forUpdate().executeTakeFirst();
    if (!rma) throw new NotFoundError();
    if (rma.status !== "authorised") throw new ConflictError("service.rma.alreadyReceived");
    const wh = await tx.selectFrom("warehouses").select(["id", "code"]).where("id", "=", warehouseId).where("status", "=", "active").executeTakeFirst();
    if (!wh) throw new ValidationError("validation.formErrors", { warehouseId: ["validation.choice"] });
    const lines = await tx.selectFrom("service_rma_lines").selectAll().where("rma_id", "=", rmaId).execute();
    for (const l of lines)
      await applyMovement(tx, actor, {
        productId: l.product_id,
        warehouseId,
        kind: "receipt",
        onHandDelta: l.quantity,
        reason: `Return ${rma.number}`,
        refType: "rma",
        refId: rmaId,
      });
    const total = lines.reduce((s, l) => s + l.amount_minor, 0);
    const order = await tx.selectFrom("orders").select(["number"]).where("id", "=", rma.order_id).executeTakeFirstOrThrow();
    const creditId = await postEntry(tx, actor, {
      dealerId: rma.dealer_id,
      type: "credit_note",
      amountMinor: -total,
      currency: rma.currency,
      businessDate: todayIn(env().BUSINESS_TZ),
      ...systemDescription({ key: "ledger.desc.rmaCredit", params: { rma: rma.number ?? String(rmaId), order: order.number ?? String(rma.order_id) } }),
      reference: rma.number,
      sourceType: "rma",
      sourceId: rmaId,
      orderId: rma.order_id,
    });
    await tx
      .updateTable("service_rmas")
      .set({ status: "received", warehouse_id: warehouseId, credit_entry_id: creditId, received_by: actor.userId, received_at: now() })
      .where("id", "=", rmaId)
      .execute();
    await audit(tx, actor, {
      action: "service.rma_received",
      entityType: "service_case",
      entityId: caseId,
      dealerId: c.dealer_id,
      summary: { rma: rma.number, warehouse: wh.code, creditEntryId: creditId, totalMinor: total },
    });
    return { creditId };
  });
}

/** db:check: no order line returned beyond what was shipped; every received return's credit note equals its lines. */
export async function findRmaInvariantViolations(dbx: Executor) {
  const over = await dbx
    .selectFrom("service_rma_lines as rl")
    .innerJoin("order_lines as ol", "ol.id", "rl.order_line_id")
    .select(["rl.order_line_id", "ol.shipped_qty", sql<number>`SUM(rl.quantity)`.as("returned")])
    .groupBy(["rl.order_line_id", "ol.shipped_qty"])
    .having(sql`SUM(rl.quantity)`, ">", sql`ol.shipped_qty`)
    .limit(100)
    .execute();
  const credits = await dbx
    .selectFrom("service_rmas as r")
    .leftJoin("ledger_entries as le", "le.id", "r.credit_entry_id")
    .select([
      "r.id",
      "r.number",
      "r.status",
      "r.total_minor",
      "le.amount_minor as credit_minor",
      "le.entry_type",
      sql<number>`(SELECT COALESCE(SUM(rl.amount_minor), 0) FROM service_rma_lines rl WHERE rl.rma_id = r.id)`.as("lines_minor"),
    ])
    .where((eb) =>
      eb.or([
        eb("r.total_minor", "<>", sql<number>`(SELECT COALESCE(SUM(rl.amount_minor), 0) FROM service_rma_lines rl WHERE rl.rma_id = r.id)`),
        eb.and([
          eb("r.status", "=", "received"),
          eb.or([eb("le.id", "is", null), eb("le.entry_type", "<>", "credit_note"), eb("le.amount_minor", "<>", sql<number>`-r.total_minor`)]),
        ]),
        eb.and([eb("r.status", "=", "authorised"), eb("r.credit_entry_id", "is not", null)]),
      ]),
    )
    .limit(100)
    .execute();
  return [
    ...over.map((o) => ({ ...o, problem: "returned more than shipped" })),
    ...credits.map((c) => ({ ...c, problem: "credit note does not match the return's lines" })),
  ];
}

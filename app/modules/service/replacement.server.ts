/**
 * Replacement shipments at no charge (免费补发, issue #23, item 4; decision 136). From a case about an order
 * line or a shipment, the desk creates a replacement order for the case's dealer through the orders domain
 * (zero-priced lines, approved at once, shipped by the order desk like any order, no invoice). What may be
 * replaced is the case's own line or the lines of its shipment, each at most the quantity shipped (on the
 * line, or in that shipment) less what live replacements of it already took; the source order lines are
 * locked while this is checked, so two replacements cannot both take the last unit.
 */
import { sql } from "kysely";
import { db, type Executor } from "../../../db/client";
import { audit } from "~/modules/audit/audit.server";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { can, scopes } from "~/modules/auth/access.server";
import { createReplacementOrderTx } from "~/modules/orders/orders.server";
import { ConflictError, NotFoundError, ValidationError, type FieldErrors } from "~/utils/errors";
import { now } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { checkWantedQuantities, lockWantedLines } from "./line-quantities.server";
import type { ReplacementInput } from "./service.schema.server";

/** Orders that no longer hold anything of what they replaced (their quantity is free to replace again). */
const DEAD_ORDER_STATUSES = ["cancelled", "rejected"] as const;

type CaseSubject = {
  id: number;
  number: string | null;
  dealer_id: number;
  status: string;
  about: string;
  order_line_id: number | null;
  shipment_id: number | null;
};

async function caseInScope(dbx: Executor, actor: Actor, caseId: number, lock = false): Promise<CaseSubject> {
  let q = dbx
    .selectFrom("service_cases as sc")
    .select(["sc.id", "sc.number", "sc.dealer_id", "sc.status", "sc.about", "sc.order_line_id", "sc.shipment_id"])
    .where("sc.id", "=", caseId)
    .where(scopes.serviceCase.where(actor, "sc.dealer_id"));
  if (lock) q = q.forUpdate();
  const c = await q.executeTakeFirst();
  if (!c) throw new NotFoundError();
  return c;
}

export type ReplaceableLine = {
  id: number;
  order_id: number;
  product_id: number;
  sku: string;
  order_number: string | null;
  custom_options: string | null;
  spec_notes: string | null;
  /** What the case's line or shipment carried of it. */
  shipped: number;
  replaced: number;
  left: number;
};

/** The lines a case may replace, with what is left of each (none for a case about a product or the account). */
async function replaceableLines(dbx: Executor, c: Pick<CaseSubject, "about" | "order_line_id" | "shipment_id">): Promise<ReplaceableLine[]> {
  const live = (eb: Executor) =>
    eb.selectFrom("service_replacement_lines as rl").innerJoin("orders as ro", "ro.id", "rl.order_id").where("ro.status", "not in", DEAD_ORDER_STATUSES);
  if (c.about === "order_line" && c.order_line_id) {
    const rows = await dbx
      .selectFrom("order_lines as ol")
      .innerJoin("orders as o", "o.id", "ol.order_id")
      .select([
        "ol.id",
        "ol.order_id",
        "ol.product_id",
        "ol.sku",
        "ol.custom_options",
        "ol.spec_notes",
        "ol.shipped_qty as shipped",
        "o.number as order_number",
      ])
      .where("ol.id", "=", c.order_line_id)
      .execute();
    const replaced = await live(dbx)
      .select(["rl.source_order_line_id", sql<string>`SUM(rl.quantity)`.as("q")])
      .where("rl.source_order_line_id", "=", c.order_line_id)
      .groupBy("rl.source_order_line_id")
      .execute();
    const r = Number(replaced[0]?.q ?? 0);
    return rows.filter((l) => l.shipped > 0).map((l) => ({ ...l, replaced: r, left: Math.max(0, l.shipped - r) }));
  }
  if (c.about === "shipment" && c.shipment_id) {
    const rows = await dbx
      .selectFrom("shipment_lines as sl")
      .innerJoin("order_lines as ol", "ol.id", "sl.order_line_id")
      .innerJoin("orders as o", "o.id", "ol.order_id")
      .select([
        "ol.id",
        "ol.order_id",
        "ol.product_id",
        "ol.sku",
        "ol.custom_options",
        "ol.spec_notes",
        "ol.shipped_qty",
        "sl.quantity as shipped",
        "o.number as order_number",
      ])
      .where("sl.shipment_id", "=", c.shipment_id)
      .orderBy("ol.line_no")
      .execute();
    if (!rows.length) return [];
    const ids = rows.map((l) => l.id);
    const [fromShipment, overall] = await Promise.all([
      live(dbx)
        .select(["rl.source_order_line_id", sql<string>`SUM(rl.quantity)`.as("q")])
        .where("rl.source_order_line_id", "in", ids)
        .where("rl.source_shipment_id", "=", c.shipment_id)
        .groupBy("rl.source_order_line_id")
        .execute(),
      live(dbx)
        .select(["rl.source_order_line_id", sql<string>`SUM(rl.quantity)`.as("q")])
        .where("rl.source_order_line_id", "in", ids)
        .groupBy("rl.source_order_line_id")
        .execute(),
    ]);
    const of = (list: typeof overall, id: number) => Number(list.find((x) => x.source_order_line_id === id)?.q ?? 0);
    return rows.map(({ shipped_qty, ...l }) => {
      const replaced = of(fromShipment, l.id);
      // Never beyond the shipment's quantity less its replacements, nor beyond the line's shipped quantity less all of them.
      const left = Math.max(0, Math.min(l.shipped - replaced, shipped_qty - of(overall, l.id)));
      return { ...l, replaced, left };
    });
  }
  return [];
}

/** What the case page shows: the replacement orders of the case and, for the desk, the lines it may still replace. */
export async function replacementSection(actor: Actor, caseId: number) {
  requirePermission(actor, "service:read");
  const c = await caseInScope(db, actor, caseId);
  const orders = await db
    .selectFrom("orders as o")
    .select(["o.id", "o.number", "o.status", "o.created_at"])
    .where("o.service_case_id", "=", caseId)
    .where("o.dealer_id", "=", c.dealer_id)
    .orderBy("o.created_at")
    .execute();
  const lines = orders.length
    ? await db
        .selectFrom("service_replacement_lines as rl")
        .innerJoin("order_lines as ol", "ol.id", "rl.order_line_id")
        .select(["rl.order_id", "rl.order_line_id", "ol.sku", "rl.quantity", "ol.shipped_qty"])
        .where(
          "rl.order_id",
          "in",
          orders.map((o) => o.id),
        )
        .orderBy("ol.line_no")
        .execute()
    : [];
  const desk = can(actor, "service:work") && can(actor, "order:replace");
  const replaceable = desk && c.status !== "closed" ? (await replaceableLines(db, c)).filter((l) => l.left > 0) : [];
  return {
    orders: orders.map((o) => ({ ...o, lines: lines.filter((l) => l.order_id === o.id) })),
    replaceable: replaceable.map((l) => ({ id: l.id, sku: l.sku, order_number: l.order_number, shipped: l.shipped, left: l.left })),
    canReplace: desk && c.status !== "closed" && (c.about === "order_line" || c.about === "shipment"),
  };
}

/**
 * Creates the replacement order: the quantities asked per source line (`qty_<order line id>`), each within
 * what is left; the order through the orders domain; the link of each new line to the line it replaces; the
 * case's outcome `replacement`; the audit entry — one transaction.
 */
export async function createReplacement(actor: Actor, caseId: number, input: ReplacementInput) {
  requirePermission(actor, "service:read");
  return transaction("service.replacement", async (tx) => {
    // Scope first: another dealer's case is 404 whatever the reader's role, as on every case page.
    const c = await caseInScope(tx, actor, caseId, true);
    requirePermission(actor, "service:work");
    requirePermission(actor, "order:replace");
    if (c.status === "closed") throw new ConflictError("service.closedNoReply");
    const wanted = await lockWantedLines(tx, input.lines, "service.replace.noLines");
    const available = new Map((await replaceableLines(tx, c)).map((l) => [l.id, l]));
    checkWantedQuantities(wanted, available, (l) => l.left, "service.replace.tooMany");
    const chosen = wanted.map((w) => ({ ...available.get(w.orderLineId)!, quantity: w.quantity }));
    const at = now();
    let order: Awaited<ReturnType<typeof createReplacementOrderTx>>;
    try {
      order = await createReplacementOrderTx(
        tx,
        actor,
        {
          dealerId: c.dealer_id,
          serviceCaseId: c.id,
          caseNumber: c.number ?? `SC${c.id}`,
          sourceOrderId: chosen[0]!.order_id,
          lines: chosen.map((l) => ({
            productId: l.product_id,
            quantity: l.quantity,
            options: l.custom_options ? (JSON.parse(l.custom_options) as Record<string, string>) : {},
            specNotes: l.spec_notes,
          })),
        },
        at,
      );
    } catch (err) {
      // The orders domain names its lines by index (a product no longer orderable): name the form's input.
      if (err instanceof ValidationError && err.fieldErrors) {
        const mapped: FieldErrors = {};
        for (const [k, v] of Object.entries(err.fieldErrors)) {
          const i = /^lines\.(\d+)\./.exec(k)?.[1];
          mapped[i !== undefined && chosen[Number(i)] ? `qty_${chosen[Number(i)]!.id}` : "lines"] = v;
        }
        throw new ValidationError("validation.formErrors", mapped);
      }
      throw err;
    }
    await tx
      .insertInto("service_replacement_lines")
      .values(
        chosen.map((l, i) => ({
          case_id: c.id,
          order_id: order.id,
          order_line_id: order.lineIds[i]!,
          source_order_line_id: l.id,
          source_shipment_id: c.about === "shipment" ? c.shipment_id : null,
          quantity: l.quantity,
          created_at: at,
        })),
      )
      .execute();
    await tx.updateTable("service_cases").set({ outcome: "replacement", updated_at: at }).where("id", "=", c.id).execute();
    await audit(tx, actor, {
      action: "service.replacement_created",
      entityType: "service_case",
      entityId: c.id,
      dealerId: c.dealer_id,
      summary: { order: order.number, lines: chosen.map((l) => ({ orderLineId: l.id, quantity: l.quantity })) },
    });
    return { id: order.id, number: order.number };
  });
}

/** db:check: no order line replaced (by live replacement orders) beyond what was shipped on it; every replacement line is free. */
export async function findReplacementInvariantViolations(dbx: Executor) {
  const over = await dbx
    .selectFrom("service_replacement_lines as rl")
    .innerJoin("orders as ro", "ro.id", "rl.order_id")
    .innerJoin("order_lines as ol", "ol.id", "rl.source_order_line_id")
    .select(["rl.source_order_line_id", "ol.shipped_qty", sql<number>`SUM(rl.quantity)`.as("replaced")])
    .where("ro.status", "not in", DEAD_ORDER_STATUSES)
    .groupBy(["rl.source_order_line_id", "ol.shipped_qty"])
    .having(sql`SUM(rl.quantity)`, ">", sql`ol.shipped_qty`)
    .limit(100)
    .execute();
  const charged = await dbx
    .selectFrom("orders as o")
    .select(["o.id", "o.number", "o.total_minor"])
    .where("o.service_case_id", "is not", null)
    .where((eb) =>
      eb.or([
        eb("o.total_minor", "<>", 0),
        eb.exists(eb.selectFrom("order_lines as l").select("l.id").whereRef("l.order_id", "=", "o.id").where("l.unit_price_minor", "<>", 0)),
      ]),
    )
    .limit(100)
    .execute();
  return [
    ...over.map((o) => ({ ...o, problem: "replaced more than shipped" })),
    ...charged.map((o) => ({ ...o, problem: "replacement order carries a price" })),
  ];
}

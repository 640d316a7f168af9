import { describe, expect, it } from "vitest";
import { actorFor, uniq } from "../../../tests/factories";
import { customOptions, draftForm, inDays, orderIn, orderRow, orderWorld, today, type World } from "../../../tests/factories/orders";
import { getDb } from "../../../db/client";
import { ConflictError } from "~/utils/errors";
import { roleCan, type Role } from "~/modules/auth/permissions";
import {
  approveOrder,
  cancelOrder,
  changePromiseDate,
  confirmDelivery,
  recheckBackorders,
  recordShipment,
  rejectOrder,
  releaseCreditHold,
  sendBackOrder,
  submitOrder,
} from "./orders.server";
import { ACTIONS, ORDER_ACTIONS, ORDER_STATUSES, TRANSITIONS, isTransitionAllowed, type OrderAction, type OrderStatus } from "./state";

// The machine of DESIGN.md, written out independently of state.ts.
const DESIGN: Record<OrderStatus, OrderStatus[]> = {
  draft: ["submitted", "credit_hold"],
  credit_hold: ["submitted", "cancelled"],
  submitted: ["approved", "rejected", "cancelled", "draft"],
  approved: ["partially_shipped", "shipped", "cancelled"],
  partially_shipped: ["shipped"],
  shipped: ["delivered"],
  rejected: [],
  delivered: [],
  cancelled: [],
};

describe("order state table", () => {
  it("allows exactly the transitions of DESIGN.md", () => {
    for (const from of ORDER_STATUSES) {
      for (const to of ORDER_STATUSES) {
        expect(isTransitionAllowed(from, to), `${from} → ${to}`).toBe(DESIGN[from].includes(to));
      }
    }
    expect(TRANSITIONS.length).toBe(Object.values(DESIGN).flat().length);
  });

  it("every action moves only along allowed transitions, and every transition has an action", () => {
    for (const r of ACTIONS) for (const to of r.to) if (to !== r.from) expect(isTransitionAllowed(r.from, to), `${r.action}: ${r.from} → ${to}`).toBe(true);
    for (const [from, to] of TRANSITIONS)
      expect(
        ACTIONS.some((r) => r.from === from && r.to.includes(to)),
        `${from} → ${to}`,
      ).toBe(true);
  });

  it("only dealer_admin and dealer_sales can submit or cancel as the dealer; no manufacturer role can", () => {
    const submitRoles = (["dealer_admin", "dealer_sales", "dealer_finance", "account_manager", "ops", "finance", "admin"] as Role[]).filter((r) =>
      roleCan(r, "order:create"),
    );
    expect(submitRoles).toEqual(["dealer_admin", "dealer_sales"]);
  });
});

/** Who performs an action from a status: someone allowed to when a rule exists, else a plausible caller. */
function performer(w: World, action: OrderAction, from: OrderStatus) {
  const rule = ACTIONS.find((r) => r.action === action && r.from === from) ?? ACTIONS.find((r) => r.action === action)!;
  const byPermission: Record<string, Role> = {
    "order:create": "dealer_sales",
    "order:confirm_delivery": "dealer_sales",
    "order:review": "ops",
    "order:ship": "ops",
    "credit:release": "finance",
  };
  return actorFor(w.byRole[byPermission[rule.permission]!]);
}

async function perform(w: World, action: OrderAction, from: OrderStatus, order: { id: number; version: number }) {
  const actor = performer(w, action, from);
  const version = order.version;
  switch (action) {
    case "submit":
      return submitOrder(actor, {
        orderId: order.id,
        submitKey: uniq("k-"),
        form: {
          ...draftForm({
            addressId: w.addrA.id,
            lines: [
              { productId: w.widget.id, quantity: 2 },
              { productId: w.custom.id, quantity: 1, options: customOptions },
            ],
          }),
          version,
        },
      });
    case "release_hold":
      return releaseCreditHold(actor, order.id, { version, note: null });
    case "approve":
      return approveOrder(actor, order.id, { version });
    case "reject":
      return rejectOrder(actor, order.id, { version, note: "no" });
    case "send_back":
      return sendBackOrder(actor, order.id, { version, note: "fix" });
    case "cancel":
      return cancelOrder(actor, order.id, { version, note: null });
    case "ship": {
      const line = await getDb()
        .selectFrom("order_lines")
        .select(["id"])
        .where("order_id", "=", order.id)
        .where("made_to_order", "=", 0)
        .executeTakeFirstOrThrow();
      return recordShipment(actor, order.id, {
        version,
        warehouseId: w.east.id,
        carrier: "SF",
        trackingNumber: "T1",
        shippedOn: today(),
        lines: [{ lineId: line.id, quantity: 1 }],
      });
    }
    case "confirm_delivery": {
      const s = await getDb().selectFrom("shipments").select("id").where("order_id", "=", order.id).where("delivered_at", "is", null).executeTakeFirst();
      return confirmDelivery(actor, order.id, { version, shipmentId: s?.id ?? 1 });
    }
    case "change_promise":
      return changePromiseDate(actor, order.id, { version, lineId: null, newDate: inDays(30), reason: "factory delay" });
    case "recheck_backorders":
      return recheckBackorders(actor, order.id, { version });
  }
}

describe("every action from every status", () => {
  for (const action of ORDER_ACTIONS) {
    it(`${action}: allowed exactly where the table says, otherwise 409 and nothing changes`, async () => {
      const w = await orderWorld();
      for (const from of ORDER_STATUSES) {
        const order = await orderIn(w, from);
        const rules = ACTIONS.filter((r) => r.action === action && r.from === from);
        const before = await orderRow(order.id);
        if (rules.length) {
          await perform(w, action, from, order);
          const after = await orderRow(order.id);
          expect(
            rules.flatMap((r) => r.to),
            `${action} from ${from} → ${after.status}`,
          ).toContain(after.status);
          // Re-checking with nothing backordered has nothing to change.
          if (action !== "recheck_backorders") expect(after.version).toBeGreaterThan(before.version);
        } else if (action === "submit") {
          // Submitting an order that already went out shows it again; it never submits twice.
          const r = (await perform(w, action, from, order)) as unknown as { duplicate: boolean } | undefined;
          if (from === "draft") throw new Error("unreachable");
          expect(r?.duplicate).toBe(true);
          const after = await orderRow(order.id);
          expect(after.status).toBe(before.status);
          expect(after.version).toBe(before.version);
        } else {
          await expect(perform(w, action, from, order), `${action} from ${from}`).rejects.toBeInstanceOf(ConflictError);
          const after = await orderRow(order.id);
          expect(after.status).toBe(before.status);
          expect(after.version).toBe(before.version);
        }
      }
    });
  }
});

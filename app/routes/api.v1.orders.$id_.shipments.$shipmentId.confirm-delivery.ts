import { apiOnly, apiPost } from "~/utils/api-route";
import { apiConfirmDelivery } from "~/modules/api/api.server";
import { ConfirmDeliveryBody, IdParam } from "~/modules/api/api.schema.server";

/** POST /api/v1/orders/:id/shipments/:shipmentId/confirm-delivery: the dealer signs for a shipment. */
export const action = /* @__PURE__ */ apiPost("orders:write", async (ctx) => {
  const { parseApi, parseIdParam } = await import("~/utils/api.server");
  const id = parseIdParam(ctx, IdParam, "id");
  const shipmentId = parseIdParam(ctx, IdParam, "shipmentId");
  return apiConfirmDelivery(ctx.actor, id, shipmentId, parseApi(ctx.locale, ConfirmDeliveryBody, await ctx.body()));
});
export const loader = /* @__PURE__ */ apiOnly("POST");

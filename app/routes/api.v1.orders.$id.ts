import { apiOnly, apiGet } from "~/utils/api-route";
import { apiGetOrder } from "~/modules/api/api.server";
import { IdParam } from "~/modules/api/api.schema.server";

/** GET /api/v1/orders/:id: one order with its lines and shipments. */
export const loader = /* @__PURE__ */ apiGet("orders:read", async (ctx) => {
  const { parseIdParam } = await import("~/utils/api.server");
  return apiGetOrder(ctx.actor, parseIdParam(ctx, IdParam, "id"));
});
export const action = /* @__PURE__ */ apiOnly("GET");

import { apiOnly, apiGet } from "~/utils/api-route";
import { apiStock } from "~/modules/api/api.server";
import { SkuParam } from "~/modules/api/api.schema.server";

/** GET /api/v1/stock/:sku: availability per warehouse, incoming, the earliest promise date. */
export const loader = /* @__PURE__ */ apiGet("stock:read", async (ctx) => {
  const { parseApi } = await import("~/utils/api.server");
  return apiStock(ctx.actor, parseApi(ctx.locale, SkuParam, ctx.params.sku));
});
export const action = /* @__PURE__ */ apiOnly("GET");

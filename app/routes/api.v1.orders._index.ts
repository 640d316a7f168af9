import { apiGet, apiPost } from "~/utils/api-route";
import { apiCreateOrder, apiListOrders } from "~/modules/api/api.server";
import { CreateOrderBody, OrderListQuery } from "~/modules/api/api.schema.server";

/** GET /api/v1/orders: orders in order of last change (cursor), filtered by status and updatedSince. */
export const loader = /* @__PURE__ */ apiGet("orders:read", async (ctx) => {
  const { parseApi, queryObject } = await import("~/utils/api.server");
  return apiListOrders(ctx.actor, parseApi(ctx.locale, OrderListQuery, queryObject(ctx.url)));
});

/** POST /api/v1/orders: a draft, or (submit: true, with an Idempotency-Key) a submitted order. */
export const action = /* @__PURE__ */ apiPost("orders:write", async (ctx) => {
  const { apiResult, idempotencyKey, parseApi } = await import("~/utils/api.server");
  const key = idempotencyKey(ctx);
  const input = parseApi(ctx.locale, CreateOrderBody, await ctx.body());
  const r = await apiCreateOrder(ctx.actor, input, key);
  return apiResult({ status: r.created ? 201 : 200, body: r.order, headers: { Location: `/api/v1/orders/${r.order.id}` } });
});

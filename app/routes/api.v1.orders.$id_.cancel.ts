import { apiOnly, apiPost } from "~/utils/api-route";
import { apiCancelOrder } from "~/modules/api/api.server";
import { CancelOrderBody, IdParam } from "~/modules/api/api.schema.server";

/** POST /api/v1/orders/:id/cancel: cancels where the order's status allows the dealer to (else 409). */
export const action = /* @__PURE__ */ apiPost("orders:write", async (ctx) => {
  const { parseApi, parseIdParam } = await import("~/utils/api.server");
  const id = parseIdParam(ctx, IdParam, "id");
  return apiCancelOrder(ctx.actor, id, parseApi(ctx.locale, CancelOrderBody, await ctx.body()));
});
export const loader = /* @__PURE__ */ apiOnly("POST");

import { apiOnly, apiPost } from "~/utils/api-route";
import { apiSubmitOrder } from "~/modules/api/api.server";
import { IdParam, SubmitOrderBody } from "~/modules/api/api.schema.server";

/** POST /api/v1/orders/:id/submit: submits a draft; the Idempotency-Key makes a retry return the same order. */
export const action = /* @__PURE__ */ apiPost("orders:write", async (ctx) => {
  const { apiResult, idempotencyKey, parseApi, parseIdParam } = await import("~/utils/api.server");
  const id = parseIdParam(ctx, IdParam, "id");
  const key = idempotencyKey(ctx);
  const r = await apiSubmitOrder(ctx.actor, id, parseApi(ctx.locale, SubmitOrderBody, await ctx.body()), key);
  return apiResult({ status: 200, body: r.order });
});
export const loader = /* @__PURE__ */ apiOnly("POST");

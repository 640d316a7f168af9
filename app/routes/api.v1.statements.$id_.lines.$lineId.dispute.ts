import { apiOnly, apiPost } from "~/utils/api-route";
import { apiDisputeLine } from "~/modules/api/api.server";
import { DisputeLineBody, IdParam } from "~/modules/api/api.schema.server";

/** POST /api/v1/statements/:id/lines/:lineId/dispute: disputes an amount of one line. */
export const action = /* @__PURE__ */ apiPost("statements:write", async (ctx) => {
  const { apiResult, parseApi, parseIdParam } = await import("~/utils/api.server");
  const id = parseIdParam(ctx, IdParam, "id");
  const lineId = parseIdParam(ctx, IdParam, "lineId");
  const body = await apiDisputeLine(ctx.actor, id, lineId, parseApi(ctx.locale, DisputeLineBody, await ctx.body()));
  return apiResult({ status: 201, body });
});
export const loader = /* @__PURE__ */ apiOnly("POST");

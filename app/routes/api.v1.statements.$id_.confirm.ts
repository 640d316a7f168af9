import { apiOnly, apiPost } from "~/utils/api-route";
import { apiConfirmStatement } from "~/modules/api/api.server";
import { ConfirmStatementBody, IdParam } from "~/modules/api/api.schema.server";

/** POST /api/v1/statements/:id/confirm: confirms the balance (对账确认). */
export const action = /* @__PURE__ */ apiPost("statements:write", async (ctx) => {
  const { parseApi, parseIdParam } = await import("~/utils/api.server");
  const id = parseIdParam(ctx, IdParam, "id");
  return apiConfirmStatement(ctx.actor, id, parseApi(ctx.locale, ConfirmStatementBody, await ctx.body()));
});
export const loader = /* @__PURE__ */ apiOnly("POST");

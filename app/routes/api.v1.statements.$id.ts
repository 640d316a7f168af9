import { apiOnly, apiGet } from "~/utils/api-route";
import { apiGetStatement } from "~/modules/api/api.server";
import { IdParam } from "~/modules/api/api.schema.server";

/** GET /api/v1/statements/:id: one statement with its lines (each with its ledger entry). */
export const loader = /* @__PURE__ */ apiGet("statements:read", async (ctx) => {
  const { parseIdParam } = await import("~/utils/api.server");
  return apiGetStatement(ctx.actor, parseIdParam(ctx, IdParam, "id"));
});
export const action = /* @__PURE__ */ apiOnly("GET");

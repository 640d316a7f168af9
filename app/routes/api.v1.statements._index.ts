import { apiOnly, apiGet } from "~/utils/api-route";
import { apiListStatements } from "~/modules/api/api.server";
import { StatementListQuery } from "~/modules/api/api.schema.server";

/** GET /api/v1/statements: the dealer's statements in order of issue (cursor). */
export const loader = /* @__PURE__ */ apiGet("statements:read", async (ctx) => {
  const { parseApi, queryObject } = await import("~/utils/api.server");
  return apiListStatements(ctx.actor, parseApi(ctx.locale, StatementListQuery, queryObject(ctx.url)));
});
export const action = /* @__PURE__ */ apiOnly("GET");

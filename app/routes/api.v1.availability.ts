import { apiOnly, apiGet } from "~/utils/api-route";
import { apiAvailability } from "~/modules/api/api.server";
import { AvailabilityQuery } from "~/modules/api/api.schema.server";

/** GET /api/v1/availability?sku=&quantity=&neededBy=&region=: "N by D near R". */
export const loader = /* @__PURE__ */ apiGet("stock:read", async (ctx) => {
  const { parseApi, queryObject } = await import("~/utils/api.server");
  return apiAvailability(ctx.actor, parseApi(ctx.locale, AvailabilityQuery, queryObject(ctx.url)));
});
export const action = /* @__PURE__ */ apiOnly("GET");

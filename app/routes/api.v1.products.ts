import { apiOnly, apiGet } from "~/utils/api-route";
import { apiProducts } from "~/modules/api/api.server";
import { ProductListQuery } from "~/modules/api/api.schema.server";

/** GET /api/v1/products: the catalog with the dealer's prices (cursor over SKU). */
export const loader = /* @__PURE__ */ apiGet("catalog:read", async (ctx) => {
  const { parseApi, queryObject } = await import("~/utils/api.server");
  return apiProducts(ctx.actor, parseApi(ctx.locale, ProductListQuery, queryObject(ctx.url)));
});
export const action = /* @__PURE__ */ apiOnly("GET");

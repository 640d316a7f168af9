import { apiOnly, apiGet } from "~/utils/api-route";
import { apiAddresses } from "~/modules/api/api.server";

/** GET /api/v1/addresses: the dealer's active delivery addresses (an order names one by id). */
export const loader = /* @__PURE__ */ apiGet("orders:read", (ctx) => apiAddresses(ctx.actor));
export const action = /* @__PURE__ */ apiOnly("GET");

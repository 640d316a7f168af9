import { apiOnly, apiGet } from "~/utils/api-route";
import { apiLedger } from "~/modules/api/api.server";
import { LedgerQuery } from "~/modules/api/api.schema.server";

/** GET /api/v1/ledger-entries?cursor=: ledger entries in order of posting, from a cursor on. */
export const loader = /* @__PURE__ */ apiGet("ledger:read", async (ctx) => {
  const { parseApi, queryObject } = await import("~/utils/api.server");
  return apiLedger(ctx.actor, parseApi(ctx.locale, LedgerQuery, queryObject(ctx.url)));
});
export const action = /* @__PURE__ */ apiOnly("GET");

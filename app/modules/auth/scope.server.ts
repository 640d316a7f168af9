/**
 * Former home of the dealer-data scope, now in access.server.ts (docs/decisions/111). Only
 * app/modules/orders/orders.server.ts still imports it, while that file is being split (issue #21 item 3);
 * the split's new files import access.server.ts, and this re-export goes with the old file.
 */
export { assertDealerInScope, dealerScope, inDealerScope, type DealerScope } from "./access.server";

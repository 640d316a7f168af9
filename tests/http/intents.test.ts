/**
 * Every page whose action dispatches on the form's `intent` (app/utils/intent.server.ts,
 * decision 114): a form without an intent and a form with one the page does not know get the same
 * answer, the one localized 400, in the reader's language, and nothing is written.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { translate, type Locale } from "../../app/i18n";
import { requestAs, type TestUser } from "../factories";
import { tableChecksums } from "../helpers/db";
import { buildFixture, type Fixture } from "./route-matrix";
import * as deal from "../../app/routes/deals.$id";
import * as quote from "../../app/routes/quotes.$id";
import * as keyAccount from "../../app/routes/key-accounts.$id";
import * as lead from "../../app/routes/leads.$id";
import * as statement from "../../app/routes/statements.$id";
import * as addresses from "../../app/routes/orders.addresses";
import * as twoFactor from "../../app/routes/settings_.two-factor";
import * as holidays from "../../app/routes/admin.holidays";
import * as warehouses from "../../app/routes/admin.warehouses";
import * as feeTypes from "../../app/routes/finance.fee-types";
import * as user from "../../app/routes/admin.users.$id";
import * as dealer from "../../app/routes/admin.dealers.$id";
import * as announcement from "../../app/routes/admin.announcements.$id";
import * as order from "../../app/routes/orders.$number";
import * as product from "../../app/routes/products.$sku";
import * as settings from "../../app/routes/settings";
import * as webhooks from "../../app/routes/settings_.webhooks._index";
import * as webhookEndpoint from "../../app/routes/settings_.webhooks.$id";
import * as webhookDelivery from "../../app/routes/settings_.webhooks.deliveries.$id";
import * as serviceCase from "../../app/routes/service.$id";
import * as apiTokens from "../../app/routes/settings_.api-tokens";
import * as dealerApiTokens from "../../app/routes/admin.dealers.$id_.api-tokens";
import * as selloutDealer from "../../app/routes/sellout.$dealerId._index";
import * as selloutPeriod from "../../app/routes/sellout.$dealerId.$period";
import * as promotion from "../../app/routes/promotions.$id";

type Action = (a: ActionFunctionArgs) => Promise<unknown>;
/** A page as one who may act on it: the path, the route params and what else its forms always carry. */
type Case = { action: Action; as: TestUser; path: string; params?: Record<string, string>; form?: Record<string, string> };

const COVERED = [
  "deals.$id.tsx",
  "quotes.$id.tsx",
  "key-accounts.$id.tsx",
  "leads.$id.tsx",
  "statements.$id.tsx",
  "orders.addresses.tsx",
  "settings_.two-factor.tsx",
  "admin.holidays.tsx",
  "admin.warehouses.tsx",
  "finance.fee-types.tsx",
  "admin.users.$id.tsx",
  "admin.dealers.$id.tsx",
  "admin.announcements.$id.tsx",
  "orders.$number.tsx",
  "products.$sku.tsx",
  "settings.tsx",
  "settings_.webhooks._index.tsx",
  "settings_.webhooks.$id.tsx",
  "settings_.webhooks.deliveries.$id.tsx",
  "service.$id.tsx",
  "settings_.api-tokens.tsx",
  "admin.dealers.$id_.api-tokens.tsx",
  "sellout.$dealerId._index.tsx",
  "sellout.$dealerId.$period.tsx",
  "promotions.$id.tsx",
] as const;

function cases(fx: Fixture): Record<(typeof COVERED)[number], Case> {
  const { a, staff } = fx.cast;
  const id = (n: number) => ({ id: String(n) });
  return {
    "deals.$id.tsx": { action: deal.action, as: staff.account_manager, path: `/deals/${fx.deals.dealId}`, params: id(fx.deals.dealId) },
    "quotes.$id.tsx": { action: quote.action, as: staff.account_manager, path: `/quotes/${fx.deals.quoteId}`, params: id(fx.deals.quoteId) },
    "key-accounts.$id.tsx": {
      action: keyAccount.action,
      as: staff.account_manager,
      path: `/key-accounts/${fx.deals.keyAccountId}`,
      params: id(fx.deals.keyAccountId),
    },
    "leads.$id.tsx": { action: lead.action, as: a.dealer_admin, path: `/leads/${fx.deals.leadId}`, params: id(fx.deals.leadId) },
    "statements.$id.tsx": { action: statement.action, as: a.dealer_finance, path: `/statements/${fx.ledger.statementId}`, params: id(fx.ledger.statementId) },
    "orders.addresses.tsx": { action: addresses.action, as: a.dealer_admin, path: "/orders/addresses" },
    "settings_.two-factor.tsx": { action: twoFactor.action, as: a.dealer_sales, path: "/settings/two-factor" },
    "admin.holidays.tsx": { action: holidays.action, as: staff.admin, path: "/admin/holidays" },
    "admin.warehouses.tsx": { action: warehouses.action, as: staff.admin, path: "/admin/warehouses" },
    "finance.fee-types.tsx": { action: feeTypes.action, as: staff.finance, path: "/finance/fee-types" },
    "admin.users.$id.tsx": { action: user.action, as: staff.admin, path: `/admin/users/${a.dealer_sales.id}`, params: id(a.dealer_sales.id) },
    "admin.dealers.$id.tsx": { action: dealer.action, as: staff.admin, path: `/admin/dealers/${fx.cast.dealerA.id}`, params: id(fx.cast.dealerA.id) },
    "admin.announcements.$id.tsx": {
      action: announcement.action,
      as: staff.admin,
      path: `/admin/announcements/${fx.announcement}`,
      params: id(fx.announcement),
    },
    "orders.$number.tsx": {
      action: order.action,
      as: staff.ops,
      path: `/orders/${fx.order.number}`,
      params: { number: fx.order.number },
      form: { orderId: String(fx.order.id) },
    },
    "products.$sku.tsx": { action: product.action, as: staff.ops, path: `/products/${fx.product.sku}`, params: { sku: fx.product.sku } },
    "settings.tsx": { action: settings.action, as: a.dealer_sales, path: "/settings" },
    "settings_.webhooks._index.tsx": { action: webhooks.action, as: a.dealer_admin, path: "/settings/webhooks" },
    "settings_.webhooks.$id.tsx": {
      action: webhookEndpoint.action,
      as: a.dealer_admin,
      path: `/settings/webhooks/${fx.webhook.endpointId}`,
      params: id(fx.webhook.endpointId),
    },
    "settings_.webhooks.deliveries.$id.tsx": {
      action: webhookDelivery.action,
      as: a.dealer_admin,
      path: `/settings/webhooks/deliveries/${fx.webhook.deliveryId}`,
      params: id(fx.webhook.deliveryId),
    },
    "service.$id.tsx": { action: serviceCase.action, as: staff.service, path: `/service/${fx.serviceCase.id}`, params: id(fx.serviceCase.id) },
    "settings_.api-tokens.tsx": { action: apiTokens.action, as: a.dealer_admin, path: "/settings/api-tokens" },
    "admin.dealers.$id_.api-tokens.tsx": {
      action: dealerApiTokens.action,
      as: staff.admin,
      path: `/admin/dealers/${fx.cast.dealerA.id}/api-tokens`,
      params: id(fx.cast.dealerA.id),
    },
    "sellout.$dealerId._index.tsx": {
      action: selloutDealer.action,
      as: staff.admin,
      path: `/sellout/${fx.cast.dealerA.id}`,
      params: { dealerId: String(fx.cast.dealerA.id) },
    },
    "sellout.$dealerId.$period.tsx": {
      action: selloutPeriod.action,
      as: a.dealer_sales,
      path: `/sellout/${fx.cast.dealerA.id}/${fx.sellout.period}`,
      params: { dealerId: String(fx.cast.dealerA.id), period: fx.sellout.period },
    },
    "promotions.$id.tsx": { action: promotion.action, as: staff.finance, path: `/promotions/${fx.promotion.id}`, params: id(fx.promotion.id) },
  };
}

/** The answer as a reader gets it: a thrown response is the answer too. */
async function answer(c: Case, form: Record<string, string>) {
  const request = await requestAs(c.as, c.path, { form: { ...c.form, ...form } });
  let res: unknown;
  try {
    res = await c.action({ request, params: c.params ?? {}, context: {} });
  } catch (err) {
    res = err;
  }
  if (!(res instanceof Response)) throw new Error(`${c.path}: not a response`);
  return { status: res.status, body: (await res.json()) as unknown };
}

/** Sessions and sign-in throttles move on every request by design; everything else must not. */
const VOLATILE = new Set(["sessions", "login_throttles", "sign_in_challenges"]);
const snapshot = () => tableChecksums((t) => !VOLATILE.has(t) && !t.startsWith("kysely_"));

describe("a form without a known intent", () => {
  it("is covered here for every route whose action dispatches on `intent`", () => {
    const dir = new URL("../../app/routes/", import.meta.url);
    // intentAction itself, or a module's form action built on it (both API token pages share tokenFormAction).
    const dispatching = readdirSync(dir).filter((f) => /\b(intentAction|tokenFormAction)\(/.test(readFileSync(new URL(f, dir), "utf8")));
    expect(dispatching.sort()).toEqual([...COVERED].sort());
  });

  for (const locale of ["en", "zh-CN"] as const satisfies readonly Locale[]) {
    it(`gets the one 400 in ${locale} on every multi-intent page, and changes nothing`, async () => {
      // The database is emptied before each test: the records are made here.
      const all = cases(await buildFixture());
      const users = [...new Set(Object.values(all).map((c) => c.as.id))];
      await getDb().updateTable("users").set({ locale }).where("id", "in", users).execute();
      const expected = { status: 400, body: { message: translate(locale, "error.400") } };
      const before = await snapshot();
      for (const [file, c] of Object.entries(all)) {
        const probes: Record<string, Record<string, string>> = {
          missing: {},
          empty: { intent: "" },
          unknown: { intent: "no-such-intent" },
          inherited: { intent: "toString" },
          whitespace: { intent: " " },
        };
        for (const [kind, form] of Object.entries(probes))
          expect(await answer(c, { ...form, note: "x", reason: "x" }), `${file}: ${kind} intent`).toEqual(expected);
      }
      expect([...(await snapshot())].filter(([t, sum]) => before.get(t) !== sum).map(([t]) => t)).toEqual([]);
    }, 60_000);
  }
});

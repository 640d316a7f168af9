/**
 * The role × route matrix, one entry per route file in app/routes. A route
 * file without an entry fails the matrix test, so every new page is covered.
 *
 * `allow`: roles that get 200 on GET; every other signed-in role gets 403, or
 * 404 when listed in `notFound` (a record outside their scope). "public" pages
 * answer everyone; "redirect" routes only redirect on GET (actions only).
 */
import { getDb } from "../../db/client";
import type { Role } from "../../app/modules/auth/permissions";
import { actorFor, type createCast } from "../factories";
import { freshDraft, orderIn, orderWorld } from "../factories/orders";
import {
  createDeal,
  createKeyAccount,
  createProduct as createLineProduct,
  createProductLine,
  createQuoteAwaitingApproval,
  matrixDealRecords,
} from "../factories/deals";
import { createCatalogBasics, createProduct } from "../factories/catalog";
import { systemActor } from "../../app/modules/auth/actor";
import { disputeLine } from "../../app/modules/statements/statements.server";
import { issueStatements } from "../../app/modules/statements/issue.server";
import { addDays, monthBounds, todayIn } from "../../app/utils/time";
import { post } from "../helpers/ledger";
import { appSecret, signUnsubscribeToken } from "../../app/modules/notifications/unsubscribe.server";
import { createEndpoint } from "../../app/modules/webhooks/webhooks.server";
import { openServiceCase } from "../factories/service";
import { moveCase } from "../../app/modules/service/service.server";
import { matrixSellout } from "../factories/sellout";
import { createPromotion } from "../../app/modules/promotions/promotions.server";
import { PromotionSchema } from "../../app/modules/promotions/promotions.schema.server";

export type Cast = Awaited<ReturnType<typeof createCast>>;

/** One world for the matrix: every role, two dealers, and a record of each kind owned by dealer A. */
export async function buildFixture() {
  const world = await orderWorld();
  const cast: Cast = world;
  // Dealer A: a webhook endpoint (to a loopback address nothing listens on); the orders below queue its deliveries.
  const hook = await createEndpoint(actorFor(cast.a.dealer_admin), {
    url: "http://127.0.0.1:9/hooks",
    description: "ERP",
    events: ["order.status_changed", "shipment.created"],
  });
  const catalog = await createCatalogBasics();
  const product = await createProduct();
  const importJob = Number(
    (
      await getDb()
        .insertInto("import_jobs")
        .values({ kind: "products", filename: "x.csv", status: "done", created_by: cast.staff.ops.id })
        .executeTakeFirstOrThrow()
    ).insertId,
  );
  // Dealer A: an invoice last month, its statement, and a dispute on its first line.
  const lastMonth = monthBounds(addDays(monthBounds(todayIn("Asia/Shanghai")).start, -1));
  const entryId = await post(cast.dealerA.id, "invoice", 123_400, lastMonth.start);
  await post(cast.dealerA.id, "fee", 5_000, lastMonth.start);
  await issueStatements(systemActor(cast.dealerA.id, "matrix"), { period: lastMonth.period, dealerIds: [cast.dealerA.id] });
  const statement = await getDb().selectFrom("statements").select("id").where("dealer_id", "=", cast.dealerA.id).executeTakeFirstOrThrow();
  const line = await getDb().selectFrom("statement_lines").select("id").where("statement_id", "=", statement.id).orderBy("line_no").executeTakeFirstOrThrow();
  await disputeLine(actorFor(cast.a.dealer_finance), statement.id, {
    lineId: line.id,
    reasonCode: "other",
    amount: 1_000,
    comment: null,
  });
  const dispute = await getDb().selectFrom("disputes").select("id").where("statement_id", "=", statement.id).executeTakeFirstOrThrow();
  // Dealer A: a submitted order and a draft.
  const submitted = await orderIn(world, "submitted");
  const order = await getDb().selectFrom("orders").select(["id", "number"]).where("id", "=", submitted.id).executeTakeFirstOrThrow();
  const draft = await freshDraft(world);
  // Dealer A: an order shipped in one shipment (its delivery note).
  const shippedOrder = await orderIn(world, "shipped");
  const shipment = await getDb()
    .selectFrom("shipments as s")
    .innerJoin("orders as o", "o.id", "s.order_id")
    .select(["s.id", "o.number"])
    .where("s.order_id", "=", shippedOrder.id)
    .executeTakeFirstOrThrow();
  // The queues: an order of dealer A on credit hold, and a quote of dealer A above the discount limit.
  const held = await orderIn(world, "credit_hold");
  const quoteLine = await createProductLine();
  const deepDiscount = await createLineProduct(quoteLine, { listPrice: 100_000 });
  const pendingDeal = await createDeal(cast.a.dealer_sales, await createKeyAccount(cast.staff.account_manager.id), [quoteLine], {
    approveAs: cast.staff.account_manager,
  });
  const pendingQuote = await createQuoteAwaitingApproval(cast.staff.account_manager, pendingDeal.id, [
    { productId: deepDiscount.id, quantity: 3, unitPrice: 60_000 },
  ]);
  // Notifications: an announcement, an outbox email, an unsubscribe token for dealer A's sales user.
  const announcement = Number(
    (
      await getDb()
        .insertInto("announcements")
        .values({
          title_en: "Spring promotion",
          title_zh: "春季促销",
          body_en: "Details",
          body_zh: "详情",
          starts_at: new Date(Date.now() - 86_400_000),
          created_by: cast.staff.admin.id,
        })
        .executeTakeFirstOrThrow()
    ).insertId,
  );
  const email = Number(
    (
      await getDb()
        .insertInto("outbox_emails")
        .values({
          dedupe_key: `matrix:${Date.now()}`,
          kind: "digest",
          to_address: cast.a.dealer_sales.email,
          locale: "en",
          subject: "Digest",
          html: "<p>Hello</p>",
          text_body: "Hello",
        })
        .executeTakeFirstOrThrow()
    ).insertId,
  );
  const unsubscribeToken = signUnsubscribeToken(await appSecret(), cast.a.dealer_sales.id);
  const deals = await matrixDealRecords(cast);
  // After-sales service: a case of dealer A with a photo attached.
  const serviceCase = await openServiceCase(cast.a.dealer_sales, { files: true });
  // A resolved case of dealer A: its satisfaction survey's link (from the email it sent).
  const surveyed = await openServiceCase(cast.a.dealer_sales);
  for (const action of ["start", "resolve"] as const) await moveCase(actorFor(cast.staff.service), surveyed.id, { action, note: null });
  const surveyMail = await getDb()
    .selectFrom("outbox_emails")
    .select("text_body")
    .where("dedupe_key", "=", `service-survey:${surveyed.id}:1`)
    .executeTakeFirstOrThrow();
  const surveyToken = /\/survey\/([\w-]+\.[\w-]+)\?score=1/.exec(surveyMail.text_body)![1]!;
  // Sell-out: dealer A reported last month by form and by an upload.
  const sellout = await matrixSellout(cast, product.sku);
  // Promotions: a running price off of the product for dealer A only (dealer B's users must get 404).
  const promotion = await createPromotion(
    actorFor(cast.staff.admin),
    PromotionSchema.parse({
      code: "MATRIX-A",
      nameEn: "Matrix promotion",
      nameZh: "矩阵促销",
      mechanism: "price_off",
      discountKind: "percent",
      discountPercent: "5",
      startsOn: addDays(todayIn("Asia/Shanghai"), -1),
      endsOn: addDays(todayIn("Asia/Shanghai"), 30),
      status: "active",
      productSkus: product.sku,
      dealerCodes: cast.dealerA.code,
    }),
  );
  return {
    cast,
    catalog,
    product,
    importJob,
    announcement,
    email,
    unsubscribeToken,
    deals,
    ledger: { entryId, statementId: statement.id, disputeId: dispute.id },
    order: { id: order.id, number: order.number! },
    shipment: { id: shipment.id, orderNumber: shipment.number! },
    draft,
    queues: { heldOrderId: held.id, pendingQuoteId: pendingQuote.id },
    webhook: {
      endpointId: hook.id,
      deliveryId: (await getDb().selectFrom("webhook_deliveries").select("id").where("endpoint_id", "=", hook.id).executeTakeFirstOrThrow()).id,
    },
    serviceCase,
    surveyToken,
    sellout,
    promotion,
  };
}
export type Fixture = Awaited<ReturnType<typeof buildFixture>>;

export type MatrixEntry = {
  /** Creates the records the path needs, once the cast exists. */
  setup?: (cast: Cast) => Promise<Record<string, number>>;
  path: (fx: Fixture) => string;
  allow: readonly Role[] | "public" | "redirect" | "api";
  /**
   * A dealer API route (`allow: "api"`): the status every caller without a Bearer token gets, signed in or
   * not (a session cookie never authenticates the API): 401, or 405 for a GET on a POST-only endpoint. The
   * token × scope × dealer matrix of every endpoint is tests/http/api.test.ts.
   */
  apiStatus?: 401 | 404 | 405;
  /** Roles whose own scope does not include the record: 404, not 403. */
  notFound?: readonly Role[];
  /** The record belongs to dealer A; these dealer-B users must get 404 (never learn it exists). */
  otherDealer?: readonly ("dealer_admin" | "dealer_sales" | "dealer_finance")[];
  /** A public page that signed-in users also see (rather than being sent on). */
  signedInOk?: boolean;
};

const ALL: readonly Role[] = ["dealer_admin", "dealer_sales", "dealer_finance", "account_manager", "ops", "finance", "admin", "service"];
const DEALERS = ["dealer_admin", "dealer_sales", "dealer_finance"] as const;
const SERVICE_READERS: readonly Role[] = [...DEALERS, "account_manager", "service", "admin"];
const SELLOUT_READERS: readonly Role[] = ["dealer_admin", "dealer_sales", "account_manager", "finance", "admin"];
const PROMOTION_READERS: readonly Role[] = [...DEALERS, "account_manager", "finance", "admin"];

export const MATRIX: Record<string, MatrixEntry> = {
  "_index.tsx": { path: () => "/", allow: ALL },
  "login.tsx": { path: () => "/login", allow: "public" },
  "logout.tsx": { path: () => "/logout", allow: "redirect" },
  // The sign-in steps after the password: without a sign-in challenge, /login/two-factor sends to
  // /login and /login/enrol says no sign-in is in progress (tests/http/two-factor.test.ts drives both).
  "login_.two-factor.tsx": { path: () => "/login/two-factor", allow: "redirect" },
  "login_.enrol.tsx": { path: () => "/login/enrol", allow: "public", signedInOk: true },
  "settings_.two-factor.tsx": { path: () => "/settings/two-factor", allow: ALL },
  "locale.tsx": { path: () => "/locale", allow: "redirect" },
  "settings.tsx": { path: () => "/settings", allow: ALL },
  // Webhooks: a dealer administrator its own dealer's endpoints, an administrator every dealer's.
  "settings_.webhooks._index.tsx": { path: () => "/settings/webhooks", allow: ["dealer_admin", "admin"] },
  "settings_.webhooks.$id.tsx": {
    path: ({ webhook }) => `/settings/webhooks/${webhook.endpointId}`,
    allow: ["dealer_admin", "admin"],
    otherDealer: ["dealer_admin"],
  },
  "settings_.webhooks.deliveries.$id.tsx": {
    path: ({ webhook }) => `/settings/webhooks/deliveries/${webhook.deliveryId}`,
    allow: ["dealer_admin", "admin"],
    otherDealer: ["dealer_admin"],
  },
  "admin.users._index.tsx": { path: () => "/admin/users", allow: ["dealer_admin", "admin"] },
  "admin.users.new.tsx": { path: () => "/admin/users/new", allow: ["dealer_admin", "admin"] },
  "admin.users.$id.tsx": {
    path: ({ cast }) => `/admin/users/${cast.a.dealer_sales.id}`,
    allow: ["dealer_admin", "admin"],
    otherDealer: ["dealer_admin"],
  },
  "admin.dealers._index.tsx": { path: () => "/admin/dealers", allow: ["admin"] },
  "admin.dealers.new.tsx": { path: () => "/admin/dealers/new", allow: ["admin"] },
  "admin.dealers.$id.tsx": { path: ({ cast }) => `/admin/dealers/${cast.dealerA.id}`, allow: ["admin"] },
  "admin.audit.tsx": { path: () => "/admin/audit", allow: ["admin"] },
  // catalog and stock
  "stock._index.tsx": { path: () => "/stock", allow: ALL },
  "products.$sku.tsx": { path: ({ product }) => `/products/${product.sku}`, allow: ALL },
  "stock.import._index.tsx": { path: () => "/stock/import", allow: ["ops", "admin"] },
  "stock.import.$id.tsx": { path: ({ importJob }) => `/stock/import/${importJob}`, allow: ["ops", "admin"] },
  "stock.import.progress.ts": { path: () => "/stock/import/progress", allow: ["ops", "admin"] },
  "admin.products._index.tsx": { path: () => "/admin/products", allow: ["admin"] },
  "admin.products.new.tsx": { path: () => "/admin/products/new", allow: ["admin"] },
  "admin.products.$id.tsx": { path: ({ product }) => `/admin/products/${product.id}`, allow: ["admin"] },
  "admin.holidays.tsx": { path: () => "/admin/holidays", allow: ["admin"] },
  "admin.warehouses.tsx": { path: () => "/admin/warehouses", allow: ["admin"] },
  // ledger and statements
  "statements._index.tsx": { path: () => "/statements", allow: ["dealer_admin", "dealer_finance", "finance", "admin"] },
  "statements.$id.tsx": {
    path: ({ ledger }) => `/statements/${ledger.statementId}`,
    allow: ["dealer_admin", "dealer_finance", "finance", "admin"],
    otherDealer: ["dealer_admin", "dealer_finance"],
  },
  "statements.$id_.print.tsx": {
    path: ({ ledger }) => `/statements/${ledger.statementId}/print`,
    allow: ["dealer_admin", "dealer_finance", "finance", "admin"],
    otherDealer: ["dealer_admin", "dealer_finance"],
  },
  "statements.$id_.pdf.ts": {
    path: ({ ledger }) => `/statements/${ledger.statementId}/pdf`,
    allow: ["dealer_admin", "dealer_finance", "finance", "admin"],
    otherDealer: ["dealer_admin", "dealer_finance"],
  },
  "fees.tsx": { path: () => "/fees", allow: ["dealer_admin", "dealer_finance", "finance", "admin"] },
  "finance.aging.tsx": { path: () => "/finance/aging", allow: ["finance", "admin"] },
  "finance.disputes._index.tsx": { path: () => "/finance/disputes", allow: ["finance", "admin"] },
  "finance.disputes.$id.tsx": { path: ({ ledger }) => `/finance/disputes/${ledger.disputeId}`, allow: ["finance", "admin"] },
  "finance.fee-types.tsx": { path: () => "/finance/fee-types", allow: ["finance", "admin"] },
  "finance.ledger._index.tsx": { path: () => "/finance/ledger", allow: ["finance", "admin"] },
  "finance.ledger.$dealerId.tsx": { path: ({ cast }) => `/finance/ledger/${cast.dealerA.id}`, allow: ["finance", "admin"] },
  "finance.ledger.entries.$id.tsx": { path: ({ ledger }) => `/finance/ledger/entries/${ledger.entryId}`, allow: ["finance", "admin"] },
  "finance.ledger.new.tsx": { path: () => "/finance/ledger/new", allow: ["finance", "admin"] },
  "finance.payments.import.tsx": { path: () => "/finance/payments/import", allow: ["finance", "admin"] },
  "finance.statements.tsx": { path: () => "/finance/statements", allow: ["finance", "admin"] },
  // The queues of issue #20: orders on credit hold (finance may release them) and quotes awaiting a discount approval (administrators).
  "finance.credit-holds.tsx": { path: () => "/finance/credit-holds", allow: ["finance", "admin"] },
  "quotes.approvals.tsx": { path: () => "/quotes/approvals", allow: ["admin"] },
  // orders
  "orders._index.tsx": { path: () => "/orders", allow: ALL },
  "orders.new.tsx": { path: () => "/orders/new", allow: ["dealer_admin", "dealer_sales"] },
  "orders.addresses.tsx": { path: () => "/orders/addresses", allow: ["dealer_admin"] },
  "orders.$number.tsx": {
    path: ({ order }) => `/orders/${order.number}`,
    allow: ALL,
    // The account manager of dealer A is assigned; a dealer-B user must not learn the order exists.
    otherDealer: ["dealer_admin", "dealer_sales", "dealer_finance"],
  },
  // The order's documents: whoever reads the order reads them; another dealer never learns the order exists.
  "orders.$number_.print.tsx": {
    path: ({ order }) => `/orders/${order.number}/print`,
    allow: ALL,
    otherDealer: ["dealer_admin", "dealer_sales", "dealer_finance"],
  },
  "orders.$number_.pdf.ts": {
    path: ({ order }) => `/orders/${order.number}/pdf`,
    allow: ALL,
    otherDealer: ["dealer_admin", "dealer_sales", "dealer_finance"],
  },
  "orders.$number_.shipments.$shipmentId.print.tsx": {
    path: ({ shipment }) => `/orders/${shipment.orderNumber}/shipments/${shipment.id}/print`,
    allow: ALL,
    otherDealer: ["dealer_admin", "dealer_sales", "dealer_finance"],
  },
  "orders.drafts.$id.tsx": {
    path: ({ draft }) => `/orders/drafts/${draft.id}`,
    allow: ["dealer_admin", "dealer_sales"],
    otherDealer: ["dealer_admin", "dealer_sales"],
  },
  "review.orders.tsx": { path: () => "/review/orders", allow: ["ops", "admin"] },
  "review.due.tsx": { path: () => "/review/due", allow: ["ops", "admin"] },
  "stock.alerts.tsx": { path: () => "/stock/alerts?kind=low", allow: ["ops", "admin"] },
  // Deals area: the key account is owned by dealer A's account manager; the deal, quote and lead belong to dealer A.
  "key-accounts._index.tsx": { path: () => "/key-accounts", allow: ["account_manager", "admin"] },
  "key-accounts.new.tsx": { path: () => "/key-accounts/new", allow: ["account_manager", "admin"] },
  "key-accounts.$id.tsx": { path: ({ deals }) => `/key-accounts/${deals.keyAccountId}`, allow: ["account_manager", "admin"], notFound: [] },
  "deals._index.tsx": { path: () => "/deals", allow: ["dealer_admin", "dealer_sales", "account_manager", "admin"] },
  "deals.new.tsx": { path: () => "/deals/new", allow: ["dealer_admin", "dealer_sales"] },
  "deals.$id.tsx": {
    path: ({ deals }) => `/deals/${deals.dealId}`,
    allow: ["dealer_admin", "dealer_sales", "account_manager", "admin"],
    otherDealer: ["dealer_admin", "dealer_sales"],
  },
  "quotes.$id.tsx": {
    path: ({ deals }) => `/quotes/${deals.quoteId}`,
    allow: ["dealer_admin", "dealer_sales", "account_manager", "admin"],
    otherDealer: ["dealer_admin", "dealer_sales"],
  },
  "quotes.$id_.print.tsx": {
    path: ({ deals }) => `/quotes/${deals.quoteId}/print`,
    allow: ["dealer_admin", "dealer_sales", "account_manager", "admin"],
    otherDealer: ["dealer_admin", "dealer_sales"],
  },
  "leads.$id.tsx": {
    path: ({ deals }) => `/leads/${deals.leadId}`,
    allow: ["dealer_admin", "dealer_sales", "account_manager", "admin"],
    otherDealer: ["dealer_admin", "dealer_sales"],
  },
  "reports.tsx": { path: () => "/reports", allow: ALL },
  // jobs, outbox, announcements
  "admin.jobs.tsx": { path: () => "/admin/jobs", allow: ["admin"] },
  "admin.outbox._index.tsx": { path: () => "/admin/outbox", allow: ["admin"] },
  "admin.outbox.$id.tsx": { path: ({ email }) => `/admin/outbox/${email}`, allow: ["admin"] },
  "admin.announcements._index.tsx": { path: () => "/admin/announcements", allow: ["admin"] },
  "admin.announcements.new.tsx": { path: () => "/admin/announcements/new", allow: ["admin"] },
  "admin.announcements.$id.tsx": { path: ({ announcement }) => `/admin/announcements/${announcement}`, allow: ["admin"] },
  // Promotions (issue #24 item 3): dealers read those that target them (dealer B must not learn of dealer A's).
  "promotions._index.tsx": { path: () => "/promotions", allow: PROMOTION_READERS },
  "promotions.$id.tsx": { path: ({ promotion }) => `/promotions/${promotion.id}`, allow: PROMOTION_READERS, otherDealer: DEALERS },
  "admin.promotions.new.tsx": { path: () => "/admin/promotions/new", allow: ["admin"] },
  "admin.promotions.$id.tsx": { path: ({ promotion }) => `/admin/promotions/${promotion.id}`, allow: ["admin"] },
  // After-sales service (issue #23): the case and its attachment belong to dealer A; dealer A's account manager reads them.
  "service._index.tsx": { path: () => "/service", allow: SERVICE_READERS },
  "service.new.tsx": { path: () => "/service/new", allow: DEALERS },
  // The figures are for staff (decision 135): each reads its own scope (the account manager their dealers').
  "service.figures.tsx": { path: () => "/service/figures", allow: ["account_manager", "service", "admin"] },
  "service.$id.tsx": { path: ({ serviceCase }) => `/service/${serviceCase.id}`, allow: SERVICE_READERS, otherDealer: DEALERS },
  "service.$id_.attachments.$attachmentId.ts": {
    path: ({ serviceCase }) => `/service/${serviceCase.id}/attachments/${serviceCase.attachmentIds[0]}`,
    allow: SERVICE_READERS,
    otherDealer: DEALERS,
  },
  "admin.service-promise.tsx": { path: () => "/admin/service-promise", allow: ["admin"] },
  // Sell-out reports (issue #24): dealer A's pages; its account manager, finance and the administrator read them; a dealer's
  // finance user does not report sell-out (403 in its own dealer); dealer B's users must not learn dealer A's exist.
  "sellout._index.tsx": { path: () => "/sellout", allow: SELLOUT_READERS },
  "sellout.$dealerId._index.tsx": { path: ({ cast }) => `/sellout/${cast.dealerA.id}`, allow: SELLOUT_READERS, otherDealer: ["dealer_admin", "dealer_sales"] },
  "sellout.$dealerId.$period.tsx": {
    path: ({ cast, sellout }) => `/sellout/${cast.dealerA.id}/${sellout.period}`,
    allow: SELLOUT_READERS,
    otherDealer: ["dealer_admin", "dealer_sales"],
  },
  "sellout.$dealerId.upload.tsx": {
    path: ({ cast, sellout }) => `/sellout/${cast.dealerA.id}/upload?job=${sellout.jobId}`,
    allow: SELLOUT_READERS,
    otherDealer: ["dealer_admin", "dealer_sales"],
  },
  // Dealer-profit measures (issue #24 item 2): who reads the sell-out reads the figures, in the same scope; dealer B's
  // users get 404 for dealer A's page; the ranking of account managers is the administrator's.
  "measures._index.tsx": { path: () => "/measures", allow: SELLOUT_READERS },
  "measures.$dealerId.tsx": { path: ({ cast }) => `/measures/${cast.dealerA.id}`, allow: SELLOUT_READERS, otherDealer: ["dealer_admin", "dealer_sales"] },
  "reports_.managers.tsx": { path: () => "/reports/managers?by=shareBp", allow: ["admin"] },
  "unsubscribe.$token.tsx": { path: ({ unsubscribeToken }) => `/unsubscribe/${unsubscribeToken}`, allow: "public", signedInOk: true },
  // The satisfaction survey of a resolved case: opened from the email's link, signed in or not (decision 132).
  "survey.$token.tsx": { path: ({ surveyToken }) => `/survey/${surveyToken}?score=3`, allow: "public", signedInOk: true },
  // The dealer API: its token pages, the reference page and document, and the /api/v1 endpoints.
  "settings_.api-tokens.tsx": { path: () => "/settings/api-tokens", allow: ["dealer_admin"] },
  "admin.dealers.$id_.api-tokens.tsx": { path: ({ cast }) => `/admin/dealers/${cast.dealerA.id}/api-tokens`, allow: ["admin"] },
  "api.docs.tsx": { path: () => "/api/docs", allow: "public", signedInOk: true },
  "api.v1.openapi[.]json.ts": { path: () => "/api/v1/openapi.json", allow: "public", signedInOk: true },
  "api.$.ts": { path: () => "/api/v2/orders", allow: "api", apiStatus: 404 },
  "api.v1.products.ts": { path: () => "/api/v1/products", allow: "api", apiStatus: 401 },
  "api.v1.stock.$sku.ts": { path: ({ product }) => `/api/v1/stock/${product.sku}`, allow: "api", apiStatus: 401 },
  "api.v1.availability.ts": { path: ({ product }) => `/api/v1/availability?sku=${product.sku}&quantity=1`, allow: "api", apiStatus: 401 },
  "api.v1.addresses.ts": { path: () => "/api/v1/addresses", allow: "api", apiStatus: 401 },
  "api.v1.orders._index.ts": { path: () => "/api/v1/orders", allow: "api", apiStatus: 401 },
  "api.v1.orders.$id.ts": { path: ({ order }) => `/api/v1/orders/${order.id}`, allow: "api", apiStatus: 401 },
  "api.v1.orders.$id_.submit.ts": { path: ({ draft }) => `/api/v1/orders/${draft.id}/submit`, allow: "api", apiStatus: 405 },
  "api.v1.orders.$id_.cancel.ts": { path: ({ order }) => `/api/v1/orders/${order.id}/cancel`, allow: "api", apiStatus: 405 },
  "api.v1.orders.$id_.shipments.$shipmentId.confirm-delivery.ts": {
    path: ({ shipment, order }) => `/api/v1/orders/${order.id}/shipments/${shipment.id}/confirm-delivery`,
    allow: "api",
    apiStatus: 405,
  },
  "api.v1.statements._index.ts": { path: () => "/api/v1/statements", allow: "api", apiStatus: 401 },
  "api.v1.statements.$id.ts": { path: ({ ledger }) => `/api/v1/statements/${ledger.statementId}`, allow: "api", apiStatus: 401 },
  "api.v1.statements.$id_.confirm.ts": { path: ({ ledger }) => `/api/v1/statements/${ledger.statementId}/confirm`, allow: "api", apiStatus: 405 },
  "api.v1.statements.$id_.lines.$lineId.dispute.ts": {
    path: ({ ledger }) => `/api/v1/statements/${ledger.statementId}/lines/1/dispute`,
    allow: "api",
    apiStatus: 405,
  },
  "api.v1.ledger-entries.ts": { path: () => "/api/v1/ledger-entries", allow: "api", apiStatus: 401 },
};

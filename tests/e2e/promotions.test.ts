/**
 * Journey (issue #24 item 3): the administrator (Chinese, JavaScript on) creates a price-off promotion by
 * form; the dealer's draft shows it on the line (English); after the order the promotion's page tracks it
 * per dealer; finance reverses a posted rebate. Every page fits 1366 and 390 px in both languages;
 * screenshots in tests/artifacts. Needs `npx remix build` first (npm test does it).
 */
import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { lastEndedPeriod } from "../../app/modules/sellout/period";
import { saveLine } from "../../app/modules/sellout/sellout.server";
import { createPromotion } from "../../app/modules/promotions/promotions.server";
import { PromotionSchema } from "../../app/modules/promotions/promotions.schema.server";
import { runPromotionRebates } from "../../app/modules/promotions/rebates.server";
import { submitOrder } from "../../app/modules/orders/orders.server";
import { addDays, todayIn } from "../../app/utils/time";
import { actorFor, TEST_PASSWORD } from "../factories";
import { draftForm, freshDraft, orderWorld } from "../factories/orders";
import { newPage, screenshotsAtBothWidths, signInAs, withServerAndBrowser } from "../helpers/browser";

let browser: Browser;
let base: string;
withServerAndBrowser((s) => ({ base, browser } = s));

describe("promotions journey", () => {
  it("admin creates a price off (zh) → the dealer's line shows it (en) → tracking per dealer → finance reverses a rebate", async () => {
    const w = await orderWorld();
    const today = todayIn("Asia/Shanghai");
    const last = lastEndedPeriod(today, "month");
    const sku = (await getDb().selectFrom("products").select("sku").where("id", "=", w.widget.id).executeTakeFirstOrThrow()).sku;
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", w.staff.admin.id).execute();

    const admin = await newPage(browser, base, "zh-CN");
    await signInAs(admin.page, w.staff.admin.email, TEST_PASSWORD);
    await admin.page.goto("/admin/promotions/new");
    await admin.page.getByRole("heading", { name: "新建促销" }).waitFor();
    await admin.page.fill("#f-code", "x");
    await admin.page.getByRole("button", { name: "创建促销" }).click();
    await admin.page.getByText("2 到 32 个大写字母、数字或连字符。").waitFor();
    await screenshotsAtBothWidths(admin.page, "promotion-new-errors-zh");
    await admin.page.fill("#f-code", "WINTER-10");
    await admin.page.fill("#f-nameZh", "冬季直降");
    await admin.page.fill("#f-nameEn", "Winter price off");
    await admin.page.fill("#f-discountPercent", "10");
    await admin.page.fill("#f-startsOn", addDays(today, -1));
    await admin.page.fill("#f-endsOn", addDays(today, 30));
    await admin.page.fill("#f-productSkus", sku);
    await admin.page.selectOption("#f-status", "active");
    await Promise.all([admin.page.waitForURL(/\/promotions\/\d+\?created=1$/), admin.page.getByRole("button", { name: "创建促销" }).click()]);
    await admin.page.getByText("促销已创建。").waitFor();
    const promotionId = Number(/\/promotions\/(\d+)/.exec(admin.page.url())![1]);

    // The dealer's draft (English): the line shows the promotion and the lower price (gold 90.00 → 81.00).
    const draft = await freshDraft(w, [{ productId: w.widget.id, quantity: 3 }]);
    const dealer = await newPage(browser, base, "en-US");
    await signInAs(dealer.page, w.a.dealer_sales.email, TEST_PASSWORD);
    await dealer.page.goto("/");
    await dealer.page.getByTestId("promotions-panel").getByText("WINTER-10").waitFor();
    await screenshotsAtBothWidths(dealer.page, "promotion-dashboard-en");
    await dealer.page.goto(`/orders/drafts/${draft.id}`);
    await dealer.page.getByTestId("line-promotion").getByText("WINTER-10").waitFor();
    await screenshotsAtBothWidths(dealer.page, "promotion-order-line-en");
    const order = await submitOrder(actorFor(w.a.dealer_sales), {
      orderId: null,
      submitKey: "e2e-promo",
      form: draftForm({ addressId: w.addrA.id, lines: [{ productId: w.widget.id, quantity: 3 }] }),
    });
    expect((await getDb().selectFrom("order_lines").select("promotion_id").where("order_id", "=", order.id).executeTakeFirstOrThrow()).promotion_id).toBe(
      promotionId,
    );
    await dealer.page.goto(`/orders/${order.number}`);
    await dealer.page.getByTestId("line-promotion").first().waitFor();
    await dealer.page.goto(`/promotions/${promotionId}`);
    await dealer.page.getByTestId("promotion-tracking-table").waitFor();
    await screenshotsAtBothWidths(dealer.page, "promotion-page-dealer-en");
    await admin.page.goto("/promotions");
    await admin.page.getByTestId("promotions-table").getByText("WINTER-10").waitFor();
    await screenshotsAtBothWidths(admin.page, "promotions-list-zh");

    // A sell-out rebate posted for last month; finance (English) reverses it.
    const rebate = await createPromotion(
      actorFor(w.staff.admin),
      PromotionSchema.parse({
        code: "SELLOUT-2",
        nameEn: "Sell-out rebate",
        nameZh: "销量返利",
        mechanism: "rebate",
        rebatePercent: "2",
        rebateBasis: "sellout",
        startsOn: last.start,
        endsOn: addDays(today, 30),
        status: "active",
        productSkus: sku,
      }),
    );
    await saveLine(actorFor(w.a.dealer_sales), w.dealerA.id, last.key, { sku, keyAccount: "", region: "", unitsSold: 8, revenue: 80_000, unitsOnHand: 1 });
    await runPromotionRebates(actorFor(w.staff.admin), { period: last.key });
    const fin = await newPage(browser, base, "en-US");
    await signInAs(fin.page, w.staff.finance.email, TEST_PASSWORD);
    await fin.page.goto(`/promotions/${rebate.id}`);
    await fin.page.getByTestId("promotion-rebates-table").waitFor();
    await screenshotsAtBothWidths(fin.page, "promotion-rebates-en");
    await fin.page.getByPlaceholder("Reason for the reversal").fill("wrong products");
    await fin.page.getByRole("button", { name: "Reverse" }).click();
    await fin.page.getByText("The rebate was reversed.").waitFor();
    await admin.page.goto(`/promotions/${rebate.id}`);
    await admin.page.getByText("已冲销").first().waitFor();
    await screenshotsAtBothWidths(admin.page, "promotion-rebates-reversed-zh");
    await admin.page.goto(`/admin/promotions/${promotionId}`);
    await screenshotsAtBothWidths(admin.page, "promotion-edit-zh");
    await Promise.all([admin.context.close(), dealer.context.close(), fin.context.close()]);
  }, 120_000); // a journey of several users in two languages: slow on a loaded 2-core machine
});

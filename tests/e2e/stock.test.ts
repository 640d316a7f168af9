/**
 * Browser journey: a dealer searches the stock page and checks availability,
 * in Chinese and in English; ops posts a receipt on the product page.
 */
import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { createDealer, createManufacturer, createUser, TEST_PASSWORD } from "../factories";
import { createCatalogBasics, createProduct, planIncoming, receive } from "../factories/catalog";
import { newPage, screenshot, withServerAndBrowser, signInAs } from "../helpers/browser";

let browser: Browser;

let base: string;

withServerAndBrowser((s) => ({ base, browser } = s));

async function world() {
  await createManufacturer();
  const dealer = await createDealer({ tier: "gold", region: "north" });
  const { warehouses } = await createCatalogBasics();
  const ac = await createProduct({
    sku: "AC-1000",
    nameEn: "Breeze wall AC",
    nameZh: "清风壁挂空调",
    tiers: { platinum: 71_111, gold: 82_222, silver: 93_333 },
  });
  const fridge = await createProduct({ sku: "REF-2000", nameEn: "Frost fridge", nameZh: "霜冻冰箱", category: "fridge", line: "REF" });
  await receive(ac.id, warehouses.east, 40);
  await receive(ac.id, warehouses.north, 5);
  await receive(fridge.id, warehouses.south, 3);
  await planIncoming(fridge.id, warehouses.north, 50, "2099-03-02");
  return { dealer, warehouses, ac, fridge };
}

describe("stock page in the browser", () => {
  it("a dealer searches and checks availability in Chinese", async () => {
    const { dealer } = await world();
    const user = await createUser("dealer_sales", { organisationId: dealer.id, locale: "zh-CN" });
    const { context, page } = await newPage(browser, base, "zh-CN");
    page.setDefaultTimeout(8_000);
    try {
      await signInAs(page, user.email, TEST_PASSWORD);
      await page.goto("/stock");
      await expect(page.locator("h1").textContent()).resolves.toBe("库存查询");
      await page.fill("input[name=q]", "冰箱");
      await Promise.all([page.waitForURL(/q=/), page.click("form[role=search] button[type=submit]")]);
      const rows = page.locator("[data-testid=stock-table] tbody tr");
      await expect.poll(() => rows.count()).toBe(1);
      await expect(rows.first().getAttribute("data-sku")).resolves.toBe("REF-2000");
      // "Can I get 20 by 2099-03-10 near North China?" 3 now (south), the rest from the incoming lot.
      await page.locator("#availability summary").click();
      await page.fill("#chk-sku", "REF-2000");
      await page.fill("#chk-quantity", "20");
      await page.fill("#chk-neededBy", "2099-03-10");
      await page.selectOption("#chk-region", "north");
      await Promise.all([page.waitForURL(/check=1/), page.click("[data-testid=availability-form] button[type=submit]")]);
      await page.locator("[data-testid=availability-headline]", { hasText: "可以" }).waitFor();
      const headline = await page.locator("[data-testid=availability-headline]").textContent();
      expect(headline).toContain("20");
      await page.locator("[data-testid=ship-now]", { hasText: "3" }).first().waitFor();
      const firstWarehouse = await page.locator("[data-testid=availability-warehouses] tbody tr").first().textContent();
      expect(firstWarehouse).toContain("北京中心仓");
      await screenshot(page, "stock-zh");
      // Not possible by an earlier date: partial answer.
      await page.fill("#chk-neededBy", "2099-02-01");
      await Promise.all([page.waitForURL(/checkDate=2099-02-01/), page.click("[data-testid=availability-form] button[type=submit]")]);
      await page.locator("[data-testid=availability-headline]", { hasText: "仅能发货 3 / 20" }).first().waitFor();
    } finally {
      await context.close();
    }
  });

  it("a dealer searches in English, sees only its price, and checks on the product page", async () => {
    const { dealer } = await world();
    const user = await createUser("dealer_admin", { organisationId: dealer.id, locale: "en" });
    const { context, page } = await newPage(browser, base, "en");
    page.setDefaultTimeout(8_000);
    try {
      await signInAs(page, user.email, TEST_PASSWORD);
      await page.goto("/stock?q=breeze");
      await expect(page.locator("h1").textContent()).resolves.toBe("Stock");
      const row = page.locator("[data-testid=stock-table] tbody tr");
      await expect.poll(() => row.count()).toBe(1);
      const text = (await row.first().textContent()) ?? "";
      expect(text).toContain("822.22");
      expect(text).not.toContain("711.11");
      await Promise.all([page.waitForURL(/\/products\/AC-1000/), page.click("a:has-text('AC-1000')")]);
      await page.locator("[data-testid=your-price]", { hasText: "822.22" }).first().waitFor();
      await expect(page.content()).resolves.not.toContain("711.11");
      await page.fill("#chk-quantity", "44");
      await page.selectOption("#chk-region", "north");
      await Promise.all([page.waitForURL(/check=1/), page.click("[data-testid=availability-form] button[type=submit]")]);
      await page.locator("[data-testid=availability-headline]", { hasText: "Yes: all 44 pcs can ship now" }).first().waitFor();
      const order = await page.locator("[data-testid=availability-warehouses] tbody tr td:first-child").allTextContents();
      expect(order[0]).toContain("Beijing DC");
      await page.fill("#chk-quantity", "100");
      await Promise.all([page.waitForURL(/checkQty=100/), page.click("[data-testid=availability-form] button[type=submit]")]);
      await page.locator("[data-testid=rest-promise]", { hasText: "No promise date yet" }).first().waitFor();
      await screenshot(page, "product-en");
    } finally {
      await context.close();
    }
  });

  it("ops posts a receipt on the product page and the stock page shows it", async () => {
    await world();
    const ops = await createUser("ops", { locale: "en" });
    const { context, page } = await newPage(browser, base, "en");
    page.setDefaultTimeout(8_000);
    try {
      await signInAs(page, ops.email, TEST_PASSWORD);
      await page.goto("/products/REF-2000");
      await page.selectOption("#receipt-warehouse", { label: "WH-SH · Shanghai DC" });
      await page.fill("#receipt-quantity", "12");
      await page.fill("#receipt-reason", "PO 778");
      await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.click("button[value=receipt]")]);
      await page.locator("[role=status]").first().filter({ hasText: "Receipt posted." }).first().waitFor();
      await page.locator("[data-testid=movements]", { hasText: "PO 778" }).first().waitFor();
      await page.goto("/stock?q=REF-2000");
      await page.locator("[data-testid=stock-table] tbody tr").first().filter({ hasText: "15" }).first().waitFor();
    } finally {
      await context.close();
    }
  });
});

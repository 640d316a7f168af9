import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { createCast, TEST_PASSWORD } from "../factories";
import { newPage, screenshot, signInAs, withServerAndBrowser } from "../helpers/browser";

let browser: Browser;
let base = "";
withServerAndBrowser((s) => ({ base, browser } = s));

describe("browser: sign in, switch language, see the dashboard", () => {
  it("a dealer and an account manager each see their own dashboard in both languages", async () => {
    const cast = await createCast();
    for (const [user, label] of [
      [cast.a.dealer_sales, "dealer"],
      [cast.staff.account_manager, "account-manager"],
    ] as const) {
      const { context, page } = await newPage(browser, base, "zh-CN");
      await signInAs(page, user.email, TEST_PASSWORD);
      await page.waitForSelector("[data-testid=dashboard-figures]");
      // The user's stored language is English (factory default).
      await expect(page.locator("h1").first().textContent()).resolves.toBe("Dashboard");
      const figures = await page.locator("[data-testid=dashboard-figures]").innerText();
      if (label === "dealer") expect(figures).toContain("Credit limit");
      else expect(figures).toContain("Dealers assigned to you");
      await screenshot(page, `foundation-${label}-en`);
      await page.click("button[name=locale][value=zh-CN]");
      await page.locator("h1", { hasText: "工作台" }).waitFor();
      await expect(page.locator("html").getAttribute("lang")).resolves.toBe("zh-CN");
      const zhFigures = await page.locator("[data-testid=dashboard-figures]").innerText();
      if (label === "dealer") expect(zhFigures).toContain("信用额度");
      else expect(zhFigures).toContain("分配给您的经销商");
      await screenshot(page, `foundation-${label}-zh`);
      // Signing out works from the header.
      await Promise.all([page.waitForURL((u) => u.pathname === "/login"), page.click("header form[action='/logout'] button")]);
      await page.locator("h1", { hasText: "登录" }).waitFor();
      await context.close();
    }
  });

  it("follows menu and list links inside the page once it has loaded (no full reload), marking the current page in the menu", async () => {
    const cast = await createCast();
    const { context, page } = await newPage(browser, base, "en-US");
    try {
      await signInAs(page, cast.a.dealer_sales.email, TEST_PASSWORD);
      await page.waitForFunction(() =>
        Boolean((window as unknown as { __remixRouter?: { state: { initialized: boolean } } }).__remixRouter?.state.initialized),
      );
      await page.evaluate(() => ((window as unknown as { ddMarker: number }).ddMarker = 1));
      const menu = page.locator("nav[aria-label] div.hidden.md\\:block");
      const orders = menu.locator('a[href="/orders"]');
      expect(await orders.getAttribute("data-nav")).toBe("");
      await Promise.all([page.waitForURL((u) => u.pathname === "/orders"), orders.click()]);
      await page.locator("h1", { hasText: "Orders" }).waitFor();
      await expect(orders.getAttribute("aria-current")).resolves.toBe("page");
      await expect(menu.locator('a[href="/"]').getAttribute("aria-current")).resolves.toBeNull();
      // Still the same document: the marker set before the click survived.
      await expect(page.evaluate(() => (window as unknown as { ddMarker?: number }).ddMarker)).resolves.toBe(1);
      // Back works as with any navigation.
      await Promise.all([page.waitForURL((u) => u.pathname === "/"), page.goBack()]);
      await expect(page.evaluate(() => (window as unknown as { ddMarker?: number }).ddMarker)).resolves.toBe(1);
    } finally {
      await context.close();
    }
  });

  it("shows a localized field error under the field and keeps the email on a failed sign-in (with JavaScript)", async () => {
    const { context, page } = await newPage(browser, base, "en-US");
    await page.goto("/login");
    await page.fill("input[name=email]", "nobody@test.local");
    await page.fill("input[name=password]", "wrong-password");
    await page.click("main form button[type=submit]");
    await page.waitForSelector("[role=alert]");
    expect(await page.locator("[role=alert]").first().innerText()).toContain("Email or password is incorrect.");
    expect(await page.inputValue("input[name=email]")).toBe("nobody@test.local");
    await context.close();
  });
});

/**
 * Journey: a dealer administrator (in Chinese) creates an API token for the ERP on /settings/api-tokens,
 * copies the secret (shown once), the ERP uses it, the administrator sees its last use and revokes it;
 * an administrator (in English) sees the dealer's tokens on the dealer's page; the reference page in
 * both languages. Screenshots at 1366 px and 390 px (tests/artifacts/api-*.png).
 */
import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { createCast, TEST_PASSWORD } from "../factories";
import { newPage, screenshot, signInAs, withServerAndBrowser } from "../helpers/browser";

let browser: Browser;
let base: string;

withServerAndBrowser((s) => ({ base, browser } = s));

describe("API tokens journey", () => {
  it("create (secret once) → the ERP calls the API → last use shown → revoke → 401; admin view; reference page", { timeout: 180_000 }, async () => {
    const cast = await createCast();
    // The account's language wins over the browser's: the dealer administrator reads Chinese, the administrator English.
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", cast.a.dealer_admin.id).execute();
    await getDb().updateTable("users").set({ locale: "en" }).where("id", "=", cast.staff.admin.id).execute();
    const dealer = await newPage(browser, base, "zh-CN");
    await signInAs(dealer.page, cast.a.dealer_admin.email, TEST_PASSWORD);
    await dealer.page.goto("/settings");
    await dealer.page.getByRole("link", { name: "接口令牌" }).click();
    await dealer.page.getByRole("heading", { name: "接口令牌", level: 1 }).waitFor();
    // Refused first: no scope chosen keeps the name and says what is missing.
    await dealer.page.getByLabel("名称").fill("ERP 生产环境");
    await dealer.page.getByRole("button", { name: "创建令牌" }).click();
    await dealer.page.getByText("请至少选择一个权限范围。").waitFor();
    expect(await dealer.page.getByLabel("名称").inputValue()).toBe("ERP 生产环境");
    await dealer.page.getByLabel(/orders:read/).check();
    await dealer.page.getByLabel(/orders:write/).check();
    await dealer.page.getByLabel("允许的 IP 地址（可选）").fill("127.0.0.1, ::1");
    await dealer.page.getByRole("button", { name: "创建令牌" }).click();
    await dealer.page.getByText("请立即复制密钥").waitFor();
    const secret = await dealer.page.getByTestId("token-secret").inputValue();
    expect(secret).toMatch(/^ddk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    await dealer.page.setViewportSize({ width: 1366, height: 900 });
    await screenshot(dealer.page, "api-tokens-created-zh-1366");

    // The ERP uses it.
    const res = await fetch(`${base}/api/v1/orders`, { headers: { Authorization: `Bearer ${secret}` } });
    expect(res.status).toBe(200);

    // Reloaded: the secret is gone for good; the list shows the last use.
    await dealer.page.goto("/settings/api-tokens");
    expect(await dealer.page.getByTestId("token-secret").count()).toBe(0);
    const row = dealer.page.getByTestId("api-tokens").locator("tbody tr").first();
    await row.getByText("ERP 生产环境").waitFor();
    expect(await row.textContent()).not.toContain("从未使用");
    await dealer.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(dealer.page, "api-tokens-list-zh-390");
    await dealer.page.setViewportSize({ width: 1366, height: 900 });
    await row.getByRole("button", { name: "吊销 ERP 生产环境" }).click();
    await dealer.page.getByText("令牌已吊销，立即失效。").waitFor();
    expect((await fetch(`${base}/api/v1/orders`, { headers: { Authorization: `Bearer ${secret}` } })).status).toBe(401);

    // The administrator, in English, on the dealer's page.
    const admin = await newPage(browser, base, "en-US");
    await signInAs(admin.page, cast.staff.admin.email, TEST_PASSWORD);
    await admin.page.goto(`/admin/dealers/${cast.dealerA.id}`);
    await admin.page.getByRole("link", { name: "API tokens" }).click();
    await admin.page.getByRole("heading", { name: /API tokens · / }).waitFor();
    await admin.page.getByText("Revoked").first().waitFor();
    await admin.page.setViewportSize({ width: 1366, height: 900 });
    await screenshot(admin.page, "api-tokens-admin-en-1366");
    await admin.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(admin.page, "api-tokens-admin-en-390");

    // The reference page in both languages.
    await admin.page.setViewportSize({ width: 1366, height: 900 });
    await admin.page.goto("/api/docs");
    await admin.page.getByRole("heading", { name: "Dealer API", level: 1 }).waitFor();
    await admin.page.getByRole("link", { name: "OpenAPI document (JSON)" }).waitFor();
    // Webhooks are documented beside the endpoints: every event a dealer can subscribe to, and how to verify one.
    await admin.page.getByRole("heading", { name: "Webhooks", level: 2 }).waitFor();
    for (const e of ["order.status_changed", "shipment.created", "order.promise_date_changed", "statement.issued", "dispute.resolved"])
      await admin.page.getByRole("region", { name: "Webhooks" }).getByText(e, { exact: true }).waitFor();
    await screenshot(admin.page, "api-docs-en-1366");
    await dealer.page.goto("/api/docs");
    await dealer.page.getByRole("heading", { name: "经销商接口", level: 1 }).waitFor();
    await dealer.page.getByRole("heading", { name: "Webhook 推送", level: 2 }).waitFor();
    await dealer.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(dealer.page, "api-docs-zh-390");
  });
});

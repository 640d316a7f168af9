/**
 * Journey: a dealer administrator (in Chinese) adds a webhook endpoint for a receiver listening on
 * loopback, is refused a plain-http public URL with a message on the field, copies the secret shown
 * once; an order changes status; the sender delivers it, signed; the administrator reads the delivery
 * and resends it — then the same pages in English, on a laptop (1366 px) and a phone (390 px).
 * Needs `npx remix build` first (npm test does it).
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { TEST_PASSWORD } from "../factories";
import { orderIn, orderWorld } from "../factories/orders";
import { newPage, screenshot, signInAs, withServerAndBrowser } from "../helpers/browser";
import { systemActor } from "../../app/modules/auth/actor";
import { sendDueWebhooks } from "../../app/modules/webhooks/delivery.server";
import { verifySignature } from "../../app/modules/webhooks/signing.server";

let browser: Browser;
let base: string;
withServerAndBrowser((s) => ({ base, browser } = s));

const received: { headers: IncomingMessage["headers"]; body: string }[] = [];
const receiver = createServer((req, res) => {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (c: string) => (body += c));
  req.on("end", () => {
    received.push({ headers: req.headers, body });
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end('{"ok":true}');
  });
});
afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

describe("webhooks journey", () => {
  it("add an endpoint, receive a signed delivery, read and resend it; both languages, laptop and phone", async () => {
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/erp/hooks`;
    const w = await orderWorld();
    const db = getDb();
    await db.updateTable("users").set({ locale: "zh-CN" }).where("id", "=", w.a.dealer_admin.id).execute();

    const { page, context } = await newPage(browser, base, "zh-CN");
    await page.setViewportSize({ width: 1366, height: 900 });
    await signInAs(page, w.a.dealer_admin.email, TEST_PASSWORD);
    await page.goto("/settings");
    await page.getByRole("link", { name: "管理 Webhook" }).click();
    await page.getByRole("heading", { name: "Webhook 推送" }).waitFor();
    await screenshot(page, "webhooks-empty-zh-1366");

    // A plain-http public address is refused on the field, with the typed value kept.
    await page.getByLabel("地址（URL）").fill("http://erp.example.com/hooks");
    await page.getByLabel("订单状态变更").check();
    await page.getByRole("button", { name: "添加端点" }).click();
    await page.getByText("仅在非生产环境下").waitFor();
    expect(await page.getByLabel("地址（URL）").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("地址（URL）").inputValue()).toBe("http://erp.example.com/hooks");
    await screenshot(page, "webhooks-url-error-zh-1366");

    await page.getByLabel("地址（URL）").fill(url);
    await page.getByLabel("说明").fill("ERP 订单接口");
    await page.getByLabel("订单状态变更").check();
    await page.getByLabel("已发货").check();
    await page.getByRole("button", { name: "添加端点" }).click();
    const secret = (await page.getByTestId("webhook-secret").locator("code").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    await screenshot(page, "webhooks-created-zh-1366");
    // Shown once: a reload shows only its last four characters.
    await page.goto("/settings/webhooks");
    expect(await page.getByTestId("webhook-secret").count()).toBe(0);
    await page.getByText(`…${secret.slice(-4)}`).waitFor();

    // An order of the dealer is approved; the sender delivers the events.
    await orderIn(w, "approved");
    const r = await sendDueWebhooks({ owner: "e2e", actor: systemActor(1, "e2e") });
    expect(r.delivered).toBe(2);
    expect(received).toHaveLength(2);
    const last = received[1]!;
    const sig = String(last.headers["dealer-desk-signature"]);
    const t = Number(/t=(\d+)/.exec(sig)![1]);
    expect(verifySignature(secret, sig, last.body, t)).toBe(true);

    await page.getByRole("link", { name: url }).click();
    await page.getByTestId("webhook-deliveries").waitFor();
    expect(await page.getByTestId("webhook-deliveries").getByText("已送达").count()).toBe(2);
    await screenshot(page, "webhooks-endpoint-zh-1366");
    await page.getByTestId("webhook-deliveries").getByRole("link", { name: "订单状态变更" }).first().click();
    await page.getByRole("heading", { name: /投递/ }).first().waitFor();
    await screenshot(page, "webhooks-delivery-zh-1366");
    await page.getByRole("button", { name: "重新发送" }).click();
    await page.getByText("已排队重新发送。").waitFor();
    await sendDueWebhooks({ owner: "e2e", actor: systemActor(1, "e2e") });
    expect(received).toHaveLength(3);

    // On a phone.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/settings/webhooks");
    await screenshot(page, "webhooks-list-zh-390");
    await page.getByRole("link", { name: url }).click();
    await page.getByTestId("webhook-deliveries").waitFor();
    await screenshot(page, "webhooks-endpoint-zh-390");

    // In English.
    await db.updateTable("users").set({ locale: "en" }).where("id", "=", w.a.dealer_admin.id).execute();
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto("/settings/webhooks");
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    await screenshot(page, "webhooks-list-en-1366");
    await page.getByRole("link", { name: url }).click();
    await page.getByTestId("webhook-deliveries").waitFor();
    await screenshot(page, "webhooks-endpoint-en-1366");
    await page.getByTestId("webhook-deliveries").getByRole("link", { name: "Order status changed" }).first().click();
    await page
      .getByRole("heading", { name: /Delivery/ })
      .first()
      .waitFor();
    await screenshot(page, "webhooks-delivery-en-1366");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await screenshot(page, "webhooks-delivery-en-390");
    await page.goto("/settings/webhooks");
    await screenshot(page, "webhooks-list-en-390");
    await context.close();
  });
});

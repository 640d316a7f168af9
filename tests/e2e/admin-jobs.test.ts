/**
 * Browser journey: an administrator runs a job now from /admin/jobs (the job
 * runner beside the server picks it up) and reads a digest at /admin/outbox
 * exactly as the recipient would see it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { getDb } from "../../db/client";
import { launchBrowser, newPage, screenshot, signInAs } from "../helpers/browser";
import { startTestServer, stopTestServer } from "../helpers/http";
import { TEST_PASSWORD, createCast } from "../factories";
import { runDigest } from "../../app/modules/notifications/digest.server";
import { JOBS } from "../../app/modules/notifications/jobs.catalog";
import { startRunner, type Runner } from "../../jobs/runner";

let browser: Browser;
let base = "";
let runner: Runner;

beforeAll(async () => {
  base = (await startTestServer()).url;
  browser = await launchBrowser();
  runner = await startRunner({ schedules: false, catchUp: false, pollMs: 200, log: () => {} });
});
afterAll(async () => {
  await runner?.stop();
  await browser?.close();
  await stopTestServer();
});

describe("admin: jobs and outbox in the browser", () => {
  it("runs a job now and shows its outcome; shows a digest in the outbox as the recipient sees it", { timeout: 120_000 }, async () => {
    const cast = await createCast();
    const until = new Date(Date.now() - 1000);
    await getDb()
      .insertInto("domain_events")
      .values({
        type: "order.shipped",
        dealer_id: cast.dealerA.id,
        entity_type: "order",
        entity_id: "77",
        payload: JSON.stringify({ number: "SO-2026-000777", to: "shipped" }),
        occurred_at: new Date(until.getTime() - 60_000),
      })
      .execute();
    await runDigest("daily", { period: "2026-11-23", until });

    const { context, page } = await newPage(browser, base, "en-US");
    try {
      await signInAs(page, cast.staff.admin.email, TEST_PASSWORD);
      // English UI for stable assertions.
      await page.goto("/admin/jobs");
      await page.getByRole("button", { name: "English" }).click();
      await page.waitForSelector("[data-testid=jobs-table]");
      const nav = page.getByRole("navigation", { name: "Menu" });
      for (const href of ["/admin/jobs", "/admin/outbox", "/admin/announcements"]) expect(await nav.locator(`a[href="${href}"]`).count()).toBeGreaterThan(0);
      // One row per scheduled job (the webhook sender included).
      expect(await page.locator("[data-testid=jobs-table] tbody tr").count()).toBe(JOBS.length);

      const row = page.locator('tr[data-job="session-cleanup"]');
      await row.getByRole("button", { name: /Run now/ }).click();
      await page.getByText(/Run queued: Session cleanup/).waitFor();
      // The runner beside the server claims it within a poll or two.
      for (let i = 0; i < 50; i++) {
        await page.goto("/admin/jobs");
        if ((await row.innerText()).includes("Succeeded")) break;
        await page.waitForTimeout(200);
      }
      expect(await row.innerText()).toContain("Succeeded");
      expect(await page.locator("[data-testid=runs-table]").innerText()).toMatch(/manual:\d+/);
      await screenshot(page, "admin-jobs");

      await page.goto("/admin/outbox");
      const subject = page.getByRole("link", { name: /Dealer Desk daily digest/ }).first();
      await subject.click();
      await page.waitForSelector("[data-testid=email-html]");
      const frame = page.locator("[data-testid=email-html]");
      expect(await frame.getAttribute("sandbox")).toBe("");
      const inner = page.frameLocator("[data-testid=email-html]");
      await inner.getByText("Order status changes").waitFor();
      expect(await inner.getByText("Order SO-2026-000777 was shipped").count()).toBe(1);
      expect(await page.locator("[data-testid=email-text]").innerText()).toContain("Order SO-2026-000777 was shipped");
      expect(await page.locator("[data-testid=email-headers]").innerText()).toContain("List-Unsubscribe");
      await screenshot(page, "admin-outbox-email");
    } catch (err) {
      await screenshot(page, "admin-jobs-failure");
      console.log("URL at failure:", page.url());
      throw err;
    } finally {
      await context.close();
    }
  });
});

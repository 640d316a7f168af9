/**
 * Browser tests: playwright-core driving Debian's chromium (never a downloaded browser).
 * Screenshots go to tests/artifacts/ (git-ignored).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { freshTotpCode, startTestServer, stopTestServer } from "./http";

export const ARTIFACTS = path.resolve("tests", "artifacts");

export async function launchBrowser(): Promise<Browser> {
  // Playwright gives each launch a fresh, empty profile of its own.
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export async function newPage(browser: Browser, baseURL: string, locale = "zh-CN"): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, locale, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  return { context, page };
}

/** Signs in through the form; staff (and users who enrolled) also pass the second step with the known secret. */
export async function signInAs(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.fill("input[name=email]", email);
  await page.fill("input[name=password]", password);
  await Promise.all([page.waitForURL((u) => u.pathname !== "/login"), page.click("form:has(input[name=password]) button[type=submit]")]);
  if (new URL(page.url()).pathname === "/login/two-factor") {
    await page.fill("input[name=code]", await freshTotpCode(email));
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click("form:has(input[name=code]) button[type=submit]")]);
  }
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * The page at a laptop's width and a phone's, a screenshot of each (`<name>-1366`, `<name>-390`); at the
 * phone's width nothing may be wider than its screen. Leaves the page at the laptop's width.
 */
export async function screenshotsAtBothWidths(page: Page, name: string) {
  await page.setViewportSize({ width: 1366, height: 900 });
  await screenshot(page, `${name}-1366`);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, `${name}-390`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > 390) throw new Error(`${name}: the page is ${width} px wide at 390 px`);
  await page.setViewportSize({ width: 1366, height: 900 });
}

/**
 * A file of browser tests: the production build served on the worker's port and one chromium,
 * started before its tests and closed after them. `use` receives both once they are up.
 */
export function withServerAndBrowser(use: (s: { base: string; browser: Browser }) => void) {
  let browser: Browser | undefined;
  beforeAll(async () => {
    const base = (await startTestServer()).url;
    browser = await launchBrowser();
    use({ base, browser });
  });
  afterAll(async () => {
    await browser?.close();
    await stopTestServer();
  });
}

/**
 * The whole-portal browser check, checked itself (issue #27): a page that is fine passes it, and the same page
 * deliberately broken in the browser fails it. The page is broken the way a real defect breaks one: its route
 * module, as the browser loads it from the build, gets a default export that throws (or renders raw text), so
 * the server-rendered HTML is fine and the page falls apart only once JavaScript runs.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { withServerAndBrowser } from "../helpers/browser";
import { checkPage, LAPTOP, languageModel, type Finding, type Locale } from "./portal-check";

let browser: Browser;
let base = "";
withServerAndBrowser((s) => ({ base, browser } = s));

let context: BrowserContext | undefined;
afterEach(async () => {
  await context?.close();
  context = undefined;
});

async function freshPage(locale: Locale): Promise<Page> {
  context = await browser.newContext({ baseURL: base, locale, bypassCSP: true, viewport: LAPTOP });
  return context.newPage();
}

/**
 * Serves the sign-in page's route module with its default export replaced by `component` (the module's other
 * exports, loader aside, are re-exported from the real file, fetched under a marker query the server ignores).
 */
async function replaceLoginComponent(page: Page, component: string) {
  await page.route(/\/build\/routes\/login-[\w-]+\.js(\?.*)?$/, async (route) => {
    const url = new URL(route.request().url());
    if (url.searchParams.has("real")) return route.continue();
    await route.fulfill({
      contentType: "text/javascript",
      body: `export * from "${url.pathname}?real";\nexport default ${component};\n`,
    });
  });
}

const lang = languageModel([]);
const check = (page: Page, locale: Locale) => checkPage(page, `${base}/login`, { who: "self-test", locale, lang, axe: true });
const kinds = (findings: Finding[]) => [...new Set(findings.map((f) => f.kind))].sort();

describe("the portal check itself", () => {
  it("passes the sign-in page as it is, in both languages", { timeout: 60_000 }, async () => {
    for (const locale of ["zh-CN", "en"] as const) {
      const page = await freshPage(locale);
      const r = await check(page, locale);
      expect(r.status).toBe(200);
      expect(r.findings).toEqual([]);
      await context!.close();
      context = undefined;
    }
  });

  it("fails the same page when its component throws in the browser: an uncaught error and the error page", { timeout: 60_000 }, async () => {
    const page = await freshPage("en");
    await replaceLoginComponent(page, `function Broken() { throw new Error("deliberately broken component"); }`);
    const r = await check(page, "en");
    expect(r.status).toBe(200); // the server's HTML is fine: only the browser shows the break
    expect(kinds(r.findings)).toEqual(expect.arrayContaining(["error-page"]));
    const errors = r.findings.filter((f) => f.kind === "page-error" || f.kind === "console-error").map((f) => f.detail);
    expect(errors.join("\n")).toContain("deliberately broken component");
  });

  it("fails a page that shows a raw message key, 'undefined' or text of the other language once JavaScript runs", { timeout: 60_000 }, async () => {
    const page = await freshPage("zh-CN");
    // A component without React's hooks: the module's own JSX runtime is not needed to return a string.
    await replaceLoginComponent(page, `function Raw() { return "login.title undefined Sign in to your account"; }`);
    // The server's HTML differs from what the component renders, so React gives up hydrating and renders the
    // page again in the browser: the check reads the page once that second render shows.
    const r = await checkPage(page, `${base}/login`, {
      who: "self-test",
      locale: "zh-CN",
      lang,
      axe: false,
      settle: (p) => p.getByText("login.title undefined").waitFor(),
    });
    const details = r.findings.map((f) => `${f.kind}: ${f.detail}`).join("\n");
    expect(details).toMatch(/raw-key.*login\.title/);
    expect(details).toMatch(/broken-text: .*undefined/);
    expect(kinds(r.findings)).toEqual(expect.arrayContaining(["other-language"]));
  });
});

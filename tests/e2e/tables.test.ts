/**
 * Tables in both languages and on a phone (issue #22 items 1 and 2, decision 118), on the demo data:
 * - at 1366 px, no cell of a code, number, money, date or badge column wraps, nor a code inside a description;
 *   Chinese headers do not break inside; names and descriptions have a readable width; the key figures of the
 *   stock and statement tables are in view without scrolling, and a table that scrolls keeps its first column
 *   in view on an opaque background;
 * - at 390 px, the rows of the key lists are cards: every cell, the amounts and the actions lie within the
 *   screen, and the page is no wider than it;
 * - at 390 px the menu holds settings and sign-out, and signs out without JavaScript.
 * Screenshots of the pages at both widths and in both languages go to tests/artifacts/tables/.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { DEMO_PASSWORD, seedDemo } from "../../db/seed";
import { ARTIFACTS, signInAs, withServerAndBrowser } from "../helpers/browser";

let browser: Browser;
let base = "";
withServerAndBrowser((s) => ({ base, browser } = s));

const LAPTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
const LOCALES = ["zh-CN", "en"] as const;

async function shoot(page: Page, name: string) {
  const dir = path.join(ARTIFACTS, "tables");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** Signs `email` in with `locale` as their language (the user's setting wins over the browser's). */
async function signedIn(email: string, locale: string, javaScriptEnabled = true) {
  await getDb().updateTable("users").set({ locale }).where("email", "=", email).execute();
  const context = await browser.newContext({ baseURL: base, locale, viewport: LAPTOP, javaScriptEnabled });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await signInAs(page, email, DEMO_PASSWORD);
  return { context, page };
}

/**
 * Runs in the page: text in `table` that breaks across lines where it must not. Every text of a cell that is not
 * a name or description (`.wrap`), every code (monospace) anywhere, and every header or action link without a space in
 * it must sit on one line.
 */
function brokenText(selector: string): string[] {
  const table = document.querySelector(selector);
  if (!table) return [`no ${selector}`];
  const out: string[] = [];
  const lines = (n: Node) => {
    const r = document.createRange();
    r.selectNodeContents(n);
    return new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top))).size;
  };
  for (const cell of table.querySelectorAll("td, th")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim() ?? "";
      if (!text) continue;
      // Headers and a row's action links (`.actions`) may wrap at spaces only; names and descriptions (`.wrap`) by words.
      const phrase = cell.tagName === "TH" || cell.classList.contains("actions");
      const mustHold = phrase ? !/\s/.test(text) : !cell.classList.contains("wrap") || Boolean(n.parentElement?.closest(".font-mono"));
      if (mustHold && lines(n) > 1) out.push(`${cell.tagName.toLowerCase()} ${(cell as HTMLElement).dataset.label ?? ""}: «${text}» on ${lines(n)} lines`);
    }
  }
  return out;
}

/** Runs in the page: how far the table runs past the card it scrolls in (0 or less: every column shows). */
function overflowOf(selector: string): number {
  const table = document.querySelector(selector)!;
  return table.scrollWidth - table.parentElement!.clientWidth;
}

/** Runs in the page: the width of the narrowest name/description cell of the table. */
function narrowestNameCell(selector: string): number {
  const widths = [...document.querySelectorAll(`${selector} tbody td.wrap`)].map((c) => c.getBoundingClientRect().width);
  return widths.length ? Math.min(...widths) : -1;
}

/** Whether `target` (the first match) lies within the visible part of the scrolling card around `table`. */
async function inView(page: Page, table: string, target: string) {
  return page.evaluate(
    ([table, target]) => {
      const box = document.querySelector(table)!.parentElement!.getBoundingClientRect();
      const r = document.querySelector(`${table} ${target}`)!.getBoundingClientRect();
      return r.width > 0 && r.left >= box.left - 1 && r.right <= box.right + 1;
    },
    [table, target] as const,
  );
}

/**
 * Runs in the page at phone width: the first rows of `selector` as cards. Returns, per row, its display and every
 * shown cell, link and button that reaches outside 0..390 px, and how many of `must` it shows inside the screen.
 */
function cardFacts({ selector, must, rows }: { selector: string; must: string; rows: number }) {
  const width = document.documentElement.clientWidth;
  const inside = (el: Element) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= width;
  };
  const facts = [...document.querySelectorAll(`${selector} tbody tr`)].slice(0, rows).map((tr) => {
    const shown = [...tr.querySelectorAll("td, a, button")].filter((el) => getComputedStyle(el).display !== "none" && el.getBoundingClientRect().width > 0);
    return {
      display: getComputedStyle(tr).display,
      outside: shown.filter((el) => !inside(el)).map((el) => `${el.tagName} «${(el.textContent ?? "").trim().slice(0, 30)}»`),
      must: [...tr.querySelectorAll(must)].filter(inside).length,
    };
  });
  return { facts, pageWidth: document.documentElement.scrollWidth };
}

async function expectCards(page: Page, selector: string, must: string, rows = 5) {
  const { facts, pageWidth } = await page.evaluate(cardFacts, { selector, must, rows });
  expect(facts.length, `${selector}: rows`).toBeGreaterThan(0);
  for (const f of facts) {
    expect(f.display, `${selector}: a row is a card`).toBe("grid");
    expect(f.outside, `${selector}: everything of a card on the screen`).toEqual([]);
    expect(f.must, `${selector}: ${must} shown on the screen`).toBeGreaterThan(0);
  }
  expect(pageWidth).toBeLessThanOrEqual(PHONE.width);
}

describe("tables in both languages and on a phone", () => {
  it("lists keep codes, figures and dates whole at 1366 px and become cards at 390 px; the phone menu signs out", { timeout: 10 * 60_000 }, async () => {
    await seedDemo(getDb());
    const db = getDb();
    const dealer = await db.selectFrom("users").select("organisation_id").where("email", "=", "dealer_finance@demo.local").executeTakeFirstOrThrow();
    const statement = await db
      .selectFrom("statements")
      .select("id")
      .where("dealer_id", "=", dealer.organisation_id)
      .where("status", "=", "issued")
      .orderBy("period_start", "desc")
      .executeTakeFirstOrThrow();
    const order = await db
      .selectFrom("orders")
      .select("number")
      .where("dealer_id", "=", dealer.organisation_id)
      .where("number", "is not", null)
      .orderBy("number")
      .executeTakeFirstOrThrow();

    for (const locale of LOCALES) {
      // The dealer's sales: stock, orders, an order, deals, the dashboard.
      const sales = await signedIn("dealer_sales@demo.local", locale);
      const page = sales.page;
      // `fits`: the list fits its card at 1366 px with every column showing (a header of several words may take two
      // lines); the stock list, a column per warehouse, scrolls inside its card by design.
      const pages: { url: string; table?: string; name: string; must?: string; fits?: boolean }[] = [
        { url: "/", name: "dashboard" },
        { url: "/stock", table: "[data-testid=stock-table]", name: "stock", must: "[data-testid=promise-date], a[href*=checkSku]" },
        { url: "/orders", table: "[data-testid=orders-table]", name: "orders", must: "td:nth-child(4)", fits: true },
        { url: `/orders/${order.number!}`, name: "order" },
        { url: "/deals", table: "[data-testid=deals-table]", name: "deals", must: "td.text-right", fits: true },
      ];
      for (const p of pages) {
        await page.setViewportSize(LAPTOP);
        await page.goto(p.url);
        if (p.table) {
          await expect(page.evaluate(brokenText, p.table), `${p.url} ${locale}`).resolves.toEqual([]);
          const narrowest = await page.evaluate(narrowestNameCell, p.table);
          if (narrowest >= 0) expect(narrowest, `${p.url} ${locale}: a name is not one character wide`).toBeGreaterThanOrEqual(180);
          if (p.fits) expect(await page.evaluate(overflowOf, p.table), `${p.url} ${locale}: every column in its card at 1366 px`).toBeLessThanOrEqual(0);
        }
        await shoot(page, `${p.name}-${locale}-1366`);
        await page.setViewportSize(PHONE);
        if (p.table) await expectCards(page, p.table, p.must!);
        else expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
        await shoot(page, `${p.name}-${locale}-390`);
      }

      // Stock at 1366: the promise date and the check link are in view; scrolled to its end, the table keeps its
      // SKU column in view on an opaque background.
      await page.setViewportSize(LAPTOP);
      await page.goto("/stock");
      await expect(inView(page, "[data-testid=stock-table]", "tbody tr [data-testid=promise-date]")).resolves.toBe(true);
      await expect(inView(page, "[data-testid=stock-table]", "tbody tr a[href*=checkSku]")).resolves.toBe(true);
      const sticky = await page.evaluate(() => {
        const table = document.querySelector("[data-testid=stock-table]")!;
        const box = table.parentElement!;
        const scrolls = box.scrollWidth > box.clientWidth;
        box.scrollLeft = box.scrollWidth;
        const cell = table.querySelector("tbody td")!;
        return {
          scrolls,
          offset: Math.abs(cell.getBoundingClientRect().left - box.getBoundingClientRect().left),
          background: getComputedStyle(cell).backgroundColor,
        };
      });
      if (sticky.scrolls) {
        expect(sticky.offset, "the first column stays at the card's left edge").toBeLessThanOrEqual(2);
        expect(sticky.background).not.toMatch(/rgba\(0, 0, 0, 0\)|transparent/);
      }

      // The phone menu holds settings and sign-out.
      await page.setViewportSize(PHONE);
      await page.goto("/orders");
      await page.locator("nav details summary").click();
      await expect(page.locator("nav details a[href='/settings']").isVisible()).resolves.toBe(true);
      const signOut = page.locator("[data-testid=menu-sign-out]").first();
      const box = (await signOut.boundingBox())!;
      expect(box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
      // A link in it takes the reader to the page with the menu closed again, however the page was loaded.
      await Promise.all([page.waitForURL((u) => u.pathname === "/stock"), page.locator("nav details a[href='/stock']").click()]);
      await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
      await expect(page.locator("[data-testid=phone-menu]").evaluate((d) => (d as HTMLDetailsElement).open)).resolves.toBe(false);
      await sales.context.close();

      // The dealer's finance: the statement lines with their dates, descriptions, amounts, balances and actions.
      const finance = await signedIn("dealer_finance@demo.local", locale);
      const fp = finance.page;
      await fp.goto(`/statements/${statement.id}`);
      const lines = "[data-testid=statement-lines]";
      await expect(fp.evaluate(brokenText, lines)).resolves.toEqual([]);
      expect(await fp.evaluate(narrowestNameCell, lines)).toBeGreaterThanOrEqual(180);
      await expect(inView(fp, lines, "[data-testid=balance-1]"), "the running balance in view at 1366 px").resolves.toBe(true);
      await expect(inView(fp, lines, "[data-testid=line-1] a[href*=dispute]"), "the dispute action in view at 1366 px").resolves.toBe(true);
      expect(await fp.evaluate(overflowOf, lines), "every column of the statement in its card at 1366 px").toBeLessThanOrEqual(0);
      await shoot(fp, `statement-${locale}-1366`);
      await fp.setViewportSize(PHONE);
      await expectCards(fp, lines, "[data-testid$=balance], [data-testid^=balance-]");
      const line = await fp.evaluate(() => {
        const tr = document.querySelector("[data-testid=line-1]")!;
        const shown = (sel: string) => [...tr.querySelectorAll(sel)].filter((el) => el.getBoundingClientRect().width > 0).length;
        return {
          date: shown("td:nth-child(2)"),
          description: shown("td.wrap"),
          amount: shown("td:nth-child(6), td:nth-child(7)"),
          dispute: shown("a[href*=dispute]"),
        };
      });
      expect(line).toEqual({ date: 1, description: 1, amount: 1, dispute: 1 });
      // The confirm button is on the screen.
      const confirm = (await fp.locator("button[value=confirm]").first().boundingBox())!;
      expect(confirm.x >= 0 && confirm.x + confirm.width <= PHONE.width).toBe(true);
      await shoot(fp, `statement-${locale}-390`);
      await finance.context.close();
    }

    // Without JavaScript, the phone menu opens and signs out.
    const plain = await signedIn("dealer_sales@demo.local", "zh-CN", false);
    await plain.page.setViewportSize(PHONE);
    await plain.page.goto("/stock");
    await expectCards(plain.page, "[data-testid=stock-table]", "[data-testid=promise-date]");
    await plain.page.locator("nav details summary").click();
    await Promise.all([plain.page.waitForURL((u) => u.pathname === "/login"), plain.page.locator("[data-testid=menu-sign-out]").first().click()]);
    await plain.context.close();
  });
});

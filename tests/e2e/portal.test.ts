/**
 * The whole-portal browser check (issue #27), on the demo data: every demo role, in both languages, with
 * JavaScript on, every page reachable from the navigation plus one page of every route linked from there.
 * See portal-check.ts for what fails a page. Screenshots of every page at 1366 px and 390 px go to
 * tests/artifacts/portal/, and the findings to tests/artifacts/portal/report.json.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemo } from "../../db/seed";
import { ARTIFACTS, signInAs, withServerAndBrowser } from "../helpers/browser";
import { checkPage, crawl, formatFindings, LAPTOP, languageModel, loadRoutes, type Finding, type Locale } from "./portal-check";

let browser: Browser;
let base = "";
withServerAndBrowser((s) => ({ base, browser } = s));

/** Tables whose text is not user data shown as such (rendered emails, machine logs, secrets). */
const NOT_USER_DATA = new Set(["outbox_emails", "audit_log", "domain_events", "job_runs", "sessions", "login_throttles", "import_jobs", "payment_imports", "notification_marks"]);

/** Every text value in the database: what a page may show as data in either language. */
async function databaseText(): Promise<string[]> {
  const db = getDb();
  const cols = (
    await sql<{ t: string; c: string }>`SELECT table_name AS t, column_name AS c FROM information_schema.columns
      WHERE table_schema = DATABASE() AND data_type IN ('varchar','char','text','mediumtext','longtext','json') AND table_name NOT LIKE 'kysely%'`.execute(db)
  ).rows.filter((r) => !NOT_USER_DATA.has(r.t) && !/hash|token|secret|password/.test(r.c));
  const out: string[] = [];
  for (const { t, c } of cols) {
    const rows = (await sql<{ v: string | null }>`SELECT DISTINCT ${sql.ref(c)} AS v FROM ${sql.table(t)} LIMIT 20000`.execute(db)).rows;
    for (const r of rows) if (typeof r.v === "string") out.push(r.v);
  }
  return out;
}

/** Pages no link leads to by design, with the reason (everything else must be reached by the crawl). */
const NOT_LINKED: Record<string, string> = {
  "routes/login": "checked signed out, below",
  "routes/unsubscribe.$token": "opened from an email's link, checked below",
};

const LOCALES: Locale[] = ["zh-CN", "en"];

// Not yet in `npm test`: its findings are still being fixed (issue #27). Run it with `npm run test:portal`.
describe.skipIf(!process.env.PORTAL_CHECK)("the whole portal in a real browser", () => {
  it("every page of every demo role, in both languages, at 1366 and 390 px: no errors, no raw text, no wrong language, no unopenable link, no axe serious/critical violation, no page wider than the screen", { timeout: 25 * 60_000 }, async () => {
    await seedDemo(getDb());
    const lang = languageModel(await databaseText());
    const routes = await loadRoutes();
    const findings: Finding[] = [];
    const visited = new Map<string, Set<string>>(); // route id → who visited it
    let pages = 0;
    let links = 0;

    // Signed out: the sign-in page and an unsubscribe link from a digest.
    const userId = (await getDb().selectFrom("users").select("id").where("email", "=", "dealer_sales@demo.local").executeTakeFirstOrThrow()).id;
    const { appSecret, signUnsubscribeToken } = await import("../../app/modules/notifications/unsubscribe.server");
    const token = signUnsubscribeToken(await appSecret(), userId);
    for (const locale of LOCALES) {
      const context = await browser.newContext({ baseURL: base, locale, bypassCSP: true, viewport: LAPTOP });
      const page = await context.newPage();
      for (const url of [`${base}/login`, `${base}/unsubscribe/${token}`]) {
        const r = await checkPage(page, url, { who: "signed-out", locale, lang, axe: true, screenshotName: `signed-out-${locale}-${new URL(url).pathname.split("/")[1]}` });
        findings.push(...r.findings);
        pages++;
        visited.set(routes.routeOf(new URL(url).pathname)!, new Set(["signed-out"]));
      }
      await context.close();
    }

    // Signed in: each demo login in each language.
    const jobs = LOCALES.flatMap((locale) => DEMO_LOGINS.map((l) => ({ email: l.email, who: l.email.replace(/@.*/, "") + (l.email.includes("dealer2") ? "-d2" : ""), locale })));
    const writeReport = () =>
      writeFileSync(path.join(ARTIFACTS, "portal", "report.json"), JSON.stringify({ pages, links, visited: Object.fromEntries([...visited].map(([k, v]) => [k, [...v]])), findings }, null, 2));
    const run = async (job: (typeof jobs)[number]) => {
      const context = await browser.newContext({ baseURL: base, locale: job.locale, bypassCSP: true, viewport: LAPTOP });
      try {
        // The language is kept on the user: set it, then sign in (checkPage reports a page in the wrong one).
        await getDb().updateTable("users").set({ locale: job.locale }).where("email", "=", job.email).execute();
        const page = await context.newPage();
        await signInAs(page, job.email, DEMO_PASSWORD);
        await page.close();
        // Axe once per login and route: in the second language only for the demo's first dealer and the staff.
        const r = await crawl(context, base, routes, { who: job.who, locale: job.locale, lang, axe: true, screenshots: !job.who.endsWith("-d2") });
        findings.push(...r.findings);
        pages += r.visited.size;
        links += r.linksChecked;
        for (const id of r.visited.keys()) visited.set(id, (visited.get(id) ?? new Set()).add(job.who));
        writeReport();
      } finally {
        await context.close();
      }
    };
    // Two at a time, never the same user twice at once (their language is theirs, not the context's).
    const queue = [...jobs];
    const running = new Set<string>();
    const next = () => {
      const i = queue.findIndex((j) => !running.has(j.email));
      return i < 0 ? undefined : queue.splice(i, 1)[0];
    };
    await Promise.all(
      [0, 1].map(async () => {
        for (let job = next(); job; job = next()) {
          running.add(job.email);
          try {
            await run(job);
          } finally {
            running.delete(job.email);
          }
        }
      }),
    );

    const unvisited = routes.pages.filter((id) => !visited.has(id) && !NOT_LINKED[id]);
    for (const id of unvisited) findings.push({ who: "-", locale: "en", url: id, kind: "unreached-page", detail: "no demo role reaches this page by following links" });
    writeReport();
    console.log(`portal check: ${pages} pages and ${links} link targets checked, ${findings.length} findings`);
    expect(findings, formatFindings(findings)).toEqual([]);
  });
});

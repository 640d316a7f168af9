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
import { actorFor, createUser, TEST_PASSWORD } from "../factories";
import { ARTIFACTS, signInAs, withServerAndBrowser } from "../helpers/browser";
import { checkPage, crawl, formatFindings, LAPTOP, languageModel, loadRoutes, timings, type Finding, type Locale } from "./portal-check";

let browser: Browser;
let base = "";
withServerAndBrowser((s) => ({ base, browser } = s));

/** Tables whose text is not user data shown as such (rendered emails, machine logs, secrets). */
const NOT_USER_DATA = new Set([
  "outbox_emails",
  "audit_log",
  "domain_events",
  "job_runs",
  "sessions",
  "login_throttles",
  "import_jobs",
  "payment_imports",
  "notification_marks",
]);

/** Columns of those tables that do hold user data: an email's subject (in its recipient's language), a file's name. */
const DATA_COLUMNS = new Set(["outbox_emails.subject", "import_jobs.filename"]);

/** Every text value in the database: what a page may show as data in either language. */
async function databaseText(): Promise<string[]> {
  const db = getDb();
  const cols = (
    await sql<{ t: string; c: string }>`SELECT table_name AS t, column_name AS c FROM information_schema.columns
      WHERE table_schema = DATABASE() AND data_type IN ('varchar','char','text','mediumtext','longtext','json') AND table_name NOT LIKE 'kysely%'`.execute(db)
  ).rows.filter((r) => (!NOT_USER_DATA.has(r.t) || DATA_COLUMNS.has(`${r.t}.${r.c}`)) && !/hash|token|secret|password/.test(r.c));
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
  "routes/survey.$token": "opened from a service survey email's link, checked below",
};

const LOCALES: Locale[] = ["zh-CN", "en"];

/**
 * Records every running portal soon holds but the demo seed does not: a stock import (with a refused row) and
 * the day's digests in the outbox, so their pages are reached like any other.
 */
async function addWhatTheDemoLacks() {
  const db = getDb();
  const ops = await db
    .selectFrom("users")
    .select(["id", "role", "organisation_id", "name", "email"])
    .where("email", "=", "ops@demo.local")
    .executeTakeFirstOrThrow();
  const sku = (await db.selectFrom("products").select("sku").where("made_to_order", "=", 0).orderBy("sku").executeTakeFirstOrThrow()).sku;
  const { runImport } = await import("../../app/modules/catalog/import.server");
  const actor = actorFor({ id: ops.id, role: ops.role as "ops", organisationId: ops.organisation_id, dealerId: null, name: ops.name, email: ops.email });
  await runImport(actor, {
    kind: "stock",
    mode: "valid_rows",
    filename: "stock-count.csv",
    bytes: new TextEncoder().encode(`sku,warehouse,on_hand\n${sku},WH-SH,120\n${sku},WH-NOPE,3\n`),
  });
  const { runDigest } = await import("../../app/modules/notifications/digest.server");
  await runDigest("daily", { period: new Date().toISOString().slice(0, 10), until: new Date() });
}

// Part of `npm test`; alone: `npm run test:portal`.
describe("the whole portal in a real browser", () => {
  it(
    "every page of every demo role, in both languages, at 1366 and 390 px: no errors, no raw text, no wrong language, no unopenable link, no axe serious/critical violation, no page wider than the screen",
    { timeout: 25 * 60_000 },
    async () => {
      await seedDemo(getDb());
      await addWhatTheDemoLacks();
      // Staff who have not set up an authenticator yet: their first sign-in enrols one.
      const manufacturer = (await getDb().selectFrom("users").select("organisation_id").where("email", "=", "ops@demo.local").executeTakeFirstOrThrow())
        .organisation_id;
      const freshStaff = {
        "zh-CN": await createUser("ops", {
          email: "new-ops-zh@demo.local",
          name: "新同事",
          locale: "zh-CN",
          secondFactor: false,
          organisationId: manufacturer,
        }),
        en: await createUser("ops", { email: "new-ops-en@demo.local", name: "New colleague", locale: "en", secondFactor: false, organisationId: manufacturer }),
      };
      const lang = languageModel(await databaseText());
      const routes = await loadRoutes();
      const findings: Finding[] = [];
      const visited = new Map<string, Set<string>>(); // route id → who visited it
      let pages = 0;
      let links = 0;

      // Signed out: the sign-in page, an unsubscribe link from a digest and a demo case's unanswered survey link.
      const userId = (await getDb().selectFrom("users").select("id").where("email", "=", "dealer_sales@demo.local").executeTakeFirstOrThrow()).id;
      const { appSecret, signUnsubscribeToken } = await import("../../app/modules/notifications/unsubscribe.server");
      const token = signUnsubscribeToken(await appSecret(), userId);
      const { surveyToken } = await import("../../app/modules/service/survey.server");
      const survey = await getDb()
        .selectFrom("service_surveys as sv")
        .leftJoin("service_survey_answers as a", "a.survey_id", "sv.id")
        .select(["sv.id", "sv.expires_at"])
        .where("a.id", "is", null)
        .orderBy("sv.created_at")
        .executeTakeFirstOrThrow();
      const surveyPath = `/survey/${surveyToken(await appSecret(), survey.id, survey.expires_at)}?score=4`;
      for (const locale of LOCALES) {
        const context = await browser.newContext({ baseURL: base, locale, bypassCSP: true, viewport: LAPTOP });
        const page = await context.newPage();
        for (const url of [`${base}/login`, `${base}/unsubscribe/${token}`, `${base}${surveyPath}`]) {
          const r = await checkPage(page, url, {
            who: "signed-out",
            locale,
            lang,
            axe: true,
            screenshotName: `signed-out-${locale}-${new URL(url).pathname.split("/")[1]}`,
          });
          findings.push(...r.findings);
          pages++;
          visited.set(routes.routeOf(new URL(url).pathname)!, new Set(["signed-out"]));
        }
        // The sign-in's second step (staff), and the first sign-in of staff without an authenticator yet.
        const fresh = freshStaff[locale];
        for (const [email, password, step] of [
          ["ops@demo.local", DEMO_PASSWORD, "/login/two-factor"],
          [fresh.email, TEST_PASSWORD, "/login/enrol"],
        ] as const) {
          await page.goto(`${base}/login`);
          await page.fill("input[name=email]", email);
          await page.fill("input[name=password]", password);
          await Promise.all([page.waitForURL((u) => u.pathname === step), page.click("form:has(input[name=password]) button[type=submit]")]);
          const r = await checkPage(page, page.url(), {
            who: "signing-in",
            locale,
            lang,
            axe: true,
            screenshotName: `signing-in-${locale}-${step.split("/")[2]}`,
          });
          findings.push(...r.findings);
          pages++;
          visited.set(routes.routeOf(step)!, new Set(["signing-in"]));
          await context.clearCookies();
        }
        await context.close();
      }

      // Signed in: each demo login in each language.
      // (The second dealer's login has the same role as the first dealer's sales login, which runs in both
      // languages: it runs in its own language only, to see the portal as another dealer.)
      const jobs = LOCALES.flatMap((locale) =>
        DEMO_LOGINS.map((l) => ({ email: l.email, who: l.email.replace(/@.*/, "") + (l.email.includes("dealer2") ? "-d2" : ""), locale })),
      ).filter((j) => !j.who.endsWith("-d2") || j.locale === "en");
      const writeReport = () =>
        writeFileSync(
          path.join(ARTIFACTS, "portal", "report.json"),
          JSON.stringify({ pages, links, secondsByStep: timings, visited: Object.fromEntries([...visited].map(([k, v]) => [k, [...v]])), findings }, null, 2),
        );
      const run = async (job: (typeof jobs)[number]) => {
        const context = await browser.newContext({ baseURL: base, locale: job.locale, bypassCSP: true, viewport: LAPTOP });
        try {
          // The language is kept on the user: set it, then sign in (checkPage reports a page in the wrong one).
          await getDb().updateTable("users").set({ locale: job.locale }).where("email", "=", job.email).execute();
          const page = await context.newPage();
          await signInAs(page, job.email, DEMO_PASSWORD);
          await page.close();
          const r = await crawl(context, base, routes, { who: job.who, locale: job.locale, lang, once });
          findings.push(...r.findings);
          pages += r.visited.size;
          links += r.linksChecked;
          for (const id of r.visited.keys()) visited.set(id, (visited.get(id) ?? new Set()).add(job.who));
          writeReport();
        } finally {
          await context.close();
        }
      };
      const once = new Set<string>();
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
      for (const id of unvisited)
        findings.push({ who: "-", locale: "en", url: id, kind: "unreached-page", detail: "no demo role reaches this page by following links" });
      writeReport();
      console.log(
        `portal check: ${pages} pages and ${links} link targets checked, ${findings.length} findings; seconds by step: ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])))}`,
      );
      expect(findings, formatFindings(findings)).toEqual([]);
    },
  );
});

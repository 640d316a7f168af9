/**
 * The whole-portal browser check (issue #27): a person's view of every page, with JavaScript on.
 *
 * For one signed-in user in one language it walks the portal from the dashboard: every page linked from the
 * navigation, then one page of every route reachable from those (a detail page of every kind), following links
 * breadth first and visiting each route once. New pages are covered by being linked, without editing the check.
 * On every page it records as a finding:
 * - a status other than 200, a console error, an uncaught page error, an error boundary;
 * - a raw message key, "undefined", "NaN" or "[object Object]" in visible text;
 * - interface text of the other language (user data aside: text found in the database's own values is data);
 * - raw enum codes (`credit_hold`) in visible text;
 * - a page title that does not name the page (just the application's name);
 * - axe-core violations of impact serious or critical (WCAG 2.1 A/AA);
 * - a page body wider than the viewport at 1366 px and at 390 px;
 * - a link shown to the viewer that does not open for them (every distinct link target is requested with the
 *   viewer's cookies, up to a few per route, and must answer 2xx or a redirect that is not the sign-in page).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import type { BrowserContext, Page } from "playwright-core";
import { messages } from "~/i18n";
import { ARTIFACTS } from "../helpers/browser";

export type Locale = "en" | "zh-CN";
export type Finding = { who: string; locale: Locale; url: string; kind: string; detail: string };
export type Viewport = { width: number; height: number };
export const LAPTOP: Viewport = { width: 1366, height: 900 };
export const PHONE: Viewport = { width: 390, height: 844 };

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// ---------------------------------------------------------------------------------------------------------------
// Routes: which route a URL opens, from the production build's route manifest.

type ManifestRoute = { id: string; parentId?: string; path?: string; index?: boolean; module: { default?: unknown } };
export type RouteTable = { routeOf(pathname: string): string | undefined; pages: string[] };

export async function loadRoutes(): Promise<RouteTable> {
  const build = (await import(/* @vite-ignore */ path.resolve("build", "index.js"))) as { routes: Record<string, ManifestRoute> };
  const all = Object.values(build.routes);
  const tree = (parentId: string | undefined): AgnosticRouteObject[] =>
    all
      .filter((r) => r.parentId === parentId)
      .map((r) => (r.index ? { id: r.id, index: true as const, path: r.path } : { id: r.id, path: r.path, children: tree(r.id) }));
  const routes = tree(undefined);
  return {
    routeOf(pathname) {
      const m = matchRoutes(routes, pathname);
      return m?.[m.length - 1]!.route.id;
    },
    // Routes that render a page (a default export), the root aside.
    pages: all.filter((r) => r.id !== "root" && typeof r.module.default === "function").map((r) => r.id),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Language: what counts as interface text of the other language, and what is user data.

const CJK = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff60]+/g;
const LATIN_WORD = /[A-Za-z][A-Za-z'’-]*[A-Za-z]/g;
const KEY_LIKE = /(?<![@\w./-])[a-z][A-Za-z0-9]*(?:\.[A-Za-z0-9_-]+)+(?![\w@/-])/g;
const ENUM_CODE = /(?<![@\w./-])[a-z]+(?:_[a-z0-9]+)+(?![\w@/-])/g;
/** Addresses, links and time-zone names (`Asia/Shanghai`, a setting's value) are not words of a language. */
const EMAIL_OR_URL = /\S+@\S+|https?:\/\/\S+|\b[A-Z][A-Za-z]+\/[A-Z][A-Za-z_]+\b/g;

export type LanguageModel = {
  keys: Set<string>;
  namespaces: Set<string>;
  /** Latin words that Chinese interface text itself uses (CSV, SKU, …). */
  zhLatin: Set<string>;
  /** CJK text that English interface text itself uses (the language switcher's 中文). */
  enCjk: string;
  appNames: Set<string>;
  /** The database's own text values (user data), one per line; and the Latin words in values that are prose. */
  dataBlob: string;
  dataWords: Set<string>;
  /** Codes the interface text itself names on purpose (file columns such as `bank_ref`). */
  messageCodes: Set<string>;
};

export function languageModel(dataValues: Iterable<string>): LanguageModel {
  const keys = new Set([...Object.keys(messages.en), ...Object.keys(messages["zh-CN"])]);
  const namespaces = new Set([...keys].map((k) => k.split(".")[0]!));
  const zhLatin = new Set<string>();
  for (const v of Object.values(messages["zh-CN"])) for (const w of v.replace(/\{\w+\}/g, " ").match(LATIN_WORD) ?? []) zhLatin.add(w.toLowerCase());
  const enCjk = Object.values(messages.en).join("\n").match(CJK)?.join("\n") ?? "";
  const values: string[] = [];
  const dataWords = new Set<string>();
  for (const v of dataValues) {
    if (!v || v.length < 2) continue;
    values.push(v);
    // A bare lowercase code (`pcs`, `platinum`, `credit_hold`) is not prose: shown as it is, it is an untranslated code.
    if (/^[a-z0-9_]+$/.test(v)) continue;
    for (const w of v.match(LATIN_WORD) ?? []) dataWords.add(w.toLowerCase());
  }
  const messageCodes = new Set([...Object.values(messages.en), ...Object.values(messages["zh-CN"])].flatMap((v) => v.match(ENUM_CODE) ?? []));
  return {
    messageCodes,
    keys,
    namespaces,
    zhLatin,
    enCjk,
    appNames: new Set([messages.en["app.name"]!, messages["zh-CN"]["app.name"]!]),
    dataBlob: values.join("\n"),
    dataWords,
  };
}

/** Findings in one page's visible texts (each string one text node or accessible attribute). */
export function textFindings(texts: string[], locale: Locale, lang: LanguageModel): { kind: string; detail: string }[] {
  const out: { kind: string; detail: string }[] = [];
  const seen = new Set<string>();
  const add = (kind: string, detail: string) => {
    const k = `${kind}:${detail}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ kind, detail });
  };
  for (const raw of texts) {
    const text = raw.replace(EMAIL_OR_URL, " ");
    if (/\bundefined\b|\bNaN\b|\[object Object\]|\bnull\b/.test(text) && !lang.dataBlob.includes(raw.trim())) add("broken-text", raw.trim().slice(0, 120));
    for (const token of text.match(KEY_LIKE) ?? []) {
      if (/\.(csv|pdf|png|svg|xlsx|json|local|com|cn)$/i.test(token)) continue;
      if (lang.keys.has(token) || lang.namespaces.has(token.split(".")[0]!)) {
        if (!lang.dataBlob.includes(token)) add("raw-key", token);
      }
    }
    for (const code of text.match(ENUM_CODE) ?? []) if (!lang.dataWords.has(code) && !lang.messageCodes.has(code)) add("raw-code", code);
    if (locale === "en") {
      for (const run of text.match(CJK) ?? []) {
        if (/^[\u3000-\u303f\uff01-\uff60]+$/.test(run)) add("other-language", `punctuation ${run} in «${raw.trim().slice(0, 80)}»`);
        else if (!lang.dataBlob.includes(run) && !lang.enCjk.includes(run)) add("other-language", `${run} in «${raw.trim().slice(0, 80)}»`);
      }
    } else {
      for (const w of text.match(LATIN_WORD) ?? []) {
        const lw = w.toLowerCase();
        if (lang.zhLatin.has(lw) || lang.dataWords.has(lw)) continue;
        // An identifier in capitals with a hyphen (a warehouse code `WH-SH`, a SKU) is a code in any language.
        if (/^[A-Z]+(?:-[A-Z]+)+$/.test(w)) continue;
        if ([...lang.appNames].some((n) => n.toLowerCase().includes(lw))) continue;
        add("other-language", `${w} in «${raw.trim().slice(0, 80)}»`);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// One page.

type PageFacts = { lang: string; texts: string[]; title: string; errorPage: boolean; links: string[]; overflow: { scrollWidth: number; culprits: string[] } };

/** Runs in the page: visible texts (not hidden, not in an element of another `lang`), links, overflow. */
function collectFacts(): PageFacts {
  const docLang = document.documentElement.lang;
  const texts: string[] = [];
  const visible = (el: Element) => (el as HTMLElement & { checkVisibility?: (o?: object) => boolean }).checkVisibility?.({ visibilityProperty: true }) ?? true;
  const otherLang = (el: Element) => {
    const l = el.closest("[lang]")?.getAttribute("lang");
    return Boolean(l && l !== docLang);
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    const t = n.textContent?.trim();
    if (!el || !t || ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"].includes(el.tagName)) continue;
    if (!visible(el) || otherLang(el) || el.closest("[translate=no]")) continue;
    texts.push(t);
  }
  for (const el of document.querySelectorAll("[aria-label],[title],[placeholder],img[alt]")) {
    if (otherLang(el) || el.closest("[translate=no]")) continue;
    for (const a of ["aria-label", "title", "placeholder", "alt"]) {
      const v = el.getAttribute(a)?.trim();
      if (v) texts.push(v);
    }
  }
  texts.push(document.title);
  const links = [...document.querySelectorAll("a[href]")].filter((a) => visible(a)).map((a) => (a as HTMLAnchorElement).href);
  const width = document.documentElement.clientWidth;
  const culprits: string[] = [];
  if (document.documentElement.scrollWidth > width + 1) {
    const scrolls = (el: Element | null): boolean => {
      for (let p = el?.parentElement; p; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === "auto" || o === "scroll" || o === "hidden") return true;
      }
      return false;
    };
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 && r.width > 0 && !scrolls(el)) {
        const parentAlsoWide = el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1 && !scrolls(el.parentElement);
        if (!parentAlsoWide || culprits.length === 0)
          culprits.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${[...el.classList].slice(0, 4).join(".")} (${Math.round(r.right)} px)`);
        if (culprits.length >= 4) break;
      }
    }
  }
  return {
    lang: docLang,
    texts,
    title: document.title,
    errorPage: Boolean(document.querySelector("[data-error-page]")),
    links,
    overflow: { scrollWidth: document.documentElement.scrollWidth, culprits },
  };
}

export type CheckOptions = {
  who: string;
  locale: Locale;
  lang: LanguageModel;
  /** Run axe-core on this page (the slowest check: the crawl runs it once per route and language). */
  axe: boolean;
  screenshotName?: string;
  /** Waits for something more after hydration before the page is read (the check's own test uses it). */
  settle?: (page: Page) => Promise<void>;
};

/** Where the check's time goes (seconds per step, summed over pages), printed by the test. */
export const timings: Record<string, number> = {};
const since = (step: string, t0: number) => (timings[step] = (timings[step] ?? 0) + (performance.now() - t0) / 1000);

export type PageResult = { status: number; findings: Finding[]; links: string[] };

/** Opens `url` in `page` (a context with bypassCSP, at the laptop viewport) and checks it as described above. */
export async function checkPage(page: Page, url: string, o: CheckOptions): Promise<PageResult> {
  const findings: Finding[] = [];
  const add = (kind: string, detail: string) => findings.push({ who: o.who, locale: o.locale, url, kind, detail });
  const consoleErrors: string[] = [];
  const onConsole = (m: { type(): string; text(): string }) => void (m.type() === "error" && consoleErrors.push(m.text()));
  const onPageError = (e: Error) => add("page-error", e.message.slice(0, 300));
  page.on("console", onConsole);
  page.on("pageerror", onPageError);
  try {
    let t0 = performance.now();
    await page.setViewportSize(LAPTOP);
    const res = await page.goto(url, { waitUntil: "load" });
    const status = res?.status() ?? 0;
    if (status !== 200) add("status", String(status));
    // Hydrated, then two frames for effects to run (a crash after hydration shows as a page error / error page).
    await page
      .waitForFunction(
        () => (window as unknown as { __remixRouter?: { state: { initialized: boolean } } }).__remixRouter?.state.initialized === true,
        undefined,
        { timeout: 15_000 },
      )
      .catch(() => add("hydration", "the client router never initialised"));
    // React has committed what the page shows (root.tsx's Layout): the page, or the error page after a crash,
    // which can take longer than the router's start when the messages arrive late on a busy machine.
    await page
      .waitForFunction(() => document.documentElement.dataset.hydrated === "true", undefined, { timeout: 15_000 })
      .catch(() => add("hydration", "React never committed the page"));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    if (o.settle) await o.settle(page);
    const facts = await page.evaluate(collectFacts);
    since("open", t0);
    t0 = performance.now();
    if (facts.lang !== o.locale) add("page-language", `the page is in «${facts.lang}», the user's language is ${o.locale}`);
    if (facts.errorPage && status === 200) add("error-page", facts.texts.slice(0, 8).join(" | ").slice(0, 200));
    for (const f of textFindings(facts.texts, o.locale, o.lang)) add(f.kind, f.detail);
    const title = facts.title.trim();
    if (!title || o.lang.appNames.has(title)) add("title", `«${title}» does not name the page`);
    if (facts.overflow.culprits.length) add("too-wide-1366", `${facts.overflow.scrollWidth} px: ${facts.overflow.culprits.join(", ")}`);
    since("text", t0);
    t0 = performance.now();
    if (o.screenshotName) await shoot(page, `${o.screenshotName}-1366`);
    since("screenshots", t0);
    t0 = performance.now();
    if (o.axe) {
      await page.addScriptTag({ content: AXE_SOURCE });
      const violations = await page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> };
          }
        ).axe;
        const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] });
        return r.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map(
            (v) =>
              `${v.id} (${v.impact}): ${v.help} — ${v.nodes
                .slice(0, 3)
                .map((n) => n.target.join(" "))
                .join("; ")}`,
          );
      });
      for (const v of violations) add("axe", v);
    }
    since("axe", t0);
    t0 = performance.now();
    await page.setViewportSize(PHONE);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const phone = await page.evaluate(collectFacts);
    if (phone.overflow.culprits.length) add("too-wide-390", `${phone.overflow.scrollWidth} px: ${phone.overflow.culprits.join(", ")}`);
    since("phone", t0);
    t0 = performance.now();
    if (o.screenshotName) await shoot(page, `${o.screenshotName}-390`);
    await page.setViewportSize(LAPTOP);
    since("screenshots", t0);
    for (const e of consoleErrors) add("console-error", e.slice(0, 300));
    return { status, findings, links: facts.links };
  } finally {
    page.off("console", onConsole);
    page.off("pageerror", onPageError);
  }
}

async function shoot(page: Page, name: string) {
  const dir = path.join(ARTIFACTS, "portal");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name.replace(/[^\w.-]+/g, "_")}.png`), fullPage: true });
}

// ---------------------------------------------------------------------------------------------------------------
// The crawl.

export type CrawlResult = { visited: Map<string, string>; findings: Finding[]; linksChecked: number };

/**
 * Not pages: sign-out, downloads (CSV, PDF: a browser saves them rather than showing them; the link check still
 * requests them), and JSON documents (the dealer API's OpenAPI document, linked from /api/docs).
 */
const SKIP_LINK = (u: URL) =>
  u.pathname === "/logout" ||
  u.searchParams.get("format") === "csv" ||
  u.pathname.endsWith("/pdf") ||
  u.pathname.endsWith(".json") ||
  u.pathname.startsWith("/build/");

/**
 * Walks the portal as the user signed in to `context`, in `locale`, from `/`, visiting each route once.
 * Checks every distinct link target it is shown (up to `linksPerRoute` per route) with the user's cookies.
 */
export type CrawlOptions = Omit<CheckOptions, "screenshotName" | "axe"> & {
  linksPerRoute?: number;
  maxPages?: number;
  /**
   * Shared by every crawl of a run: which (route, language) pages were already run through axe and shot. Axe and
   * screenshots are the check's slow steps and find the same things for every viewer of one page layout, so each
   * runs once per route and language (the dashboard, whose layout is the role's, once per role and language);
   * every other check runs on every page of every viewer.
   */
  once: Set<string>;
};

export async function crawl(context: BrowserContext, base: string, routes: RouteTable, o: CrawlOptions): Promise<CrawlResult> {
  const page = await context.newPage();
  const visited = new Map<string, string>(); // route id → URL
  const queued = new Set<string>();
  const queue: string[] = [`${base}/`];
  queued.add(routes.routeOf("/")!);
  const findings: Finding[] = [];
  const linkTargets = new Map<string, Set<string>>(); // route id → URLs checked
  const checkedLinks = new Map<string, string>(); // URL → where it was seen
  try {
    while (queue.length && visited.size < (o.maxPages ?? 120)) {
      const url = queue.shift()!;
      const u = new URL(url);
      const routeId = routes.routeOf(u.pathname) ?? "?";
      visited.set(routeId, url);
      const name = `${o.who}-${o.locale}-${routeId.replace(/^routes\//, "")}`;
      const onceKey = `${routeId === "routes/_index" ? `${routeId}:${o.who}` : routeId}:${o.locale}`;
      const first = !o.once.has(onceKey);
      o.once.add(onceKey);
      const r = await checkPage(page, url, { ...o, axe: first, screenshotName: first ? name : undefined });
      findings.push(...r.findings);
      for (const href of r.links) {
        let t: URL;
        try {
          t = new URL(href);
        } catch {
          continue;
        }
        if (t.origin !== u.origin) continue;
        t.hash = "";
        const id = routes.routeOf(t.pathname);
        if (!id) {
          findings.push({ who: o.who, locale: o.locale, url, kind: "broken-link", detail: `${t.pathname}${t.search} matches no route` });
          continue;
        }
        const targets = linkTargets.get(id) ?? new Set<string>();
        linkTargets.set(id, targets);
        if (!targets.has(t.href) && targets.size < (o.linksPerRoute ?? 4) && !checkedLinks.has(t.href)) {
          targets.add(t.href);
          checkedLinks.set(t.href, url);
        }
        if (SKIP_LINK(t) || queued.has(id)) continue;
        queued.add(id);
        queue.push(t.href);
      }
    }
    // Every link target shown must open for this viewer.
    const t0 = performance.now();
    for (const [target, seenOn] of checkedLinks) {
      const res = await context.request.get(target, { maxRedirects: 0, failOnStatusCode: false });
      const status = res.status();
      const location = res.headers()["location"] ?? "";
      const bad = status >= 400 || (status >= 300 && status < 400 && /^\/login\b|\/login\?/.test(location.replace(base, "")));
      if (bad)
        findings.push({
          who: o.who,
          locale: o.locale,
          url: seenOn,
          kind: "link-not-openable",
          detail: `${target.replace(base, "")} answers ${status}${location ? ` → ${location}` : ""}`,
        });
      await res.dispose();
    }
    since("links", t0);
    return { visited, findings, linksChecked: checkedLinks.size };
  } finally {
    await page.close();
  }
}

/** A readable list of findings, grouped by kind, for a failing assertion. */
export function formatFindings(findings: Finding[]): string {
  const byKind = new Map<string, Finding[]>();
  for (const f of findings) byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f]);
  return [...byKind]
    .map(
      ([kind, fs]) => `${kind} (${fs.length}):\n${fs.map((f) => `  [${f.who} ${f.locale}] ${f.url.replace(/^https?:\/\/[^/]+/, "")}: ${f.detail}`).join("\n")}`,
    )
    .join("\n");
}

/**
 * Hostile input, part two (issue #20 item 6), generated from the route matrix so a
 * new route or form is covered without touching this file:
 *
 * 1. every route's path spelled with dot segments, doubled slashes and odd
 *    percent-encodings (GET, and POST on write routes): a 308 to the one canonical
 *    path or a 400, never another route; a write through a dot-dot path is judged by
 *    the canonical path's rules (origin, body limit, same answer);
 * 2. on every write route: a body just over its limit (413), a chunked body (411),
 *    10,000 fields, and a very long value in every free-text field of every form;
 * 3. every numeric field of every form (found by GETting each page as each allowed
 *    role) set, one at a time, to out-of-range numbers;
 * 4. the same fields set to ambiguous number formats, answered in zh-CN;
 * 5. after every group of hostile submissions the business tables are unchanged
 *    (CHECKSUM TABLE of everything but sessions and sign-in throttles).
 *
 * What a numeric field accepts is decided in docs/decisions/101-typed-numbers.md;
 * `accepts()` below is that decision, and every other value must be refused with a
 * localized error on the field and nothing written. Never a 5xx.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import type { Role } from "../../app/modules/auth/permissions";
import { env } from "../../app/utils/env.server";
import { isUploadPath } from "../../server";
import { createQuoteVersion } from "../../app/modules/quotes/quotes.server";
import { actorFor, createSession } from "../factories";
import { customOptions, freshDraft, orderIn } from "../factories/orders";
import { tableChecksums } from "../helpers/db";
import { formsOf, type FormField, type FormSpec } from "../helpers/forms";
import { Client, clientFor, rawRequest, startTestServer, stopTestServer } from "../helpers/http";
import { addDays, todayIn } from "../../app/utils/time";
import { buildFixture, MATRIX, type Fixture, type MatrixEntry } from "./route-matrix";

const counts: Record<string, number> = {};
const count = (category: string) => (counts[category] = (counts[category] ?? 0) + 1);

let base = "";
beforeAll(async () => {
  // The dealer API's per-token limit would answer 429 long before the hostile values are through.
  process.env.API_RATE_LIMIT_PER_MINUTE = "1000000";
  base = (await startTestServer()).url;
});
afterAll(async () => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(
    `hostile input, requests tried per category (${total} in all):\n${Object.entries(counts)
      .map(([k, v]) => `  ${k}: ${v}`)
      .join("\n")}`,
  );
  await stopTestServer();
  delete process.env.API_RATE_LIMIT_PER_MINUTE;
});

// ---------------------------------------------------------------------------------------------
// Routes, roles and pages

const FIVE_XX = (s: number) => s >= 500;
const roleOf = (entry: MatrixEntry): Role | null =>
  entry.allow === "public" || entry.allow === "redirect" || entry.allow === "api" ? null : entry.allow.includes("admin") ? "admin" : entry.allow[0]!;
/** Route files that have an action: the write routes. */
const isWriteRoute = (file: string) =>
  /export\s+(const|async\s+function)\s+action\b/.test(readFileSync(new URL(`../../app/routes/${file}`, import.meta.url), "utf8"));

/** Sessions, sign-in challenges and throttles change on every request by design; everything else must not move on a refused write. */
const VOLATILE = new Set(["sessions", "login_throttles", "sign_in_challenges"]);
async function snapshot() {
  return tableChecksums((t) => !VOLATILE.has(t) && !t.startsWith("kysely_"));
}
function changed(before: Map<string, string>, after: Map<string, string>) {
  return [...after].filter(([t, sum]) => before.get(t) !== sum).map(([t]) => t);
}

type Page = { file: string; role: Role; path: string };
/**
 * Every page of the matrix as each role allowed to see it (forms differ by role), plus the
 * states a form only appears in: a statement line opened for dispute, an approved order
 * (shipments, promise dates), a draft quote (prices) and a draft with a made-to-order line.
 */
async function pagesOf(fx: Fixture): Promise<Page[]> {
  const pages: Page[] = [];
  for (const [file, entry] of Object.entries(MATRIX)) {
    if (entry.allow === "public" || entry.allow === "redirect" || entry.allow === "api") continue;
    for (const role of entry.allow) pages.push({ file, role, path: entry.path(fx) });
  }
  const db = getDb();
  const line = await db
    .selectFrom("statement_lines")
    .select("id")
    .where("statement_id", "=", fx.ledger.statementId)
    .orderBy("line_no", "desc")
    .executeTakeFirstOrThrow();
  pages.push({ file: "statements.$id.tsx", role: "dealer_finance", path: `/statements/${fx.ledger.statementId}?dispute=${line.id}` });
  const approved = await orderIn(fx.cast as Parameters<typeof orderIn>[0], "approved");
  const number = (await db.selectFrom("orders").select("number").where("id", "=", approved.id).executeTakeFirstOrThrow()).number!;
  pages.push({ file: "orders.$number.tsx", role: "ops", path: `/orders/${number}` });
  const quote = await createQuoteVersion(actorFor(fx.cast.staff.account_manager), fx.deals.dealId);
  pages.push({ file: "quotes.$id.tsx", role: "account_manager", path: `/quotes/${quote.id}` });
  const w = fx.cast as Parameters<typeof freshDraft>[0];
  const custom = await freshDraft(w, [{ productId: w.custom.id, quantity: 1, options: customOptions }]);
  pages.push({ file: "orders.drafts.$id.tsx", role: "dealer_sales", path: `/orders/drafts/${custom.id}` });
  return pages;
}

type FoundForm = { page: Page; form: FormSpec; client: Client };
/** Which of pagesOf()'s pages showed a form no earlier page had (the first discovery of the file finds out; later ones read only those). */
let pagesWithForms: Set<number> | undefined;
/** The forms of every page (the language and sign-out forms of the layout aside), each once. */
async function discoverForms(fx: Fixture, clients: Map<Role, Client>): Promise<FoundForm[]> {
  const out: FoundForm[] = [];
  const seen = new Set<string>();
  const useful = new Set<number>();
  for (const [i, page] of (await pagesOf(fx)).entries()) {
    if (pagesWithForms && !pagesWithForms.has(i)) continue;
    const client = clients.get(page.role)!;
    const res = await client.get(page.path);
    count("pages read to find forms");
    expect(res.status, `${page.role} GET ${page.path}`).toBe(200);
    for (const form of formsOf(res.text, page.path)) {
      if (form.action === "/logout" || form.action.startsWith("/locale")) continue;
      const sig = `${form.method} ${form.action.replace(/\d+/g, "#")} ${form.fields.map((f) => `${f.name}:${f.type}`).join(",")}`;
      if (seen.has(sig)) continue;
      seen.add(sig);
      useful.add(i);
      out.push({ page, form, client });
    }
  }
  pagesWithForms ??= useful;
  return out;
}

async function clientsFor(fx: Fixture, locale: "en" | "zh-CN" = "en") {
  const clients = new Map<Role, Client>();
  for (const [role, user] of Object.entries(fx.cast.byRole) as [Role, Fixture["cast"]["byRole"][Role]][]) {
    await getDb().updateTable("users").set({ locale }).where("id", "=", user.id).execute();
    const c = await clientFor(base, user);
    c.cookies.set("dd_lang", locale);
    clients.set(role, c);
  }
  return clients;
}

// ---------------------------------------------------------------------------------------------
// Filling a form the way a person would, so that only the field under test is wrong

type NumberKind = "count" | "signed" | "money" | "code" | "id";
/** A field a person types a number into: type=number, a numeric/decimal keyboard, or a name that says so. */
function numberKind(f: FormField): NumberKind | null {
  if (!["text", "number", "search", "tel"].includes(f.type)) return null;
  if (/code$/i.test(f.name) && f.inputMode === "numeric") return "code";
  if (/creditCode|phone|postcode/i.test(f.name)) return null;
  if (f.inputMode === "decimal" || /amount|price|limit|value|credit|discount/i.test(f.name)) return "money";
  if (/delta/i.test(f.name)) return "signed";
  // A record's number typed as a filter (a deal, a dealer): any well-formed one is a question with an answer.
  if (/Id$/.test(f.name) && (f.inputMode === "numeric" || f.type === "number")) return "id";
  if (f.type === "number" || f.inputMode === "numeric" || /quantity|qty|days|percent|threshold|onHand|width|height|length/i.test(f.name)) return "count";
  return null;
}

let seq = 0;
const today = () => todayIn(env().BUSINESS_TZ);
/** A plausible value for an empty control, by its type and name. */
function plausible(f: FormField): string {
  const n = ++seq;
  const name = f.name.toLowerCase();
  if (f.type === "email" || name.includes("email")) return `hostile${n}@example.com`;
  if (f.type === "date") return /shipped|occurred|day$/.test(name) ? today() : addDays(today(), 20);
  if (f.type === "month") return today().slice(0, 7);
  if (f.type === "datetime-local") return `${addDays(today(), 1)}T10:00`;
  if (f.type === "password") return "Hostile-Pass-2026";
  if (f.type === "tel" || name.includes("phone")) return "021-5555-0199";
  if (name === "sku") return `HX-${Date.now().toString(36)}-${n}`.toUpperCase();
  if (name === "code") return `HX${Date.now().toString(36)}${n}`.toUpperCase().slice(0, 12);
  const kind = numberKind(f);
  if (kind === "money") return "100.00";
  if (kind === "code") return "123456";
  if (kind) return "1";
  return f.type === "textarea" ? "Hostile input test note" : "Hostile test";
}

/** Optional fields with a format of their own (a credit code, JSON, SKUs, a path, another record's number) or a search box. */
const KEEP_EMPTY = /^(q|creditCode|optionsSchema|productSkus|imagePath|orderNumber|feeTypeCode|endsAt|occurredAt|dueDate|requestedDate|newDate)$/;

/** The submit button a person would press: "save"/"update"-like before anything that deletes or ends. */
function pickButton(form: FormSpec): FormField | undefined {
  const buttons = form.fields.filter((f) => f.type === "submit");
  const destructive = /delete|remove|archive|withdraw|cancel|lost|reject|decline|renew/i;
  return buttons.find((b) => /^(save|update)$/i.test(b.value)) ?? buttons.find((b) => !destructive.test(b.value)) ?? buttons[0];
}

/** The form filled in, as [name, value] pairs in order (repeated names kept), with `over` replacing one field's value. */
function fill(form: FormSpec, over?: { name: string; value: string }): [string, string][] {
  const out: [string, string][] = [];
  const button = pickButton(form);
  const radios = new Set<string>();
  // A number next to a checkbox only counts when the checkbox is ticked (quantity_AC ↔ productLines=AC).
  const suffix = over ? /_([A-Za-z0-9]+)$/.exec(over.name)?.[1] : undefined;
  for (const f of form.fields) {
    if (over && f.name === over.name && f.type !== "submit" && f.type !== "checkbox") {
      out.push([f.name, over.value]);
      continue;
    }
    switch (f.type) {
      case "submit":
        if (f === button) out.push([f.name, f.value]);
        break;
      case "checkbox":
        if (f.checked || (suffix !== undefined && f.value === suffix)) out.push([f.name, f.value]);
        break;
      case "radio":
        if (!radios.has(f.name) && (f.checked || !form.fields.some((g) => g.name === f.name && g.checked))) {
          radios.add(f.name);
          out.push([f.name, f.value]);
        }
        break;
      case "file":
        break;
      case "hidden":
        out.push([f.name, f.value]);
        break;
      case "select":
        out.push([f.name, f.value || f.options?.find((o) => o !== "") || ""]);
        break;
      default:
        // What the page holds, else something plausible; fields whose format a made-up value would break stay empty (all optional).
        out.push([f.name, f.value !== "" || f.type === "search" || KEEP_EMPTY.test(f.name) ? f.value : plausible(f)]);
    }
  }
  return out;
}

async function submit(c: Client, form: FormSpec, pairs: [string, string][]) {
  const sp = new URLSearchParams(pairs);
  if (form.method === "get") return c.get(`${form.action}${form.action.includes("?") ? "&" : "?"}${sp}`);
  return c.request(form.action, { method: "POST", body: sp, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
}

/** The error shown for a field: a control of that name marked aria-invalid, and the text of its `…-error` element, if any. */
function fieldError(html: string, name: string): { invalid: boolean; message: string | null } {
  const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const tags = [...html.matchAll(new RegExp(`<(?:input|select|textarea)\\b[^>]*\\bname="${esc(name)}"[^>]*>`, "g"))].map((m) => m[0]);
  const tag = tags.find((t) => /aria-invalid="true"/.test(t));
  const id = tag && /\bid="([^"]+)"/.exec(tag)?.[1];
  const message = id ? (new RegExp(`id="${esc(id)}-error"[^>]*>([^<]+)<`).exec(html)?.[1] ?? null) : null;
  return { invalid: tag !== undefined, message };
}
/** Any error the page shows (role="alert"), for forms that report at form level. */
const alerts = (html: string) => [...html.matchAll(/role="alert"[^>]*>([^<]+)</g)].map((m) => m[1]!.trim()).filter(Boolean);

// ---------------------------------------------------------------------------------------------
// What a typed number may look like (docs/decisions/101-typed-numbers.md)

const OUT_OF_RANGE = ["-1", "0", "2147483648", "9e15", "1e309", "-0", "NaN", "Infinity", `1${"0".repeat(399)}`];
const AMBIGUOUS = ["1,2,3", "1.2.3", "1,234.5,6", "1e3", "0x10", "１２３", "1 000", "+5", " 5 ", "5.", ".5", "1_000", "12.345", "¥100"];
/**
 * Fields where zero is a value a person means, as "<form action> <field>": a credit limit of
 * nothing, no lead time, an estimate not known yet (a deal's quantities, a lead's value), a
 * list filter's lower bound, none of an order line in this shipment.
 */
const ZERO_MEANS_SOMETHING = [
  / creditLimit$/,
  / leadTimeDays$/,
  /^\/deals\/new quantity_[A-Za-z0-9]+$/,
  /^\/key-accounts\/\d+ estimatedValue$/,
  /^\/deals\?index (minValue|maxValue)$/,
  /^\/orders\/[^ ]+ qty\.\d+$/,
  // A month with no sales of a SKU, none left on hand, or no sales in a category: a report of zero.
  /^\/sellout\/\d+\/[^ /]+ (unitsSold|revenue|unitsOnHand)$/,
];

/**
 * Which hostile values a field accepts (decision 101): space around the number is ignored; a
 * sign only where the field is signed (a stock adjustment); zero only where it means something.
 * Everything else, full-width digits included, is refused with an error on the field.
 */
function accepts(kind: NumberKind, where: string, value: string): boolean {
  if (kind === "code") return false;
  const v = value.trim();
  if (v === "0") return ZERO_MEANS_SOMETHING.some((r) => r.test(where));
  if (kind === "signed") return /^[+-]?[1-9]\d{0,8}$/.test(v);
  if (kind === "id") return /^[1-9]\d{0,14}$/.test(v);
  return /^[1-9]\d{0,8}$/.test(v);
}

// ---------------------------------------------------------------------------------------------

describe("hostile paths on every route", () => {
  it(
    "dot segments, doubled slashes and odd encodings: a 308 to the canonical path or a 400, never a 5xx; writes judged as the canonical path",
    { timeout: 240_000 },
    async () => {
      const fx = await buildFixture();
      const sessions = new Map<Role, string>();
      for (const [role, user] of Object.entries(fx.cast.byRole) as [Role, Fixture["cast"]["byRole"][Role]][])
        sessions.set(role, (await createSession(user)).sessionId);
      const e = env();
      let before = await snapshot();
      for (const [file, entry] of Object.entries(MATRIX)) {
        // The dealer API has its own hostile test below (Bearer tokens, JSON bodies, problem documents).
        if (entry.allow === "api") continue;
        const role = roleOf(entry);
        const headers: Record<string, string> = role ? { Cookie: `dd_session=${sessions.get(role)}; dd_lang=en` } : { Cookie: "dd_lang=en" };
        const path = entry.path(fx).split("?")[0]!;
        const last = path.lastIndexOf("/");
        const head = path.slice(0, last) || "";
        const tail = path.slice(last + 1);
        const slashed = (enc: string) => (path === "/" ? `/x${enc}y` : `${head}${enc}${tail}`);
        // Spellings of `path` that resolve to it: answered with a 308 to it.
        const same = [
          `/x/..${path}`,
          `/%2e%2e${path}`,
          `/%2E%2e${path}`,
          `/x/%2E%2E${path}`,
          `//${path.slice(1)}`,
          `/.${path}`,
          `${head}/./${tail}`,
          `${path}/x/..`,
        ];
        // Spellings with no single reading: 400. Double-encoded dots are a literal segment (no route: 404).
        const refused = [slashed("%2F"), slashed("%2f"), `${path}%00`, `/%C0%AE%C0%AE${path}`, `${path}%FF`, `${head}/%c0%af${tail}`, `${path}%5C`];
        for (const p of same) {
          const r = await rawRequest(base, { path: p, headers });
          count("paths: GET, a spelling of the route");
          expect(r.status, `${file} GET ${p}`).toBe(308);
          expect(r.headers.location, `${file} GET ${p}`).toBe((p.endsWith("/x/..") ? `${path}/` : path).replace(/\/{2,}/g, "/"));
        }
        for (const p of refused) {
          const r = await rawRequest(base, { path: p, headers });
          count("paths: GET, no single reading");
          expect(r.status, `${file} GET ${p}`).toBe(400);
        }
        const literal = await rawRequest(base, { path: `/%252e%252e${path}`, headers });
        count("paths: GET, a spelling of the route");
        expect(literal.status, `${file} GET /%252e%252e${path}`).toBe(404);
        const dotted = await rawRequest(base, { path: `${path}/.`, headers });
        count("paths: GET, a spelling of the route");
        expect(dotted.status, `${file} GET ${path}/.`).toBe(308);
        expect(dotted.headers.location).toBe(`${path}/`.replace(/\/{2,}/g, "/"));

        if (!isWriteRoute(file)) continue;
        const post = (p: string, h: Record<string, string>, body: string) =>
          rawRequest(base, { method: "POST", path: p, headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers, ...h }, body });
        const junk = "intent=&hostile=1";
        // The same small body, at the path and through dot segments: the same answer. A route whose
        // action reads no input (sign out, one-click unsubscribe) does its work on the first one.
        const direct = await post(path, { Origin: base }, junk);
        count("paths: POST, through dot segments");
        expect(FIVE_XX(direct.status), `${file} POST ${path} → ${direct.status}`).toBe(false);
        if (direct.status < 400) before = await snapshot();
        for (const p of [`/x/..${path}`, `/%2e%2e${path}`, `//${path.slice(1)}`, `/import/..${path}`, `/unsubscribe/x/../..${path}`]) {
          const r = await post(p, { Origin: base }, junk);
          count("paths: POST, through dot segments");
          expect(r.status, `${file} POST ${p} (same answer as ${path})`).toBe(direct.status);
        }
        // Without our Origin: refused as at the canonical path (only the signed one-click unsubscribe is exempt).
        const exempt = /^\/unsubscribe\/[^/]+$/.test(path);
        for (const p of [`/unsubscribe/..${path}`, `/unsubscribe/x/%2e%2e/..${path}`]) {
          const r = await post(p, {}, junk);
          count("paths: POST, through dot segments");
          expect(r.status, `${file} POST ${p} without Origin`).toBe(exempt ? direct.status : 403);
        }
        // The body limit of the canonical path, not of the spelling (an import path's larger one).
        if (!isUploadPath(path)) {
          const over = `hostile=${"x".repeat(e.BODY_LIMIT_BYTES - 7)}`;
          for (const p of [`/stock/import/../..${path}`, `/import/%2e%2e${path}`]) {
            const r = await post(p, { Origin: base }, over);
            count("paths: POST, through dot segments");
            expect(r.status, `${file} POST ${p} with ${over.length} bytes`).toBe(413);
          }
        }
        for (const p of [`${path}%FF`, `${path}%00`, slashed("%2F")]) {
          const r = await post(p, { Origin: base }, junk);
          count("paths: POST, no single reading");
          expect(r.status, `${file} POST ${p}`).toBe(400);
        }
        const after = await snapshot();
        expect(changed(before, after), `${file}: tables written by hostile paths`).toEqual([]);
        before = after;
      }
    },
  );
});

describe("oversize and overfull bodies on every write route", () => {
  it("a body just over the limit is a 413, a chunked one a 411; 10,000 fields or a huge value are refused; nothing written", { timeout: 240_000 }, async () => {
    const fx = await buildFixture();
    const clients = await clientsFor(fx);
    const forms = await discoverForms(fx, clients);
    const e = env();
    for (const [file, entry] of Object.entries(MATRIX)) {
      if (!isWriteRoute(file) || entry.allow === "api") continue;
      const role = roleOf(entry);
      const { sessionId } = role ? await createSession(fx.cast.byRole[role]) : { sessionId: "" };
      const headers = { Origin: base, Cookie: `dd_session=${sessionId}; dd_lang=en`, "Content-Type": "application/x-www-form-urlencoded" };
      const path = entry.path(fx).split("?")[0]!;
      const limit = isUploadPath(path) ? e.UPLOAD_LIMIT_BYTES : e.BODY_LIMIT_BYTES;
      // What the route answers to no input at all: an action that reads none (sign out, one-click
      // unsubscribe) does its work here, and must answer any body the same way.
      const empty = await rawRequest(base, { method: "POST", path, headers, body: "" });
      count("oversize: an empty body, for comparison");
      expect(FIVE_XX(empty.status), `${file} POST ${path} empty → ${empty.status}`).toBe(false);
      const inputless = empty.status < 400;
      const before = await snapshot();
      const over = await rawRequest(base, { method: "POST", path, headers, body: `hostile=${"x".repeat(limit - 7)}` });
      count("oversize: one byte over the limit");
      expect(over.status, `${file} POST ${path} ${limit + 1} bytes`).toBe(413);
      const chunked = await rawRequest(base, { method: "POST", path, headers: { ...headers, "Transfer-Encoding": "chunked" }, body: undefined });
      count("oversize: chunked, no length");
      expect(chunked.status, `${file} POST ${path} chunked`).toBe(411);
      // 10,000 fields: junk names, then the route's own names repeated with empty values.
      const mine = forms.filter((f) => f.form.method === "post" && f.form.action.split("?")[0] === path).map((f) => f.form);
      const names = [...new Set(mine.flatMap((f) => f.fields.map((x) => x.name)))];
      const bodies = [
        Array.from({ length: 10_000 }, (_, i) => `f${i}=1`).join("&"),
        Array.from({ length: 10_000 }, (_, i) => `${encodeURIComponent(names[i % Math.max(names.length, 1)] ?? "intent")}=`).join("&"),
      ];
      for (const body of bodies) {
        const r = await rawRequest(base, { method: "POST", path, headers, body });
        count("oversize: 10,000 fields");
        if (inputless) expect(r.status, `${file} POST ${path} 10,000 fields`).toBe(empty.status);
        else expect([400, 403, 404, 409, 413, 429], `${file} POST ${path} 10,000 fields → ${r.status}`).toContain(r.status);
      }
      expect(changed(before, await snapshot()), `${file}: tables written by oversize bodies`).toEqual([]);
    }
    // A huge value in each free-text field of each form (the rest filled in as a person would): refused on that field.
    for (const { page, form, client } of forms.filter((f) => f.form.method === "post" && f.form.enctype !== "multipart/form-data")) {
      const texts = form.fields.filter((f) => ["text", "textarea", "search", "email", "tel", "password"].includes(f.type) && !numberKind(f));
      const before = await snapshot();
      for (const [i, f] of texts.entries()) {
        // The first field just under the body limit, the others past any column's size.
        const huge = "长".repeat(i === 0 ? Math.floor((e.BODY_LIMIT_BYTES - 8192) / 9) : 70_000);
        const r = await submit(client, form, fill(form, { name: f.name, value: huge }));
        count("oversize: a huge value in one field");
        expect([200, 400, 403, 404, 409, 429], `${page.path} → POST ${form.action} ${f.name}=<${huge.length} chars> → ${r.status}`).toContain(r.status);
        if (r.status === 200) expect(alerts(r.text).length, `${form.action} ${f.name}: an error is shown`).toBeGreaterThan(0);
      }
      expect(changed(before, await snapshot()), `${form.action}: tables written by huge values`).toEqual([]);
    }
  });
});

/** One hostile value in one numeric field of one form: never a 5xx; refused on the field unless accepted by decision 101. */
async function tryNumber(found: FoundForm, field: FormField, kind: NumberKind | "hidden id", value: string, category: string, locale: "en" | "zh-CN") {
  const { page, form, client } = found;
  const r = await submit(client, form, fill(form, { name: field.name, value }));
  count(category);
  const where = `${page.role} ${page.path} → ${form.method.toUpperCase()} ${form.action} ${field.name}=${JSON.stringify(value).slice(0, 40)}`;
  expect.soft(FIVE_XX(r.status), `${where} → ${r.status}`).toBe(false);
  const accepted = kind !== "hidden id" && accepts(kind, `${form.action} ${field.name}`, value);
  if (accepted) return { where, accepted, status: r.status };
  if (kind === "hidden id") {
    // A hidden or listed id a person never types. A well-formed one that names no record is answered as any
    // unknown record (404/409), or ignored where the reference is optional (an order line's quoted line): the
    // save is then the form's own. A malformed one is refused (400), or the page shows an error.
    const refused = r.status === 200 ? alerts(r.text).length > 0 : [400, 403, 404, 409, 429].includes(r.status);
    if (/^[1-9]\d{0,14}$/.test(value) && !refused) return { where, accepted: true, status: r.status };
    if (r.status === 200) expect.soft(alerts(r.text).length, `${where}: an error is shown`).toBeGreaterThan(0);
    else expect.soft([400, 403, 404, 409, 429], `${where} → ${r.status}`).toContain(r.status);
    return { where, accepted, status: r.status };
  }
  if (form.method === "get" && r.status === 400) return { where, accepted, status: r.status };
  expect.soft([200, 400, 409, 429], `${where} → ${r.status}`).toContain(r.status);
  if (r.status === 429) return { where, accepted, status: r.status };
  const fe = fieldError(r.text, field.name);
  const shown = fe.message ?? (fe.invalid ? alerts(r.text)[0] : undefined);
  expect.soft(fe.invalid, `${where} → ${r.status}: the field is marked invalid (alerts: ${alerts(r.text).join(" | ")})`).toBe(true);
  const message = shown ?? alerts(r.text)[0];
  expect.soft(message, `${where}: an error message`).toBeTruthy();
  if (locale === "zh-CN") expect.soft(message, `${where}: the message is in Chinese`).toMatch(/[\u4e00-\u9fff]/);
  return { where, accepted, status: r.status };
}

/** The form as the page shows it now (after an accepted value: a new version, other ids). */
async function refresh(found: FoundForm) {
  const sig = (f: FormSpec) => `${f.method} ${f.action} ${f.fields.map((x) => `${x.name}:${x.type}`).join(",")}`;
  const page = await found.client.get(found.page.path);
  count("pages read to find forms");
  const again = formsOf(page.text, found.page.path).find((f) => sig(f) === sig(found.form));
  if (again) found.form = again;
}

/**
 * One field's hostile values as one group: first those it must refuse, then a checksum of the
 * tables (nothing written), then those it accepts (they may change the page: a dispute filed,
 * a line shipped; the form is read again after each).
 */
async function tryField(f: FoundForm, field: FormField, kind: NumberKind, values: string[], category: string, locale: "en" | "zh-CN") {
  const ok = (v: string) => accepts(kind, `${f.form.action} ${field.name}`, v);
  const refused = values.filter((v) => !ok(v));
  const before = await snapshot();
  for (const value of refused) await tryNumber(f, field, kind, value, category, locale);
  expect
    .soft(
      changed(before, await snapshot()),
      `${f.page.role} ${f.page.path} → ${f.form.action} ${field.name} = any of ${JSON.stringify(refused)}: tables written`,
    )
    .toEqual([]);
  for (const value of values.filter(ok)) {
    const r = await tryNumber(f, field, kind, value, category, locale);
    if (r.status < 400) await refresh(f);
  }
}

async function numberFields(locale: "en" | "zh-CN") {
  const fx = await buildFixture();
  const clients = await clientsFor(fx, locale);
  const forms = await discoverForms(fx, clients);
  const found: { found: FoundForm; field: FormField; kind: NumberKind }[] = [];
  const ids: { found: FoundForm; field: FormField }[] = [];
  for (const f of forms) {
    const seen = new Set<string>();
    for (const field of f.form.fields) {
      const kind = numberKind(field);
      // One of each repeated row (quantity_AC, quantity_pro… are the same field).
      const key = field.name.replace(/_[A-Za-z0-9]+$/, "_*").replace(/\.\d+\./, ".*.");
      if (seen.has(key)) continue;
      seen.add(key);
      if (kind) found.push({ found: f, field, kind });
      else if (f.form.method === "post" && (field.type === "hidden" || field.type === "select") && /^\d+$/.test(field.value)) ids.push({ found: f, field });
    }
  }
  return { fx, found, ids };
}

describe("numbers in every numeric field of every form", () => {
  it("out-of-range numbers are refused on the field (ids: 400/404/409), never a 5xx, nothing written", { timeout: 300_000 }, async () => {
    const { found, ids } = await numberFields("en");
    expect(found.length, "numeric fields found").toBeGreaterThan(20);
    const fields = new Set<string>();
    for (const { found: f, field, kind } of found) {
      fields.add(`${f.form.action.replace(/\d+/g, "#")} ${field.name}`);
      await tryField(f, field, kind, OUT_OF_RANGE, `numbers: out of range (${f.form.method.toUpperCase()})`, "en");
    }
    // Hidden and listed ids: the malformed ones refused with nothing written, then a well-formed one that names no record.
    const malformed = OUT_OF_RANGE.filter((v) => !/^[1-9]\d*$/.test(v));
    for (const { found: f, field } of ids) {
      const before = await snapshot();
      for (const value of malformed) await tryNumber(f, field, "hidden id", value, "numbers: out of range in hidden and listed ids", "en");
      expect
        .soft(changed(before, await snapshot()), `${f.page.path} → ${f.form.action} ${field.name} = any of ${JSON.stringify(malformed)}: tables written`)
        .toEqual([]);
      await tryNumber(f, field, "hidden id", "2147483648", "numbers: out of range in hidden and listed ids", "en");
    }
    console.log(`numeric fields tried (${fields.size}): ${[...fields].join(", ")}; hidden and listed ids: ${ids.length}`);
  });

  it("ambiguous formats are refused with a Chinese error on the field unless they have one reading (decision 101)", { timeout: 300_000 }, async () => {
    const { found } = await numberFields("zh-CN");
    for (const { found: f, field, kind } of found) {
      await tryField(f, field, kind, AMBIGUOUS, `numbers: ambiguous formats (${f.form.method.toUpperCase()})`, "zh-CN");
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The dealer API (issue #25): every endpoint of the OpenAPI document with a token that has every scope

const API_VALUES: unknown[] = [
  `<script>alert("dd")</script>`,
  `' OR 1=1; DROP TABLE orders; --`,
  "%00\u0000",
  "𝕏".repeat(300),
  -1,
  0,
  1.5,
  1e308,
  Number.MAX_SAFE_INTEGER + 2,
  "9".repeat(40),
  "2026-02-30",
  "１２",
  null,
  true,
  [],
  {},
  JSON.parse(`${"[".repeat(40)}1${"]".repeat(40)}`) as unknown,
  { __proto__: { polluted: 1 }, constructor: { prototype: { polluted: 1 } } },
];

describe("the dealer API under hostile input", () => {
  it(
    "every endpoint, every hostile value in every query parameter and body field: a JSON answer below 500, nothing written",
    { timeout: 300_000 },
    async () => {
      const fx = await buildFixture();
      const { tokenFor, ApiClient } = await import("../helpers/api");
      const api = new ApiClient(base, (await tokenFor(fx.cast.a.dealer_admin)).secret);
      const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as {
        paths: Record<
          string,
          Record<
            string,
            {
              parameters?: { name: string; in: string }[];
              requestBody?: { content: Record<string, { schema: { $ref?: string; properties?: Record<string, unknown> } }> };
            }
          >
        >;
        components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
      };
      const ids: Record<string, string> = { id: String(fx.order.id), shipmentId: String(fx.shipment.id), lineId: "1", sku: fx.product.sku };
      const before = await snapshot();
      const answers = new Map<number, number>();
      for (const [template, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          const queryNames = (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
          const schema = op.requestBody?.content["application/json"]?.schema;
          const bodyNames = Object.keys((schema?.$ref ? doc.components.schemas[schema.$ref.split("/").pop()!]?.properties : schema?.properties) ?? {});
          // Hostile path parameters too: each parameter in turn, the others left as real ids.
          const paths = [template.replace(/\{(\w+)\}/g, (_m, n: string) => ids[n]!)];
          for (const name of template.match(/\{(\w+)\}/g) ?? [])
            for (const v of ["0", "-1", "99999999999999999999", "%27%20OR%201%3D1", "x".repeat(300)])
              paths.push(template.replace(/\{(\w+)\}/g, (m, n: string) => (m === name ? v : ids[n]!)));
          for (const path of paths) {
            for (const value of API_VALUES) {
              const q = queryNames.map((n) => `${n}=${encodeURIComponent(typeof value === "string" ? value : JSON.stringify(value))}`).join("&");
              const url = q ? `${path}?${q}` : path;
              const body = method === "post" ? (bodyNames.length ? Object.fromEntries(bodyNames.map((n) => [n, value])) : value) : undefined;
              const res =
                method === "get"
                  ? await api.get(url)
                  : await api.call("POST", url, {
                      raw: JSON.stringify(body),
                      headers: { "Content-Type": "application/json", "Idempotency-Key": `hostile-${typeof value}` },
                    });
              count("dealer API: hostile values");
              answers.set(res.status, (answers.get(res.status) ?? 0) + 1);
              expect(res.status, `${method.toUpperCase()} ${url.slice(0, 200)} → ${res.status}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
              expect(res.headers.get("content-type") ?? "", `${method} ${url.slice(0, 120)}`).toMatch(/^application\/(problem\+)?json/);
              expect(res.text).not.toContain("<script>");
            }
          }
        }
      }
      // Raw bodies that are no JSON at all, or JSON of the wrong kind.
      for (const raw of ["", "{", "null", "[]", '"x"', "\u0000", "{".repeat(10_000)]) {
        const res = await api.call("POST", `/api/v1/orders/${fx.order.id}/cancel`, {
          raw,
          headers: { "Content-Type": "application/json", "Idempotency-Key": "hostile-raw" },
        });
        count("dealer API: broken bodies");
        expect(res.status, JSON.stringify(raw).slice(0, 40)).toBeLessThan(500);
      }
      expect(changed(before, await snapshot()).filter((t) => t !== "api_tokens" && t !== "api_rate_windows")).toEqual([]);
      expect(answers.has(429), "the rate limit did not stand in for validation").toBe(false);
      console.log(`dealer API hostile answers by status: ${JSON.stringify(Object.fromEntries(answers))}`);
    },
  );
});

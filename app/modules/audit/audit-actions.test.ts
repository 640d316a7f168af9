/**
 * Every audit action that can be written is readable on the audit log, in both languages: the list
 * in audit-actions.ts is the type `audit()` takes, and this test reads the source (app/, jobs/, db/,
 * scripts/) to prove that every action written — literal, built from a status or kind, or in a raw
 * SQL insert — is on the list, and that the list names nothing that is never written.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { LOCALES, messages } from "~/i18n";
import { IMPORT_KINDS } from "~/modules/catalog/catalog.schema";
import { DEAL_TRANSITIONS } from "~/modules/deals/state";
import { ENTRY_TYPES } from "~/modules/ledger/entry-types";
import { ORDER_STATUSES } from "~/modules/orders/state";
import { QUOTE_TRANSITIONS } from "~/modules/quotes/state";
import {
  AUDIT_ACTION_ENTITY,
  AUDIT_ACTIONS,
  AUDIT_ENTITY_TYPES,
  auditActionGroups,
  auditActionKey,
  auditEntityKey,
  auditRecordHref,
  isAuditAction,
  linkableAuditEntities,
} from "./audit-actions";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && p !== join("db", "types.ts") ? [p] : [];
  });
}

/**
 * Actions not written as a literal: the values each expression can take, from the lists that type it.
 * A new way of building an action fails the scan until it is registered here.
 */
const BUILT: Record<string, readonly string[]> = {
  "app/modules/orders/orders.server.ts `order.${to}`": ORDER_STATUSES.map((s) => `order.${s}`),
  "app/modules/ledger/post.server.ts `ledger.${e.type}_posted`": ENTRY_TYPES.map((t) => `ledger.${t}_posted`),
  "app/modules/catalog/import.server.ts `import.${input.kind}`": IMPORT_KINDS.map((k) => `import.${k}`),
  "app/modules/catalog/import.server.ts `import.${input.kind}.rejected`": IMPORT_KINDS.map((k) => `import.${k}.rejected`),
  "app/modules/deals/deals.server.ts t.event": DEAL_TRANSITIONS.map((t) => t.event),
  "app/modules/quotes/quotes.server.ts t.event": QUOTE_TRANSITIONS.map((t) => t.event),
};

type Written = { action: string; entityType: string | null; where: string };

/** Every audit entry the code can write: `audit(…, { action, entityType })` calls and raw `INSERT INTO audit_log`. */
function scan(): { written: Written[]; problems: string[] } {
  const written: Written[] = [];
  const problems: string[] = [];
  for (const file of [...sources("app"), ...sources("jobs"), ...sources("db"), ...sources("scripts")]) {
    const text = readFileSync(file, "utf8");
    if (!/audit/.test(text)) continue;
    const rel = relative(process.cwd(), file).split("\\").join("/");
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const where = (n: ts.Node) => `${rel}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
    const consts = new Map<string, ts.Expression>();
    const collect = (n: ts.Node) => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) consts.set(n.name.text, n.initializer);
      ts.forEachChild(n, collect);
    };
    collect(sf);
    /** The string values an expression can have, or null when it cannot be read from the source. */
    const values = (e: ts.Expression): string[] | null => {
      if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e.text];
      if (ts.isParenthesizedExpression(e) || ts.isSatisfiesExpression(e) || ts.isAsExpression(e)) return values(e.expression);
      if (ts.isConditionalExpression(e)) {
        const a = values(e.whenTrue);
        const b = values(e.whenFalse);
        return a && b ? [...a, ...b] : null;
      }
      if (ts.isIdentifier(e) && consts.has(e.text)) return values(consts.get(e.text)!);
      return BUILT[`${rel} ${e.getText(sf)}`]?.slice() ?? null;
    };
    const visit = (n: ts.Node) => {
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === "audit" && !rel.endsWith("audit/audit.server.ts")) {
        const input = n.arguments[2];
        const props = new Map<string, ts.Expression>();
        if (input && ts.isObjectLiteralExpression(input)) {
          for (const p of input.properties) if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) props.set(p.name.text, p.initializer);
        }
        const action = props.get("action");
        const entity = props.get("entityType");
        const actions = action ? values(action) : null;
        const entities = entity ? values(entity) : null;
        if (!actions) problems.push(`${where(n)}: cannot tell which actions ${action?.getText(sf) ?? "(no action)"} writes — register it in BUILT`);
        else for (const a of actions) written.push({ action: a, entityType: entities?.length === 1 ? entities[0]! : null, where: where(n) });
      }
      if (
        ts.isCallExpression(n) &&
        n.expression.getText(sf).endsWith("insertInto") &&
        n.arguments[0] &&
        ts.isStringLiteral(n.arguments[0]) &&
        n.arguments[0].text === "audit_log" &&
        !rel.endsWith("audit/audit.server.ts")
      ) {
        problems.push(`${where(n)}: writes audit_log without audit()`);
      }
      if (ts.isTaggedTemplateExpression(n) && /INSERT\s+INTO\s+audit_log\b/i.test(n.template.getText(sf))) {
        const found: string[] = [];
        for (const m of n.template.getText(sf).matchAll(/'([a-z_]+(?:\.[a-z_]+)+)'/g)) found.push(m[1]!);
        if (ts.isTemplateExpression(n.template)) {
          for (const span of n.template.templateSpans) for (const v of values(span.expression) ?? []) if (/^[a-z_]+(?:\.[a-z_]+)+$/.test(v)) found.push(v);
        }
        if (!found.length) problems.push(`${where(n)}: raw audit_log insert whose action cannot be read`);
        for (const a of found) written.push({ action: a, entityType: null, where: where(n) });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return { written, problems };
}

describe("audit actions", () => {
  it("every action written anywhere is on the list, with its record type, and the list names nothing that is never written", () => {
    const { written, problems } = scan();
    expect(problems).toEqual([]);
    expect(written.length).toBeGreaterThan(80);
    // The raw set-based insert of issued statements is seen too.
    expect(written.some((w) => w.action === "statement.issued" && w.where.includes("issue.server.ts"))).toBe(true);
    expect(written.filter((w) => !isAuditAction(w.action)).map((w) => `${w.where} ${w.action}`)).toEqual([]);
    expect(
      written
        .filter((w) => w.entityType !== null && isAuditAction(w.action) && AUDIT_ACTION_ENTITY[w.action] !== w.entityType)
        .map((w) => `${w.where} ${w.action} on ${w.entityType}`),
    ).toEqual([]);
    const seen = new Set(written.map((w) => w.action));
    expect(AUDIT_ACTIONS.filter((a) => !seen.has(a))).toEqual([]);
  });

  it("the list has no duplicates, and every record type it names is listed (and used)", () => {
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
    expect(new Set(AUDIT_ENTITY_TYPES).size).toBe(AUDIT_ENTITY_TYPES.length);
    const used = new Set(Object.values(AUDIT_ACTION_ENTITY));
    expect(AUDIT_ENTITY_TYPES.filter((e) => !used.has(e))).toEqual([]);
    // The filter offers every action exactly once, grouped by record type.
    expect(
      auditActionGroups()
        .flatMap((g) => g.actions)
        .sort(),
    ).toEqual([...AUDIT_ACTIONS].sort());
  });

  it("every action and record type has its label in both languages: natural text, not a code, one label per action", () => {
    const missing: string[] = [];
    const codeLike: string[] = [];
    for (const l of LOCALES) {
      for (const key of [...AUDIT_ACTIONS.map((a) => auditActionKey(a)), ...AUDIT_ENTITY_TYPES.map((e) => auditEntityKey(e))]) {
        const v = messages[l][key];
        if (!v?.trim()) missing.push(`${l} ${key}`);
        else if (/[a-z]+_[a-z]+|[a-z]+\.[a-z]+/.test(v) || (l === "zh-CN" && /[A-Za-z]/.test(v))) codeLike.push(`${l} ${key}: ${v}`);
      }
      const labels = AUDIT_ACTIONS.map((a) => messages[l][auditActionKey(a)]);
      const twice = labels.filter((v, i) => labels.indexOf(v) !== i);
      expect(twice, `${l}: two actions share a label`).toEqual([]);
      const entityLabels = AUDIT_ENTITY_TYPES.map((e) => messages[l][auditEntityKey(e)]);
      expect(new Set(entityLabels).size, `${l}: two record types share a label`).toBe(entityLabels.length);
    }
    expect(missing).toEqual([]);
    expect(codeLike).toEqual([]);
    expect(messages.en["auditAction.ledger.fee_posted"]).toBe("Fee posted");
    expect(messages["zh-CN"]["auditAction.ledger.fee_posted"]).toBe("费用已记账");
  });

  it("links a record to its page only where one exists and the reader may open it", () => {
    const all = linkableAuditEntities(() => true);
    expect(auditRecordHref("ledger_entry", "12", all)).toBe("/finance/ledger/entries/12");
    expect(auditRecordHref("deal", "7", all)).toBe("/deals/7");
    expect(auditRecordHref("statement", "3", all)).toBe("/statements/3");
    expect(auditRecordHref("user", "5", all)).toBe("/admin/users/5");
    expect(auditRecordHref("dealer", "5", all)).toBe("/admin/dealers/5");
    expect(auditRecordHref("product", "9", all)).toBe("/admin/products/9");
    expect(auditRecordHref("order", "44", all, "SO-2026-000044")).toBe("/orders/SO-2026-000044");
    // A draft order has no number (and no page for staff); holidays and fee types have no page of their own.
    expect(auditRecordHref("order", "44", all, null)).toBeNull();
    expect(auditRecordHref("holiday", "2026-10-01", all)).toBeNull();
    expect(auditRecordHref("fee_type", "freight", all)).toBeNull();
    // Not an id, not a known kind, not the reader's to open.
    expect(auditRecordHref("deal", "7; drop", all)).toBeNull();
    expect(auditRecordHref("widget", "1", all)).toBeNull();
    // A dealer's sell-out upload opens on its dealer's upload page; a catalog import on the stock import page.
    expect(auditRecordHref("import_job", "4", all, null, { action: "import.sellout", dealerId: 8 })).toBe("/sellout/8/upload?job=4");
    expect(auditRecordHref("import_job", "4", all, null, { action: "import.sellout.rejected", dealerId: null })).toBeNull();
    expect(auditRecordHref("import_job", "4", all, null, { action: "import.stock", dealerId: null })).toBe("/stock/import/4");
    expect(
      auditRecordHref(
        "import_job",
        "4",
        linkableAuditEntities((p) => p !== "sellout:view"),
        null,
        { action: "import.sellout", dealerId: 8 },
      ),
    ).toBeNull();
    expect(
      auditRecordHref(
        "ledger_entry",
        "12",
        linkableAuditEntities((p) => p !== "ledger:post"),
      ),
    ).toBeNull();
  });
});

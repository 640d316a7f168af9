/**
 * ESLint rule `dealer-desk/no-role-literals`: role names appear only in the permission table
 * (app/modules/auth/permissions.ts; issue #21, docs/decisions/113-one-access-module.md).
 *
 * Code that branches on a role (`actor.role === "admin"`, `.where("role", "=", "ops")`, a switch over role
 * names) asks a permission instead (`can`, `requireAccess`, `rolesWith`). The rule fails on any string
 * literal, template literal without expressions, or literal type equal to a role name, outside the table.
 * The role names are read from the table's `ROLES` array, so the rule never keeps its own copy.
 *
 * Options: `{ table?: string, exempt?: [{ files: string[], names: string[], reason: string }] }`.
 * An exemption lets the listed files use the listed names, and must say why (e.g. a CSV column called
 * "account_manager" is part of the export contract, not a role check). Tests, migrations, the seed and the
 * i18n catalogs are left out by the eslint config's `files`/`ignores`.
 */
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";

const DEFAULT_TABLE = "app/modules/auth/permissions.ts";
const cache = new Map();

/** The role names of the table's `export const ROLES = [...] as const`. */
export function rolesOf(tablePath) {
  if (cache.has(tablePath)) return cache.get(tablePath);
  const src = readFileSync(tablePath, "utf8");
  const m = /export const ROLES\s*=\s*\[([^\]]*)\]/.exec(src);
  if (!m) throw new Error(`no-role-literals: no "export const ROLES = [...]" in ${tablePath}`);
  const roles = new Set([...m[1].matchAll(/["']([^"']+)["']/g)].map((x) => x[1]));
  cache.set(tablePath, roles);
  return roles;
}

const norm = (p) => p.split("\\").join("/");

/** @type {import("eslint").Rule.RuleModule} */
const rule = {
  meta: {
    type: "problem",
    docs: { description: "Role names appear only in the permission table; code asks permissions" },
    schema: [
      {
        type: "object",
        properties: {
          table: { type: "string" },
          exempt: {
            type: "array",
            items: {
              type: "object",
              properties: {
                files: { type: "array", items: { type: "string" } },
                names: { type: "array", items: { type: "string" } },
                reason: { type: "string", minLength: 10 },
              },
              required: ["files", "names", "reason"],
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      roleLiteral:
        'Role name "{{name}}" outside the permission table ({{table}}): ask a permission instead (can / requireAccess / rolesWith in app/modules/auth), or add the capability to the table.',
    },
  },
  create(context) {
    const opts = context.options[0] ?? {};
    const cwd = context.cwd ?? process.cwd();
    const table = opts.table ?? DEFAULT_TABLE;
    const file = norm(relative(cwd, context.filename ?? context.getFilename()));
    if (file === norm(table)) return {};
    const roles = rolesOf(resolve(cwd, table));
    const allowed = new Set((opts.exempt ?? []).filter((e) => e.files.some((f) => norm(f) === file)).flatMap((e) => e.names));

    function check(node, value) {
      if (typeof value !== "string" || !roles.has(value) || allowed.has(value)) return;
      context.report({ node, messageId: "roleLiteral", data: { name: value, table } });
    }
    return {
      Literal(node) {
        const p = node.parent;
        // Module specifiers are paths, not values.
        if (
          p &&
          (p.type === "ImportDeclaration" || p.type === "ExportNamedDeclaration" || p.type === "ExportAllDeclaration" || p.type === "ImportExpression") &&
          p.source === node
        )
          return;
        check(node, node.value);
      },
      TemplateLiteral(node) {
        if (node.expressions.length === 0 && node.quasis.length === 1) check(node, node.quasis[0].value.cooked);
      },
    };
  },
};

export default { rules: { "no-role-literals": rule } };

/**
 * The lint rule that keeps role names in the permission table (issue #21, docs/decisions/111): code outside
 * app/modules/auth/permissions.ts asks a permission, never a role name.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RuleTester } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import plugin, { rolesOf } from "../../scripts/eslint-role-literals.js";
import { ROLES } from "~/modules/auth/permissions";

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: "module", parserOptions: { ecmaFeatures: { jsx: true } } },
});
const cwd = process.cwd();
const TABLE = "app/modules/auth/permissions.ts";
const mod = join(cwd, "app/modules/deals/thing.server.ts");
const route = join(cwd, "app/routes/thing.tsx");
const job = join(cwd, "jobs/thing.ts");
const csvExemption = { exempt: [{ files: ["app/modules/deals/thing.server.ts"], names: ["account_manager"], reason: "a CSV column name, not a role check" }] };

describe("no-role-literals reads the roles from the table", () => {
  it("finds every role of ROLES", () => {
    expect([...rolesOf(join(cwd, TABLE))].sort()).toEqual([...ROLES].sort());
  });
});

tester.run("no-role-literals", plugin.rules["no-role-literals"], {
  valid: [
    // The permission table itself: the one place role names live.
    { filename: join(cwd, TABLE), code: readFileSync(join(cwd, TABLE), "utf8") },
    { filename: mod, code: `import { can } from "~/modules/auth/access.server";\nexport const f = (a) => can(a, "deal:approve");` },
    { filename: mod, code: `export const q = (db) => db.selectFrom("users").where("role", "in", rolesWith("key_account:own"));` },
    // Words that merely contain a role name.
    { filename: mod, code: `const a = "administrator"; const b = "finance_desk"; const c = \`\${x}admin\`;` },
    // An exemption with its reason lets that file use that name.
    { filename: mod, code: `export const HEADER = ["id", "account_manager"];`, options: [csvExemption] },
  ],
  invalid: [
    {
      filename: mod,
      code: `export const f = (actor) => actor.role === "admin";`,
      errors: [{ messageId: "roleLiteral", data: { name: "admin", table: TABLE } }],
    },
    { filename: route, code: `export const loader = ({ actor }) => ({ isAdmin: actor.role !== 'account_manager' });`, errors: [{ messageId: "roleLiteral" }] },
    {
      filename: job,
      code: `export const q = (db) => db.selectFrom("users").where("role", "in", ["dealer_admin", "dealer_finance"]);`,
      errors: [{ messageId: "roleLiteral" }, { messageId: "roleLiteral" }],
    },
    { filename: mod, code: "export const r = `ops`;", errors: [{ messageId: "roleLiteral" }] },
    { filename: mod, code: `export type Mover = "dealer" | "account_manager";`, errors: [{ messageId: "roleLiteral" }] },
    { filename: mod, code: `switch (role) { case "finance": break; }`, errors: [{ messageId: "roleLiteral" }] },
    // An exemption covers only its names in its files.
    { filename: mod, code: `export const f = (a) => a.role === "admin";`, options: [csvExemption], errors: [{ messageId: "roleLiteral" }] },
    { filename: route, code: `export const HEADER = ["id", "account_manager"];`, options: [csvExemption], errors: [{ messageId: "roleLiteral" }] },
  ],
});

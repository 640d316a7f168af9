import js from "@eslint/js";
import tseslint from "typescript-eslint";
import serverOnly from "./scripts/eslint-server-only.js";
import roleLiterals from "./scripts/eslint-role-literals.js";

/** The project's own rules, one plugin. */
const dealerDesk = { rules: { ...serverOnly.rules, ...roleLiterals.rules } };

/**
 * Where a role name may appear outside the permission table, and why (dealer-desk/no-role-literals,
 * docs/decisions/111). Each entry names files and the names they may use; none of them is a role check.
 */
const ROLE_NAME_EXEMPTIONS = [
  {
    files: [
      "app/modules/deals/key-accounts.server.ts",
      "app/modules/deals/deals.server.ts",
      "app/modules/quotes/quotes.server.ts",
      "app/routes/admin.dealers._index.tsx",
    ],
    names: ["account_manager"],
    reason: "a CSV export column called account_manager (the export contract, unchanged), not a role check",
  },
  { files: ["app/modules/deals/deals.schema.ts"], names: ["finance"], reason: '"finance" is an industry of key accounts (INDUSTRIES), not the role' },
];

/** Links are plain anchors with one delegated click listener (docs/decisions/075). */
const LINKS = { name: "@remix-run/react", importNames: ["Link", "NavLink"], message: "Use Link / NavLink from ~/components/link (docs/decisions/075)." };

export default tseslint.config(
  { ignores: ["build/**", "public/build/**", "node_modules/**", "tests/artifacts/**", "db/types.ts", ".cache/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: { process: "readonly", console: "readonly", URL: "readonly", Buffer: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "no-undef": "off",
      "no-control-regex": "off",
      "no-restricted-imports": ["error", { paths: [LINKS] }],
    },
  },
  {
    // Type-aware rules (issue #21 item 5): promises that nobody awaits or that are handed to a
    // callback expecting nothing, awaits of non-promises, and switches that miss a case of a union.
    files: ["**/*.{ts,tsx}"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/return-await": ["error", "in-try-catch"],
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // Thin routes: routes never reach the database; domain modules do.
    files: ["app/routes/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [LINKS],
          patterns: [
            {
              group: ["**/db/*", "**/db", "kysely", "kysely/*", "mysql2", "mysql2/*"],
              message: "Routes stay thin: call a domain function in app/modules instead.",
            },
            { group: ["~/modules/*/*.queries.server"], message: "Routes call a domain's *.server.ts, not its queries." },
          ],
        },
      ],
    },
  },
  {
    // Server-only code never reaches a page: the browser bundle gets *.server modules as empty modules.
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/**/*.server.{ts,tsx}", "app/**/*.test.{ts,tsx}"],
    plugins: { "dealer-desk": dealerDesk },
    rules: { "dealer-desk/no-server-values-in-client": "error" },
  },
  {
    // Role names only in the permission table: code asks permissions (docs/decisions/111). Tests, migrations,
    // the seed and the i18n catalogs are outside these files.
    files: ["app/**/*.{ts,tsx}", "jobs/**/*.ts", "emails/**/*.{ts,tsx}", "server.ts"],
    ignores: ["app/**/*.test.{ts,tsx}", "jobs/**/*.test.ts", "emails/**/*.test.{ts,tsx}", "app/i18n/catalogs/**"],
    plugins: { "dealer-desk": dealerDesk },
    rules: { "dealer-desk/no-role-literals": ["error", { table: "app/modules/auth/permissions.ts", exempt: ROLE_NAME_EXEMPTIONS }] },
  },
  {
    // Migrations are frozen in time: they never import app code.
    files: ["db/migrations/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/app/**", "~/*"], message: "Migrations never import app code." }] }],
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
);

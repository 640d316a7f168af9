import js from "@eslint/js";
import tseslint from "typescript-eslint";
import serverOnly from "./scripts/eslint-server-only.js";

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
    // Thin routes: routes never reach the database; domain modules do.
    files: ["app/routes/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [LINKS],
          patterns: [
            { group: ["**/db/*", "**/db", "kysely", "kysely/*", "mysql2", "mysql2/*"], message: "Routes stay thin: call a domain function in app/modules instead." },
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
    plugins: { "dealer-desk": serverOnly },
    rules: { "dealer-desk/no-server-values-in-client": "error" },
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

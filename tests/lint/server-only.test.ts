/**
 * The lint rule that keeps server-only values out of page components (issue #27): Remix gives the browser
 * bundle every `*.server` module as an empty module, so such a value is undefined once the page hydrates.
 */
import { RuleTester } from "eslint";
import tseslint from "typescript-eslint";
import { describe, it } from "vitest";
import plugin from "../../scripts/eslint-server-only.js";

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: "module", parserOptions: { ecmaFeatures: { jsx: true } } },
});
const route = "/work/app/routes/reports.tsx";
const component = "/work/app/components/thing.tsx";

tester.run("no-server-values-in-client", plugin.rules["no-server-values-in-client"], {
  valid: [
    {
      filename: route,
      code: `import { report } from "~/m/r.server";\nexport const loader = async () => report();\nexport default function P() { return null; }`,
    },
    { filename: route, code: `import { save } from "~/m/r.server";\nexport async function action() { return save(); }` },
    // A helper used only by the loader (transitively) stays on the server.
    {
      filename: route,
      code: `import { A } from "~/m/r.server";\nconst h = () => A;\nconst g = () => h();\nexport const loader = () => g();\nexport default function P() { return null; }`,
    },
    { filename: route, code: `import type { Row } from "~/m/r.server";\nexport default function P(p: { r: Row }) { return null; }` },
    {
      filename: route,
      code: `import { type Row, load } from "~/m/r.server";\nexport const loader = () => load();\nexport default function P(p: { r: Row }) { return null; }`,
    },
    { filename: component, code: `import { GROUPS } from "~/m/r.schema";\nexport const X = () => GROUPS;` },
    {
      filename: "/work/app/root.tsx",
      code: `import { getActor } from "~/m/auth.server";\nexport async function loader() { return getActor(); }\nexport default function App() { return null; }`,
    },
  ],
  invalid: [
    // The reports page's crash: GROUPS from a .server module used by the component.
    {
      filename: route,
      code: `import { GROUPS, load } from "~/m/r.server";\nexport const loader = () => load();\nexport default function P() { return GROUPS.map((g) => g); }`,
      errors: [{ messageId: "clientUse" }],
    },
    // A helper shared by the loader and the component is in the browser bundle too.
    {
      filename: route,
      code: `import { N } from "~/m/r.server";\nconst label = () => N;\nexport const loader = () => label();\nexport default function P() { return label(); }`,
      errors: [{ messageId: "clientUse" }],
    },
    // A loader made by a .server helper while the module loads: the browser loads the route module and calls it.
    {
      filename: route,
      code: `import { documentLoader } from "~/u/d.server";\nexport const loader = documentLoader("order:read", (a) => a);\nexport default function P() { return null; }`,
      errors: [{ messageId: "clientUse" }],
    },
    { filename: route, code: `import { N } from "~/m/r.server";\nexport const meta = () => [{ title: N }];`, errors: [{ messageId: "clientUse" }] },
    { filename: route, code: `import { N } from "~/m/r.server";\nexport function ErrorBoundary() { return N; }`, errors: [{ messageId: "clientUse" }] },
    { filename: component, code: `import { LOW } from "~/m/r.server";\nexport const X = () => LOW;`, errors: [{ messageId: "browserModule" }] },
    {
      filename: "/work/app/modules/x/x.schema.ts",
      code: `import { env } from "~/utils/env.server";\nexport const X = env;`,
      errors: [{ messageId: "browserModule" }],
    },
  ],
});

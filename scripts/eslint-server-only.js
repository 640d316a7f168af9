/**
 * ESLint rule `dealer-desk/no-server-values-in-client`: server-only code can never reach a page component.
 *
 * Remix's classic compiler replaces every `*.server` module with an empty module in the browser bundle, so a
 * runtime value imported from one is `undefined` once the page hydrates (the page renders on the server, then
 * crashes or prints "undefined" in the browser). The rule fails on:
 * - a file that ends up in the browser bundle (routes, components, browser-safe modules: anything under app/
 *   whose name has no `.server`) importing a runtime value from a `.server` module, unless
 * - it is a route module and every use of that value sits in code only the server runs: inside the functions of the
 *   `loader`, `action` and `headers` exports and of top-level helpers used only by them (transitively). A call made
 *   while the module loads (`export const loader = makeLoader(...)` with makeLoader from a `.server` module) runs in
 *   the browser too, and is reported.
 * Type-only imports are always fine: they vanish at compile time.
 */

const SERVER_MODULE = /\.server(\.[cm]?[jt]sx?)?$/;
const SERVER_EXPORTS = new Set(["loader", "action", "headers"]);

/** Names a top-level statement declares (`export` included). */
function declaredNames(stmt) {
  const node = stmt.type === "ExportNamedDeclaration" || stmt.type === "ExportDefaultDeclaration" ? stmt.declaration : stmt;
  if (!node) return [];
  if ((node.type === "FunctionDeclaration" || node.type === "ClassDeclaration") && node.id) return [node.id.name];
  if (node.type === "VariableDeclaration") return node.declarations.filter((d) => d.id.type === "Identifier").map((d) => d.id.name);
  return [];
}

function topLevelStatement(node) {
  let n = node;
  while (n.parent && n.parent.type !== "Program") n = n.parent;
  return n.parent ? n : null;
}

const FUNCTION = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);

/**
 * Whether a reference runs only when a function around it is called, not when the module loads. The browser loads
 * every route module, `loader` export included: `export const loader = makeLoader(...)` calls makeLoader there.
 */
function deferred(node) {
  for (let n = node.parent; n && n.type !== "Program"; n = n.parent) if (FUNCTION.has(n.type)) return true;
  return false;
}

/** @type {import("eslint").Rule.RuleModule} */
const rule = {
  meta: {
    type: "problem",
    docs: { description: "Page components and browser modules never use runtime values of .server modules" },
    schema: [],
    messages: {
      clientUse:
        "'{{name}}' comes from the server-only module '{{source}}': it is undefined in the browser. Use it only in loader/action, or move it to a browser-safe module (e.g. *.schema.ts).",
      browserModule: "'{{name}}' comes from the server-only module '{{source}}', but this module is part of the browser bundle.",
    },
  },
  create(context) {
    const filename = context.filename.replace(/\\/g, "/");
    const isRoute = /\/app\/(routes\/|root\.tsx$)/.test(filename);
    const imports = [];
    return {
      ImportDeclaration(node) {
        if (node.importKind === "type" || !SERVER_MODULE.test(node.source.value)) return;
        for (const spec of node.specifiers) {
          if (spec.importKind === "type") continue;
          imports.push({ spec, source: node.source.value });
        }
      },
      "Program:exit"(program) {
        if (!imports.length) return;
        const sourceCode = context.sourceCode;
        if (!isRoute) {
          for (const { spec, source } of imports) context.report({ node: spec, messageId: "browserModule", data: { name: spec.local.name, source } });
          return;
        }
        // Which top-level declarations only the server runs: the server exports, then helpers used only by them.
        const declOf = new Map();
        for (const stmt of program.body) for (const name of declaredNames(stmt)) declOf.set(name, stmt);
        const exported = (stmt) => stmt.type === "ExportNamedDeclaration" || stmt.type === "ExportDefaultDeclaration";
        const serverOnly = new Set();
        for (const [name, stmt] of declOf) if (SERVER_EXPORTS.has(name) && exported(stmt)) serverOnly.add(stmt);
        const scope = sourceCode.scopeManager.globalScope.childScopes.find((s) => s.type === "module") ?? sourceCode.scopeManager.globalScope;
        let changed = true;
        while (changed) {
          changed = false;
          for (const [name, stmt] of declOf) {
            if (serverOnly.has(stmt) || exported(stmt)) continue;
            const variable = scope.set.get(name);
            if (!variable) continue;
            const uses = variable.references.filter((r) => !r.init && r.identifier !== variable.identifiers[0]);
            if (uses.length && uses.every((r) => serverOnly.has(topLevelStatement(r.identifier)))) {
              serverOnly.add(stmt);
              changed = true;
            }
          }
        }
        for (const { spec, source } of imports) {
          const [variable] = sourceCode.getDeclaredVariables(spec);
          if (!variable) continue;
          for (const ref of variable.references) {
            const stmt = topLevelStatement(ref.identifier);
            if (!stmt || !serverOnly.has(stmt) || !deferred(ref.identifier)) {
              context.report({ node: ref.identifier, messageId: "clientUse", data: { name: spec.local.name, source } });
            }
          }
        }
      },
    };
  },
};

export default { rules: { "no-server-values-in-client": rule } };

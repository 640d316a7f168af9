/**
 * No import cycles between domain folders (issue #21 item 3, docs/decisions/111): the modules of
 * app/modules/<domain>, jobs/ and emails/ are read with TypeScript's parser, their imports resolved
 * (`~/` is app/), and every cycle between two or more of those folders fails the test, listed with
 * the imports that make it. Type-only imports are left out: they are erased, and the actor and
 * permission types are shared by every domain (audit records the actor that auth resolves).
 */
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The value imports of one module's source (import/export … from, import(), require-free). */
function valueImports(source: string, fileName = "x.ts"): string[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, fileName.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const typeOnly =
        c &&
        (c.isTypeOnly ||
          (!c.name &&
            c.namedBindings &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.length > 0 &&
            c.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly =
        node.isTypeOnly ||
        (node.exportClause &&
          ts.isNamedExports(node.exportClause) &&
          node.exportClause.elements.length > 0 &&
          node.exportClause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The folder a file belongs to for this check: its domain (app/modules/<d>), jobs, emails, or null (shared code). */
function folderOf(rel: string): string | null {
  const m = /^app\/modules\/([^/]+)\//.exec(rel);
  if (m) return m[1]!;
  if (rel.startsWith("jobs/")) return "jobs";
  if (rel.startsWith("emails/")) return "emails";
  return null;
}

type Edge = { from: string; to: string; via: string };

/** Cycles between folders: one per strongly connected group of two or more, as a path through it with the imports on the way. */
function folderCycles(edges: Edge[]): string[] {
  const next = new Map<string, Map<string, string>>();
  for (const e of edges) {
    if (e.from === e.to) continue;
    const m = next.get(e.from) ?? new Map<string, string>();
    if (!m.has(e.to)) m.set(e.to, e.via);
    next.set(e.from, m);
  }
  // Tarjan's strongly connected components.
  const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let i = 0;
  const strong = (v: string) => {
    index.set(v, i);
    low.set(v, i++);
    stack.push(v);
    onStack.add(v);
    for (const w of [...(next.get(v)?.keys() ?? [])].sort()) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const g: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        g.push(w);
      } while (w !== v);
      if (g.length > 1) groups.push(g.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) strong(v);
  // For each group, the shortest way from its first folder back to itself, inside the group.
  return groups.map((g) => {
    const inGroup = new Set(g);
    const start = g[0]!;
    const prev = new Map<string, string>();
    const queue = [start];
    let found: string | null = null;
    while (queue.length && !found) {
      const v = queue.shift()!;
      for (const w of [...(next.get(v)?.keys() ?? [])].sort()) {
        if (!inGroup.has(w)) continue;
        if (w === start) {
          found = v;
          break;
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    const path = [start];
    for (let v = found!; v !== start; v = prev.get(v)!) path.splice(1, 0, v);
    path.push(start);
    const steps = path.slice(1).map((to, k) => `  ${path[k]} → ${to} (${next.get(path[k]!)!.get(to)})`);
    return `${path.join(" → ")} [folders: ${g.join(", ")}]\n${steps.join("\n")}`;
  });
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

function resolve(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("~/")) base = path.join(root, "app", spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(from), spec);
  else return null;
  for (const c of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), base.replace(/\.js$/, ".ts")])
    if (existsSync(c) && statSync(c).isFile()) return c;
  return null;
}

/** The folder-to-folder value imports of the repository. */
function repositoryEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of ["app/modules", "jobs", "emails"].flatMap((d) => sourceFiles(path.join(root, d)))) {
    const rel = path.relative(root, file);
    const from = folderOf(rel);
    if (!from) continue;
    for (const spec of valueImports(readFileSync(file, "utf8"), file)) {
      const target = resolve(file, spec);
      if (!target) continue;
      const to = folderOf(path.relative(root, target));
      if (to && to !== from) edges.push({ from, to, via: `${rel} imports ${spec}` });
    }
  }
  return edges;
}

describe("import cycles between domain folders", () => {
  it("the check finds a cycle, through several folders, and names the imports that make it", () => {
    const edges: Edge[] = [
      { from: "orders", to: "stock", via: "orders.server.ts imports ~/modules/stock/allocation.server" },
      { from: "stock", to: "catalog", via: "stock.server.ts imports ~/modules/catalog/calendar.server" },
      { from: "catalog", to: "orders", via: "import.server.ts imports ~/modules/orders/orders.server" },
      { from: "orders", to: "audit", via: "x" },
      { from: "ledger", to: "audit", via: "y" },
    ];
    const cycles = folderCycles(edges);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatch(/^catalog → orders → stock → catalog \[folders: catalog, orders, stock\]/);
    expect(cycles[0]).toContain("import.server.ts imports ~/modules/orders/orders.server");
    expect(folderCycles(edges.filter((e) => e.from !== "catalog"))).toEqual([]);
  });

  it("reads value imports, re-exports and import(), and leaves out type-only imports", () => {
    const src = [
      `import { a } from "~/modules/one/a.server";`,
      `import type { T } from "~/modules/two/t";`,
      `import { type U, type V } from "~/modules/three/u";`,
      `import { type W, w } from "~/modules/four/w";`,
      `import "~/modules/five/side-effect";`,
      `export { x } from "../six/x";`,
      `export type { Y } from "../seven/y";`,
      `const m = await import("~/modules/eight/m.server");`,
    ].join("\n");
    expect(valueImports(src)).toEqual(["~/modules/one/a.server", "~/modules/four/w", "~/modules/five/side-effect", "../six/x", "~/modules/eight/m.server"]);
    expect(folderOf("app/modules/orders/orders.server.ts")).toBe("orders");
    expect(folderOf("jobs/stale-orders.ts")).toBe("jobs");
    expect(folderOf("app/utils/time.ts")).toBeNull();
  });

  it("app/modules, jobs and emails have none", () => {
    const edges = repositoryEdges();
    expect(edges.length).toBeGreaterThan(20);
    expect(folderCycles(edges), "import cycles between domain folders").toEqual([]);
  });
});

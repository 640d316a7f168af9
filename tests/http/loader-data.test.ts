/**
 * Loader data without the JSON round trip (decision 080): in a fresh server-like
 * process, a value a loader returns with `json()` reaches the page render as the
 * value itself when the round trip would give an equal value, and as the round
 * trip's result otherwise; data requests get the same JSON text as before; outside
 * production the value is frozen so changing it in place fails loudly.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

type Found = { passThrough: boolean; documentEqual: boolean; bodyEqual: boolean; frozen: boolean };
type Probe = { status: { patched: boolean }; results: Record<string, Found>; mutationThrows: boolean };

function probe(nodeEnv: "production" | "test"): Probe {
  const r = spawnSync(path.resolve("node_modules/.bin/tsx"), ["tests/http/loader-data-probe.ts"], { encoding: "utf8", env: { ...process.env, NODE_ENV: nodeEnv, JOBS: "off" }, timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Probe;
}

const PASSED_THROUGH = ["plain", "sharedReference", "topLevelArray"];
const ROUND_TRIPPED = ["nullPrototype", "date", "undefinedValue", "negativeZero", "notANumber", "hole", "map", "classInstance", "toJSON", "deepDate"];

describe("loader data pass-through", () => {
  it("hands JSON-plain values to the render as they are and everything else through JSON, with the same data responses (production)", () => {
    const out = probe("production");
    expect(out.status.patched).toBe(true);
    for (const [name, r] of Object.entries(out.results)) {
      // Whatever the path, the render sees what the JSON round trip gives and data requests get the same text.
      expect({ name, documentEqual: r.documentEqual, bodyEqual: r.bodyEqual }).toEqual({ name, documentEqual: true, bodyEqual: true });
      expect({ name, frozen: r.frozen }).toEqual({ name, frozen: false });
    }
    for (const name of PASSED_THROUGH) expect({ name, passThrough: out.results[name]!.passThrough }).toEqual({ name, passThrough: true });
    for (const name of ROUND_TRIPPED) expect({ name, passThrough: out.results[name]!.passThrough }).toEqual({ name, passThrough: false });
  });

  it("freezes passed-through values outside production, so an in-place change throws", () => {
    const out = probe("test");
    for (const name of PASSED_THROUGH) expect({ name, frozen: out.results[name]!.frozen }).toEqual({ name, frozen: true });
    for (const name of ROUND_TRIPPED) expect({ name, frozen: out.results[name]!.frozen }).toEqual({ name, frozen: false });
    expect(out.mutationThrows).toBe(true);
  });
});

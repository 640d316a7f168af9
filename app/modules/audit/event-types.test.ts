/**
 * Every event type that can be written is readable wherever it is shown, in both languages:
 * the key-account history (`kaEvent.*`) and the digests (`digest.event.*`). The list is the type
 * that `emitEvent`, the state machines and the seed must use, so a new event cannot skip this test.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOCALES, messages } from "~/i18n";
import { DEAL_TRANSITIONS } from "~/modules/deals/state";
import { QUOTE_TRANSITIONS } from "~/modules/quotes/state";
import { DIGEST_AUDIENCE } from "~/modules/auth/permissions";
import { classify } from "~/modules/notifications/digest.sections";
import { DOMAIN_EVENT_TYPES, keyAccountEventKey, keyAccountHistoryTypes } from "./event-types";

const AUDIENCES = [...new Set(Object.values(DIGEST_AUDIENCE))];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : [];
  });
}

describe("domain event types", () => {
  it("the key-account history has a message for every deal and quote event, in both languages", () => {
    const types = keyAccountHistoryTypes();
    expect(types).toEqual(expect.arrayContaining(["deal.quoted", "deal.negotiating", "deal.task_added", "quote.superseded", "quote.approval_refused"]));
    const missing = LOCALES.flatMap((l) => types.filter((t) => !messages[l][keyAccountEventKey(t)]).map((t) => `${l} ${keyAccountEventKey(t)}`));
    expect(missing).toEqual([]);
  });

  it("every event a digest shows has its own line in both languages (no status-code fallback)", () => {
    const missing: string[] = [];
    for (const type of DOMAIN_EVENT_TYPES)
      for (const audience of AUDIENCES)
        if (classify(type, audience))
          for (const l of LOCALES) if (!messages[l][`digest.event.${type}`]) missing.push(`${l} digest.event.${type} (${audience})`);
    expect(missing).toEqual([]);
    // A resolved dispute is told by its decision.
    for (const l of LOCALES) for (const d of ["accepted", "rejected"]) expect(messages[l][`digest.event.dispute.${d}`]).toBeTruthy();
  });

  it("the state machines only name listed events, and every literal event type in the code is listed", () => {
    const listed = new Set<string>(DOMAIN_EVENT_TYPES);
    for (const t of [...DEAL_TRANSITIONS, ...QUOTE_TRANSITIONS]) expect(listed.has(t.event), t.event).toBe(true);
    // Belt and braces for code the type checker cannot see (raw inserts): a `type: "x.y"` beside an event insert.
    const written = new Set<string>();
    for (const file of [...sources("app"), ...sources("jobs"), ...sources("db/seed")]) {
      const text = readFileSync(file, "utf8");
      if (!/emitEvent\(|insertInto\("domain_events"\)/.test(text)) continue;
      for (const m of text.matchAll(/(?:emitEvent\([^{]*\{\s*|insertInto\("domain_events"\)\s*\.values\(\{\s*)type:\s*"([a-z_]+\.[a-z_]+)"/g))
        written.add(m[1]!);
    }
    expect(written.size).toBeGreaterThan(10);
    expect([...written].filter((t) => !listed.has(t))).toEqual([]);
  });
});

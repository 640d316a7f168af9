/**
 * Decision records say whether they still hold (issue #21, item 5): every record in docs/decisions/
 * has a status line under its title, a superseded record names records that exist and that say they
 * supersede it, and numbers are unique.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const dir = path.resolve(__dirname, "../../docs/decisions");
const STATUS = /^Status: (accepted|proposed|deprecated|superseded by ((?:\d{3})(?:(?:, | and )\d{3})*))\b/i;

export type Record = { file: string; number: string; status: string | null; supersededBy: string[]; supersedes: string[] };

export function readRecord(file: string, text: string): Record {
  const head = text.split("\n").slice(0, 8);
  const statusLine = head.find((l) => /^Status:/i.test(l)) ?? null;
  const m = statusLine ? STATUS.exec(statusLine) : null;
  const supersededBy = m?.[2] ? m[2].split(/, | and /) : [];
  const supersedes = [...(statusLine ?? "").matchAll(/Supersedes ((?:\d{3})(?:(?:, | and )\d{3})*)/gi)].flatMap((x) => x[1]!.split(/, | and /));
  return { file, number: file.slice(0, 3), status: m ? m[1]!.toLowerCase().split(" ")[0]! : null, supersededBy, supersedes };
}

/** The problems of a set of records, as lines a reader can act on. */
export function problems(records: Record[]): string[] {
  const out: string[] = [];
  const byNumber = new Map<string, Record[]>();
  for (const r of records) byNumber.set(r.number, [...(byNumber.get(r.number) ?? []), r]);
  for (const [n, rs] of byNumber) if (rs.length > 1) out.push(`${n}: used by ${rs.map((r) => r.file).join(" and ")}`);
  for (const r of records) {
    if (!r.status) out.push(`${r.file}: no "Status: accepted | proposed | deprecated | superseded by NNN" line under the title`);
    for (const n of r.supersededBy) {
      const by = byNumber.get(n)?.[0];
      if (!by) out.push(`${r.file}: superseded by ${n}, which does not exist`);
      else if (!by.supersedes.includes(r.number)) out.push(`${r.file}: superseded by ${n}, whose status line does not say "Supersedes ${r.number}"`);
    }
    for (const n of r.supersedes) {
      const old = byNumber.get(n)?.[0];
      if (!old) out.push(`${r.file}: supersedes ${n}, which does not exist`);
      else if (!old.supersededBy.includes(r.number)) out.push(`${r.file}: supersedes ${n}, whose status is not "superseded by ${r.number}"`);
    }
  }
  return out;
}

describe("decision records", () => {
  it("each has a status, and supersession is stated on both sides", () => {
    const files = readdirSync(dir).filter((f) => /^\d{3}-.+\.md$/.test(f));
    expect(files.length).toBeGreaterThan(40);
    const records = files.map((f) => readRecord(f, readFileSync(path.join(dir, f), "utf8")));
    expect(problems(records)).toEqual([]);
  });

  it("finds a missing status, a dangling supersession and a one-sided one", () => {
    const rs = [
      readRecord("001-a.md", "# 001 — A\n\nNo status here.\n"),
      readRecord("002-b.md", "# 002 — B\n\nStatus: superseded by 009 (gone)\n"),
      readRecord("003-c.md", "# 003 — C\n\nStatus: superseded by 004\n"),
      readRecord("004-d.md", "# 004 — D\n\nStatus: accepted\n"),
      readRecord("005-e.md", "# 005 — E\n\nStatus: accepted. Supersedes 004\n"),
    ];
    expect(problems(rs)).toEqual([
      '001-a.md: no "Status: accepted | proposed | deprecated | superseded by NNN" line under the title',
      "002-b.md: superseded by 009, which does not exist",
      '003-c.md: superseded by 004, whose status line does not say "Supersedes 003"',
      '005-e.md: supersedes 004, whose status is not "superseded by 005"',
    ]);
    expect(
      problems([
        readRecord("071-x.md", "# 071\n\nStatus: Superseded by 110 (why)\n"),
        readRecord("110-y.md", "# 110\n\nStatus: accepted (issue). Supersedes 071 and 080.\n"),
        readRecord("080-z.md", "# 080\n\nStatus: superseded by 110\n"),
      ]),
    ).toEqual([]);
  });
});

/**
 * CSV exports stream: the response pulls one batch at a time from the domain's
 * generator as the client reads, so an export never holds more than a batch or
 * two in memory however many rows it has (the 100,000-row figure is in the
 * benchmark: tests/bench, csv-export).
 */
import { describe, expect, it } from "vitest";
import { csvResponse } from "./http.server";

describe("csvResponse", () => {
  it("produces batches only as the client reads them, and stops the source when the client goes away", async () => {
    let produced = 0;
    let finished = false;
    async function* endless() {
      try {
        for (;;) {
          produced++;
          yield Array.from({ length: 100 }, (_, i) => [produced, i, "x".repeat(50)]);
        }
      } finally {
        finished = true;
      }
    }
    const res = await csvResponse("big.csv", ["batch", "row", "text"], endless());
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const reader = res.body!.getReader();
    const first = new TextDecoder("utf-8", { ignoreBOM: true }).decode((await reader.read()).value);
    expect(first.startsWith("\uFEFFbatch,row,text")).toBe(true);
    for (let i = 0; i < 5; i++) await reader.read();
    // Five batches read; the stream is at most its high-water mark ahead of the reader.
    expect(produced).toBeGreaterThanOrEqual(5);
    expect(produced).toBeLessThanOrEqual(7);
    await new Promise((r) => setTimeout(r, 20));
    expect(produced).toBeLessThanOrEqual(7);
    await reader.cancel();
    expect(finished).toBe(true);
  });

  it("quotes fields and ends after the last batch", async () => {
    async function* two() {
      yield [["a,b", 'say "hi"', null]];
      yield [[1, 2, 3]];
    }
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await (await csvResponse("t.csv", ["x", "y", "z"], two())).arrayBuffer());
    expect(text).toBe('\uFEFFx,y,z\r\n"a,b","say ""hi""",\r\n1,2,3\r\n');
  });

  it("a source that refuses (scope, permission) throws before any response exists", async () => {
    async function* notYours(): AsyncGenerator<unknown[][]> {
      throw new Error("error.404");
      yield [];
    }
    await expect(csvResponse("t.csv", ["x"], notYours())).rejects.toThrow("error.404");
  });
});

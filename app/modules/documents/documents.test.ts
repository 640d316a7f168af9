import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formattersFor } from "~/i18n/react";
import { issueStatements } from "~/modules/statements/issue.server";
import { getStatementPage } from "~/modules/statements/statements.server";
import { StatementPageQuery } from "~/modules/statements/statements.schema.server";
import { createDealer, createManufacturer } from "../../../tests/factories";
import { clockForEachTest } from "../../../tests/helpers/clock";
import { linesOf, post, statementOf, sys } from "../../../tests/helpers/ledger";
import { pdfText } from "../../../tests/helpers/pdf";
import { ARTIFACTS } from "../../../tests/helpers/browser";
import { statementDocument, statementPdf, statementTable } from "./documents.server";
import { pdfResponse } from "./pdf.server";

// Periods up to 2026-11 have ended: the clock is noon on 6 December 2026 in Shanghai.
clockForEachTest("2026-12-06T04:00:00Z");
const TZ = "Asia/Shanghai";

/** The files are kept under the test artifacts, to be looked at (pdftoppm turns a page into a picture). */
function keep(name: string, bytes: Buffer) {
  mkdirSync(path.join(ARTIFACTS, "documents"), { recursive: true });
  writeFileSync(path.join(ARTIFACTS, "documents", name), bytes);
}

/** A dealer with an October statement (the opening balance of November's) and 130 lines in November. */
async function longStatement() {
  await createManufacturer();
  const d = await createDealer({ name: "华东经销商 East Dealer" });
  await post(d.id, "invoice", 500_00, "2026-10-05");
  await issueStatements(sys(), { period: "2026-10", dealerIds: [d.id] });
  const amounts: number[] = [];
  for (let i = 0; i < 130; i++) {
    const amount = i % 3 === 2 ? -(1_234_56 + i) : 98_765 + i * 101;
    amounts.push(amount);
    await post(d.id, amount < 0 ? "payment" : "invoice", amount, `2026-11-${String(1 + (i % 28)).padStart(2, "0")}`);
  }
  await issueStatements(sys(), { period: "2026-11", dealerIds: [d.id] });
  const statement = (await statementOf(d.id, "2026-11"))!;
  return { dealer: d, statement, amounts };
}

describe("the statement PDF", () => {
  it("prints the page's figures: every running balance, the totals and the closing balance, in order, rows never cut", { timeout: 120_000 }, async () => {
    const { dealer, statement, amounts } = await longStatement();
    const f = formattersFor("en", TZ);
    const money = (m: number) => f.money(m, "CNY");
    // The figures worked out here from the stored lines (in their line order), independently of the code under test.
    const stored = await linesOf(statement.id);
    expect(stored.map((l) => l.amount_minor).sort((a, b) => a - b)).toEqual([...amounts].sort((a, b) => a - b));
    let running = 500_00;
    const expected = stored.map((l) => money((running += l.amount_minor)));
    const closing = money(running);
    expect(statement.opening_minor).toBe(500_00);
    expect(statement.closing_minor).toBe(running);

    // The statement page (100 lines a page) shows exactly these balances…
    const shown: string[] = [];
    for (const page of [1, 2]) {
      const data = await getStatementPage(sys(), statement.id, StatementPageQuery.parse({ page: String(page) }));
      shown.push(...data.lines.map((l) => money(l.balance_minor)));
    }
    expect(shown).toEqual(expected);
    // …and so does the PDF's table, built from the same domain function.
    const table = statementTable(await statementDocument(sys(), statement.id), "en", TZ);
    const bodyRows = table.rows.slice(1, -2);
    expect(bodyRows.map((r) => r.cells[7])).toEqual(expected);
    expect(table.rows[0]!.cells).toEqual(["", f.date("2026-11-01"), "", "Opening balance", "", "", "", money(500_00)]);
    expect(table.rows.at(-1)!.cells).toEqual(["", f.date("2026-11-30"), "", "Closing balance", "", "", "", closing]);
    const debits = amounts.filter((a) => a > 0).reduce((s, a) => s + a, 0);
    const credits = -amounts.filter((a) => a < 0).reduce((s, a) => s + a, 0);
    expect(table.rows.at(-2)!.cells.slice(4, 7)).toEqual(["Total", money(debits), money(credits)]);

    // The file itself, read back by PDF.js.
    const { bytes, filename } = await statementPdf(sys(), statement.id, "en");
    expect(filename).toBe(`statement-${dealer.code}-2026-11.pdf`);
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    keep("statement-en.pdf", bytes);
    const pdf = await pdfText(bytes);
    expect(pdf.pages.length).toBeGreaterThanOrEqual(3);
    const all = pdf.pages.flat();
    expect(all).toContain(`No. ${dealer.code}-2026-11`);
    expect(all).toContain("Closing balance");
    expect(all).toContain(closing);
    expect(pdf.info.Title).toBe(`Account statement · 2026-11 · ${dealer.code}`);
    // The table's header is on every page, and every page names the document.
    for (const [i, items] of pdf.pages.entries()) {
      expect(items, `page ${i + 1}`).toEqual(expect.arrayContaining(["Balance", "Debit", "Credit"]));
      expect(items.join(" "), `page ${i + 1}`).toContain(`${dealer.code}-2026-11`);
      expect(items, `page ${i + 1}`).toContain(`Page ${i + 1} of ${pdf.pages.length}`);
    }
    // Each line's number and its balance on the same page, lines in order: no row is cut or lost.
    let page = 0;
    let cursor = 0;
    for (const [k, balance] of expected.entries()) {
      const lineNo = String(k + 1);
      let at = pdf.pages[page]!.indexOf(lineNo, cursor);
      if (at < 0) {
        page++;
        cursor = 0;
        at = pdf.pages[page]?.indexOf(lineNo) ?? -1;
      }
      expect(at, `line ${lineNo} on page ${page + 1} or the next`).toBeGreaterThanOrEqual(0);
      const row = pdf.pages[page]!.slice(at, at + 10);
      expect(row, `line ${lineNo}'s balance beside it`).toContain(balance);
      cursor = at + 1;
    }
    // Noto Sans SC is embedded, as a subset: the file stays small.
    const raw = bytes.toString("latin1");
    expect(raw).toMatch(/\/FontName \/[A-Z]{6}\+NotoSansSC-Regular/);
    expect(raw).toContain("/FontFile2");
    expect(bytes.length).toBeLessThan(250_000);
  });

  it("is in Chinese for a Chinese reader, Chinese glyphs embedded", async () => {
    const { dealer, statement } = await longStatement();
    const { bytes } = await statementPdf(sys(), statement.id, "zh-CN");
    keep("statement-zh.pdf", bytes);
    const pdf = await pdfText(bytes);
    const all = pdf.pages.flat();
    expect(all).toContain("往来对账单 · 2026-11");
    expect(all).toEqual(expect.arrayContaining(["期初余额", "期末余额", "余额", "借方", "贷方"]));
    expect(all).toContain(`编号 ${dealer.code}-2026-11`);
    expect(all).toContain("华东经销商 East Dealer");
    expect(all).toContain(formattersFor("zh-CN", TZ).money(statement.closing_minor, "CNY"));
    expect(pdf.pages[1]).toContain(`第 2 页，共 ${pdf.pages.length} 页`);
  });
});

describe("pdfResponse", () => {
  it("is a private attachment: PDF type, the file name (RFC 5987 when it is not ASCII), no caching", async () => {
    const plain = pdfResponse(Buffer.from("%PDF-1.3"), "statement-D001-2026-11.pdf");
    expect(plain.headers.get("content-type")).toBe("application/pdf");
    expect(plain.headers.get("content-disposition")).toBe('attachment; filename="statement-D001-2026-11.pdf"');
    expect(plain.headers.get("cache-control")).toBe("private, no-store");
    expect(await plain.text()).toBe("%PDF-1.3");
    const wide = pdfResponse(Buffer.from("%PDF-1.3"), "statement-华东(1)-2026-11.pdf");
    expect(wide.headers.get("content-disposition")).toBe(
      "attachment; filename=\"statement-_1_-2026-11.pdf\"; filename*=UTF-8''statement-%E5%8D%8E%E4%B8%9C%281%29-2026-11.pdf",
    );
  });
});

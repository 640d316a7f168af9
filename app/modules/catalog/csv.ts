/**
 * Reading CSV files as spreadsheet programs write them ("CSV UTF-8", with or
 * without a BOM; RFC 4180 quoting; CRLF or LF). Invalid UTF-8 (for example a
 * GBK-encoded file from an old spreadsheet) is refused, never guessed at.
 */

export type CsvRecord = { line: number; cells: string[] };

export type DecodeResult = { ok: true; text: string } | { ok: false; reason: "empty" | "encoding" };

/** Bytes → text: UTF-8 only (BOM stripped). */
export function decodeUtf8(bytes: Uint8Array): DecodeResult {
  let b = bytes;
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
  if (b.length === 0) return { ok: false, reason: "empty" };
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(b);
    if (text.trim() === "") return { ok: false, reason: "empty" };
    return { ok: true, text };
  } catch {
    return { ok: false, reason: "encoding" };
  }
}

/**
 * Bytes → text for files saved by spreadsheets in China: UTF-8 (BOM stripped) when the bytes are valid
 * UTF-8, else GB18030 (a superset of GBK and GB2312, what Excel's "CSV" writes on a Chinese Windows).
 * Used where such files are expected (bank statements, sell-out reports); the catalog import keeps UTF-8 only.
 */
export function decodeUtf8OrGb18030(bytes: Uint8Array): DecodeResult {
  const utf8 = decodeUtf8(bytes);
  if (utf8.ok || utf8.reason === "empty") return utf8;
  const text = new TextDecoder("gb18030").decode(bytes);
  if (text.trim() === "") return { ok: false, reason: "empty" };
  return { ok: true, text };
}

/**
 * Parses CSV text into records with the 1-based line number each starts on.
 * Blank lines are skipped. A quote left open at the end is reported.
 */
export function parseCsv(text: string): { records: CsvRecord[]; unterminatedAt: number | null } {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let inQuotes = false;
  let line = 1;
  let startLine = 1;
  let quotedStart = 0;
  let sawAny = false;
  const endRecord = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === "" && !sawAny)) records.push({ line: startLine, cells });
    cells = [];
    cell = "";
    sawAny = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (c === "\n") line++;
        cell += c;
      }
      continue;
    }
    if (c === '"' && cell === "") {
      inQuotes = true;
      sawAny = true;
      quotedStart = line;
    } else if (c === ",") {
      cells.push(cell);
      cell = "";
      sawAny = true;
    } else if (c === "\r" || c === "\n") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      startLine = line;
    } else {
      cell += c;
      sawAny = true;
    }
  }
  if (inQuotes) return { records, unterminatedAt: quotedStart };
  if (cell !== "" || cells.length || sawAny) endRecord();
  return { records, unterminatedAt: null };
}

/** Undo the formula-injection guard our exports add (a leading ' before = + - @). */
export function unguardCell(s: string): string {
  return /^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s;
}

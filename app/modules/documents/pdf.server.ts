/**
 * Server-made PDFs (docs/decisions/116-printed-documents-and-pdfs.md): pdfkit lays out an A4 document in the
 * reader's language with Noto Sans SC (the npm package @expo-google-fonts/noto-sans-sc, TrueType outlines)
 * embedded as a subset of the glyphs the document uses, so a statement of a few pages weighs tens of kilobytes.
 *
 * What every document shares lives here: the head (title, number, dates), the two parties, facts, a table whose
 * header repeats on every page and whose rows are never cut, signature boxes and the page footer.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import PDFDocument from "pdfkit";
import { translate, translateKnown, type Locale, type MessageKey, type Params } from "~/i18n";
import type { DocumentParties } from "~/modules/organisations/organisations.server";

const FONT_PACKAGE = "@expo-google-fonts/noto-sans-sc";
const FONT_FILES = { regular: "400Regular/NotoSansSC_400Regular.ttf", bold: "700Bold/NotoSansSC_700Bold.ttf" } as const;

let fonts: { regular: Buffer; bold: Buffer } | null = null;

/** The two faces, read once per process from the font package (about 10 MB each; pdfkit embeds only the glyphs used). */
function fontBytes() {
  if (!fonts) {
    const dir = path.dirname(createRequire(import.meta.url).resolve(`${FONT_PACKAGE}/package.json`));
    fonts = { regular: readFileSync(path.join(dir, FONT_FILES.regular)), bold: readFileSync(path.join(dir, FONT_FILES.bold)) };
  }
  return fonts;
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = { top: 42, bottom: 56, left: 42, right: 42 };
const INK = "#000000";
const MUTED = "#444444";
const RULE = "#999999";

export type PdfColumn = { header: string; /** share of the table's width */ weight: number; align?: "left" | "right" };
export type PdfRow = { cells: string[]; bold?: boolean; /** a heavier rule above the row (totals) */ ruleAbove?: boolean };

export type PdfHead = {
  title: string;
  /** The document number as printed, e.g. SO-2026-000123. */
  number: string;
  /** Lines under the title on the right: dates, status. */
  meta: string[];
};

type Doc = PDFKit.PDFDocument;

/** One document being written: the methods put blocks one under another and start a new page when one is full. */
export class PdfWriter {
  readonly doc: Doc;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;
  private head: PdfHead | null = null;

  constructor(
    readonly lang: Locale,
    info: { title: string; author: string; subject: string },
  ) {
    this.doc = new PDFDocument({
      size: "A4",
      margins: MARGIN,
      bufferPages: true,
      lang,
      displayTitle: true,
      info: { Title: info.title, Author: info.author, Subject: info.subject, Creator: translate(lang, "app.name") },
    });
    const { regular, bold } = fontBytes();
    this.doc.registerFont("regular", regular);
    this.doc.registerFont("bold", bold);
    this.doc.font("regular").fontSize(9).fillColor(INK);
    this.doc.on("data", (c: Buffer) => this.chunks.push(c));
    this.done = new Promise((resolve, reject) => {
      this.doc.on("end", () => resolve(Buffer.concat(this.chunks)));
      this.doc.on("error", reject);
    });
  }

  t(key: MessageKey, params?: Params) {
    return translate(this.lang, key, params);
  }

  private get left() {
    return MARGIN.left;
  }
  private get width() {
    return A4.width - MARGIN.left - MARGIN.right;
  }
  private get bottom() {
    return A4.height - MARGIN.bottom;
  }

  /** Starts a new page when `height` points do not fit below the current position. */
  private ensure(height: number): boolean {
    if (this.doc.y + height <= this.bottom) return false;
    this.doc.addPage();
    this.continuation();
    return true;
  }

  /** The title block: the document's name and number on the left, its dates on the right, a rule under both. */
  header(head: PdfHead) {
    this.head = head;
    const { doc } = this;
    const top = doc.y;
    const leftWidth = this.width * 0.58;
    doc.font("bold").fontSize(16).text(head.title, this.left, top, { width: leftWidth });
    doc
      .font("regular")
      .fontSize(10)
      .text(`${this.t("documents.number")} ${head.number}`, this.left, doc.y + 2, { width: leftWidth });
    const leftEnd = doc.y;
    doc.fontSize(9).fillColor(MUTED);
    let y = top + 2;
    for (const line of head.meta) {
      doc.text(line, this.left + leftWidth, y, { width: this.width - leftWidth, align: "right" });
      y = doc.y + 1;
    }
    doc.fillColor(INK);
    const end = Math.max(leftEnd, y) + 6;
    this.rule(end, 1);
    doc.y = end + 8;
  }

  /** On every page after the first: the document's name and number, so a loose page says what it belongs to. */
  private continuation() {
    if (!this.head) return;
    const { doc } = this;
    doc
      .font("bold")
      .fontSize(10)
      .text(this.t("documents.continued", { title: this.head.title }), this.left, MARGIN.top, { width: this.width * 0.6 });
    doc
      .font("regular")
      .fontSize(9)
      .text(this.head.number, this.left + this.width * 0.6, MARGIN.top, { width: this.width * 0.4, align: "right" });
    const end = Math.max(doc.y, MARGIN.top + 12) + 4;
    this.rule(end, 0.5);
    doc.y = end + 8;
  }

  /** The issuer (manufacturer) and the dealer side by side, with what the data model holds of each. */
  parties(parties: DocumentParties, extra: { recipient?: string[] } = {}) {
    const { doc } = this;
    const colWidth = (this.width - 16) / 2;
    const block = (label: string, p: DocumentParties["dealer"] | null, x: number, more: string[] = []) => {
      doc.font("bold").fontSize(8).fillColor(MUTED).text(label, x, top, { width: colWidth });
      doc
        .fillColor(INK)
        .fontSize(10)
        .text(p ? p.name : this.t("app.name"), x, doc.y + 1, { width: colWidth });
      doc.font("regular").fontSize(9);
      const lines = p
        ? [
            `${this.t("documents.code")}: ${p.code} · ${this.t("common.region")}: ${translateKnown(this.lang, `region.${p.region}`) ?? p.region}`,
            ...(p.phone || p.email ? [`${this.t("documents.contact")}: ${[p.phone, p.email].filter(Boolean).join(" · ")}`] : []),
          ]
        : [];
      for (const l of [...lines, ...more]) doc.text(l, x, doc.y + 1, { width: colWidth });
      return doc.y;
    };
    const top = doc.y;
    this.ensure(60);
    const a = block(this.t("documents.issuer"), parties.manufacturer, this.left);
    const b = block(this.t("documents.recipient"), parties.dealer, this.left + colWidth + 16, extra.recipient);
    doc.y = Math.max(a, b) + 10;
  }

  /** Label–value pairs in three columns (dates, references). */
  facts(pairs: [string, string][]) {
    const { doc } = this;
    const cols = 3;
    const colWidth = this.width / cols;
    for (let i = 0; i < pairs.length; i += cols) {
      const row = pairs.slice(i, i + cols);
      const heights = row.map(
        ([, v]) =>
          doc
            .font("regular")
            .fontSize(9)
            .heightOfString(v || "—", { width: colWidth - 8 }) + 12,
      );
      this.ensure(Math.max(...heights));
      const top = doc.y;
      let end = top;
      row.forEach(([label, value], j) => {
        const x = this.left + j * colWidth;
        doc
          .font("bold")
          .fontSize(7.5)
          .fillColor(MUTED)
          .text(label, x, top, { width: colWidth - 8 });
        doc
          .font("regular")
          .fontSize(9)
          .fillColor(INK)
          .text(value || "—", x, doc.y + 1, { width: colWidth - 8 });
        end = Math.max(end, doc.y);
      });
      doc.y = end + 6;
    }
    doc.y += 4;
  }

  /** A paragraph across the page. */
  paragraph(text: string, opts: { bold?: boolean; size?: number; muted?: boolean } = {}) {
    const { doc } = this;
    doc.font(opts.bold ? "bold" : "regular").fontSize(opts.size ?? 9);
    this.ensure(doc.heightOfString(text, { width: this.width }) + 4);
    doc.fillColor(opts.muted ? MUTED : INK).text(text, this.left, doc.y, { width: this.width });
    doc.fillColor(INK);
    doc.y += 4;
  }

  /**
   * A table: its header row is drawn again at the top of every page the table continues on, and a row that does
   * not fit below the current one starts the next page whole (rows are never cut).
   */
  table(columns: PdfColumn[], rows: PdfRow[]) {
    const { doc } = this;
    const total = columns.reduce((s, c) => s + c.weight, 0);
    const widths = columns.map((c) => (c.weight / total) * this.width);
    const xs = widths.map((_, i) => this.left + widths.slice(0, i).reduce((s, w) => s + w, 0));
    const pad = 3;
    const size = 8.5;
    const measure = (cells: string[], font: "regular" | "bold") =>
      Math.max(
        ...cells.map((c, i) =>
          doc
            .font(font)
            .fontSize(size)
            .heightOfString(c || " ", { width: widths[i]! - 2 * pad }),
        ),
      ) +
      2 * pad;
    const drawRow = (cells: string[], font: "regular" | "bold", top: number, height: number) => {
      cells.forEach((c, i) => {
        doc
          .font(font)
          .fontSize(size)
          .text(c, xs[i]! + pad, top + pad, { width: widths[i]! - 2 * pad, align: columns[i]!.align ?? "left", height: height - pad, lineBreak: true });
      });
    };
    const headerCells = columns.map((c) => c.header);
    const headerHeight = measure(headerCells, "bold");
    const drawHeader = () => {
      const top = doc.y;
      doc.rect(this.left, top, this.width, headerHeight).fill("#eeeeee");
      doc.fillColor(INK);
      drawRow(headerCells, "bold", top, headerHeight);
      this.rule(top + headerHeight, 0.8);
      doc.y = top + headerHeight;
    };
    // The header never stands alone at the foot of a page: it goes with at least its first row.
    const firstHeight = rows[0] ? measure(rows[0].cells, rows[0].bold ? "bold" : "regular") : 0;
    this.ensure(headerHeight + firstHeight);
    drawHeader();
    for (const row of rows) {
      const font = row.bold ? "bold" : "regular";
      const height = measure(row.cells, font);
      if (this.ensure(height)) drawHeader();
      const top = doc.y;
      if (row.ruleAbove) this.rule(top, 0.8);
      drawRow(row.cells, font, top, height);
      this.rule(top + height, 0.25, RULE);
      doc.y = top + height;
    }
    doc.x = this.left;
    doc.y += 10;
  }

  /** Signature boxes side by side at the end (moved whole to a new page if they do not fit). */
  signatures(labels: string[]) {
    const { doc } = this;
    this.ensure(70);
    const gap = 24;
    const w = (this.width - gap * (labels.length - 1)) / labels.length;
    const top = doc.y + 40;
    labels.forEach((label, i) => {
      const x = this.left + i * (w + gap);
      doc
        .moveTo(x, top)
        .lineTo(x + w, top)
        .lineWidth(0.8)
        .strokeColor(INK)
        .stroke();
      doc
        .font("regular")
        .fontSize(8.5)
        .text(label, x, top + 3, { width: w });
    });
    doc.y = top + 24;
  }

  private rule(y: number, width: number, color = INK) {
    this.doc
      .moveTo(this.left, y)
      .lineTo(this.left + this.width, y)
      .lineWidth(width)
      .strokeColor(color)
      .stroke();
  }

  /** Writes the footer of every page (document number, "page n of N", a line of provenance) and returns the bytes. */
  async finish(footer: string): Promise<Buffer> {
    const { doc } = this;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      // Writing below the bottom margin would start a new page: the footer is drawn with the margin lifted.
      const margin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      const y = A4.height - MARGIN.bottom + 18;
      doc.font("regular").fontSize(7.5).fillColor(MUTED);
      doc.text(footer, this.left, y, { width: this.width * 0.7, lineBreak: false });
      doc.text(this.t("documents.page", { n: i - range.start + 1, total: range.count }), this.left + this.width * 0.7, y, {
        width: this.width * 0.3,
        align: "right",
        lineBreak: false,
      });
      doc.page.margins.bottom = margin;
    }
    doc.end();
    return this.done;
  }
}

/** A file name safe in any header: ASCII letters, digits, dot, dash and underscore. */
function asciiName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[^\w.-]+/g, "_")
    .replace(/_+/g, "_");
}

/** RFC 5987 value characters: UTF-8 percent-encoded, with the few that encodeURIComponent leaves but attr-char does not. */
function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A private document as a download: PDF content type, an attachment named `filename` (RFC 6266; RFC 5987
 * `filename*` carries it in UTF-8 when it is not plain ASCII), and no copy kept by the browser or a proxy.
 */
export function pdfResponse(bytes: Buffer, filename: string): Response {
  const ascii = asciiName(filename);
  const disposition = ascii === filename ? `attachment; filename="${filename}"` : `attachment; filename="${ascii}"; filename*=UTF-8''${rfc5987(filename)}`;
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Length": String(bytes.length),
      "Content-Disposition": disposition,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

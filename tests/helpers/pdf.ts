/**
 * Reads a PDF back as text, page by page, with Mozilla's PDF.js (the text a reader's viewer would find and copy):
 * the tests of the server-made documents check what the file says, not how the code meant to write it.
 */
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

export type PdfText = { pages: string[][]; info: Record<string, unknown>; fonts: string[] };

/** Each page's text items in reading order (one string per item, as PDF.js groups them). */
export async function pdfText(bytes: Uint8Array): Promise<PdfText> {
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, disableFontFace: true, isEvalSupported: false, verbosity: 0 }).promise;
  try {
    const pages: string[][] = [];
    const fonts = new Set<string>();
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      const content = await page.getTextContent();
      pages.push(content.items.map((it) => ("str" in it ? it.str : "")).filter((s) => s.trim() !== ""));
      for (const s of Object.values(content.styles)) fonts.add(s.fontFamily);
    }
    const meta = await doc.getMetadata();
    return { pages, info: meta.info as Record<string, unknown>, fonts: [...fonts] };
  } finally {
    await doc.destroy();
  }
}

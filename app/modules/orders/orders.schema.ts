/**
 * Order input: zod schemas for every form and list query of the orders area.
 * Browser-safe. Prices are never part of a form: they come from the server.
 */

export const MAX_LINES = 2000;
export const PAGE_SIZE = 25;

/** The builder's buttons: save, submit, add a product, remove a line, delete the draft. */
export type BuilderIntent = { kind: "save" } | { kind: "submit" } | { kind: "delete" } | { kind: "add"; productId: number } | { kind: "remove"; index: number };

export function parseBuilderIntent(raw: unknown): BuilderIntent | null {
  if (raw === "save" || raw === "submit" || raw === "delete") return { kind: raw };
  if (typeof raw !== "string") return null;
  const add = /^add:(\d{1,15})$/.exec(raw);
  if (add) return { kind: "add", productId: Number(add[1]) };
  const rm = /^remove:(\d{1,5})$/.exec(raw);
  if (rm) return { kind: "remove", index: Number(rm[1]) };
  return null;
}

/**
 * The builder form's flat fields (`lines.3.quantity`, `lines.3.opt.color`)
 * to the nested object DraftFormSchema expects. Unknown names are dropped.
 */
export function builderFormToObject(fd: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const lines: Record<string, unknown>[] = [];
  for (const [k, v] of fd.entries()) {
    if (typeof v !== "string") continue;
    const m = /^lines\.(\d{1,5})\.(lineId|productId|quantity|specNotes|opt\.([a-z][a-z0-9_]{0,31}))$/.exec(k);
    if (m) {
      const i = Number(m[1]);
      if (i >= MAX_LINES + 1) continue;
      const line = (lines[i] ??= { options: {} });
      if (m[3]) (line.options as Record<string, string>)[m[3]] = v;
      else line[m[2]!] = v;
      continue;
    }
    if (["addressId", "requestedDate", "poReference", "notes", "version", "submitKey", "intent", "q"].includes(k)) out[k] = v;
  }
  out.lines = lines.filter(Boolean);
  return out;
}

export function shipmentFormToObject(fd: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const lines: Record<string, string> = {};
  for (const [k, v] of fd.entries()) {
    if (typeof v !== "string") continue;
    const m = /^qty\.(\d{1,15})$/.exec(k);
    if (m) lines[m[1]!] = v;
    else if (["version", "warehouseId", "carrier", "trackingNumber", "shippedOn"].includes(k)) out[k] = v;
  }
  out.lines = lines;
  return out;
}

/** zod names a line's error `lines.<lineId>`; the form's input (and the domain's errors) say `qty.<lineId>`. */
export function shipmentFieldErrors(fieldErrors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fieldErrors).map(([k, v]) => [k.replace(/^lines\.(\d+)$/, "qty.$1"), v]));
}

export const SORTS = ["newest", "oldest", "number", "total_desc", "total_asc", "requested"] as const;

/**
 * HTML built as a string, for the few places where a page renders hundreds of
 * identical cells and React's per-element work dominates the request (decision
 * 078). Everything interpolated into `html` is escaped unless it is itself the
 * result of `html` (SafeHtml); there is no other way to get markup through.
 */

export class SafeHtml {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

const NEEDS_ESCAPE = /[&<>"']/;
const ESCAPE_ALL = /[&<>"']/g;
const ENTITY: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" };

/** Text or an attribute value made safe for HTML (both quote styles). */
export function escapeHtml(s: string): string {
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPE_ALL, (c) => ENTITY[c]!) : s;
}

export type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly SafeHtml[];

function part(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof SafeHtml) return v.value;
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return escapeHtml(v);
  let out = "";
  for (const x of v) out += x.value;
  return out;
}

/** A template whose interpolations are escaped (strings, numbers) or trusted (SafeHtml, arrays of it). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1]!;
  return new SafeHtml(out);
}

/**
 * The forms a rendered page offers, read from its HTML the way a browser without
 * JavaScript would submit them: their method, action and every named control
 * (inputs, selects with their options, textareas, named submit buttons).
 * Shared by the hostile-input tests (tests/http/hostile*.test.ts).
 */

export type FormField = {
  name: string;
  /** `input` type ("text", "hidden", "checkbox", …), or "select", "textarea", "submit" (a named button). */
  type: string;
  /** The value the page puts there: the value attribute, the selected (or first) option, the textarea's text. */
  value: string;
  inputMode?: string;
  checked?: boolean;
  required?: boolean;
  /** A select's option values, in order. */
  options?: string[];
};
export type FormSpec = { action: string; method: string; enctype: string; fields: FormField[] };

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === "#") return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

const attr = (attrs: string, name: string) => {
  const m = new RegExp(`(?:^|\\s)${name}="([^"]*)"`, "i").exec(attrs);
  return m ? decodeEntities(m[1]!) : undefined;
};
const flag = (attrs: string, name: string) => new RegExp(`(?:^|\\s)${name}(?:=""|(?=[\\s/>])|$)`, "i").test(attrs);

/** The forms on a page: their action (the page itself when none) and every named control. */
export function formsOf(html: string, pagePath: string): FormSpec[] {
  const out: FormSpec[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = m[1]!;
    const method = (attr(attrs, "method") ?? "get").toLowerCase();
    const action = attr(attrs, "action") || pagePath;
    const enctype = (attr(attrs, "enctype") ?? "application/x-www-form-urlencoded").toLowerCase();
    const fields: FormField[] = [];
    const body = m[2]!;
    for (const f of body.matchAll(/<(input|select|textarea|button)\b([^>]*)>/g)) {
      const tag = f[1]!;
      const a = f[2]!;
      const start = f.index + f[0].length;
      const inner = tag === "select" || tag === "textarea" ? body.slice(start, body.indexOf(`</${tag}>`, start)) : "";
      const name = attr(a, "name");
      if (!name) continue;
      if (tag === "input") {
        const type = (attr(a, "type") ?? "text").toLowerCase();
        fields.push({
          name,
          type,
          value: attr(a, "value") ?? (type === "checkbox" || type === "radio" ? "on" : ""),
          inputMode: attr(a, "inputmode"),
          checked: flag(a, "checked"),
          required: flag(a, "required"),
        });
      } else if (tag === "select") {
        const options = [...inner.matchAll(/<option\b([^>]*)>([^<]*)/g)].map((o) => ({
          value: attr(o[1]!, "value") ?? decodeEntities(o[2]!),
          selected: flag(o[1]!, "selected"),
        }));
        const chosen = options.find((o) => o.selected) ?? options.find((o) => o.value !== "") ?? options[0];
        fields.push({ name, type: "select", value: chosen?.value ?? "", options: options.map((o) => o.value), required: flag(a, "required") });
      } else if (tag === "textarea") {
        fields.push({ name, type: "textarea", value: decodeEntities(inner), required: flag(a, "required") });
      } else {
        const type = (attr(a, "type") ?? "submit").toLowerCase();
        if (type === "submit") fields.push({ name, type: "submit", value: attr(a, "value") ?? "" });
      }
    }
    out.push({ action, method, enctype, fields });
  }
  return out;
}

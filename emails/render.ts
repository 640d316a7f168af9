/**
 * Email rendering: MJML templates compiled (strict validation) to responsive
 * HTML, plus a plain-text alternative built from the same content.
 *
 * The MJML of a layout depends only on its shape (locale and number of
 * sections); every piece of text is a placeholder filled after compilation
 * with HTML-escaped content in a single pass. So a digest run for thousands of
 * users compiles a handful of templates, not one per user, and user data can
 * never reach the MJML parser or inject markup.
 */
import mjml2html from "mjml";

export type EmailLink = { label: string; href: string };
export type EmailItem = { text: string; href?: string; meta?: string };
export type EmailSection = { title: string; items: EmailItem[]; more?: string; link?: EmailLink };

export type EmailContent = {
  locale: "en" | "zh-CN";
  /** Subject line (plain text). */
  subject: string;
  /** Inbox preview line. */
  preview: string;
  appName: string;
  heading: string;
  greeting: string;
  intro: string;
  sections: EmailSection[];
  cta?: EmailLink;
  /**
   * A row of one-click choices under the sections (the service survey's scores 1–5): buttons side by
   * side, on a phone too (an mj-group does not stack).
   */
  choices?: { title: string; links: EmailLink[]; hint?: string };
  /** Footer lines (plain text) and links (preferences, unsubscribe). */
  footer: string[];
  footerLinks: EmailLink[];
};

export type RenderedEmail = { subject: string; html: string; text: string };

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Only http(s) links make it into an email; anything else becomes "#". */
export function safeHref(href: string): string {
  try {
    const u = new URL(href);
    return u.protocol === "http:" || u.protocol === "https:" ? u.toString() : "#";
  } catch {
    return "#";
  }
}

const BRAND = "#1d4ed8";
const INK = "#0f172a";
const MUTED = "#64748b";

function sectionMjml(i: number): string {
  return `
    <mj-section background-color="#ffffff" padding="8px 24px">
      <mj-column>
        <mj-text font-size="16px" font-weight="600" color="${INK}" padding="8px 0 4px 0">@@S${i}_TITLE@@</mj-text>
        <mj-divider border-width="1px" border-color="#e2e8f0" padding="0 0 8px 0" />
        <mj-text font-size="14px" line-height="22px" color="${INK}" padding="0">@@S${i}_BODY@@</mj-text>
      </mj-column>
    </mj-section>`;
}

function choicesMjml(n: number): string {
  if (!n) return "";
  const width = `${Math.floor(100 / n)}%`;
  const buttons = Array.from(
    { length: n },
    (_, i) => `<mj-column width="${width}" padding="0 2px">
          <mj-button href="@@C${i}_HREF@@" background-color="${BRAND}" color="#ffffff" font-size="16px" font-weight="700" border-radius="6px" inner-padding="10px 0" width="100%" padding="4px 0">@@C${i}_LABEL@@</mj-button>
        </mj-column>`,
  ).join("\n        ");
  return `<mj-section background-color="#ffffff" padding="8px 24px 0 24px">
      <mj-column>
        <mj-text font-size="16px" font-weight="600" padding="0 0 8px 0">@@CHOICES_TITLE@@</mj-text>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" padding="0 24px">
      <mj-group>
        ${buttons}
      </mj-group>
    </mj-section>
    <mj-section background-color="#ffffff" padding="4px 24px 8px 24px">
      <mj-column>
        <mj-text font-size="12px" color="${MUTED}" padding="0">@@CHOICES_HINT@@</mj-text>
      </mj-column>
    </mj-section>`;
}

function layoutMjml(locale: string, sections: number, withCta: boolean, choices = 0): string {
  const fontFamily = locale === "zh-CN" ? "'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',Helvetica,Arial,sans-serif" : "Helvetica,Arial,sans-serif";
  return `<mjml lang="${locale}">
  <mj-head>
    <mj-title>@@SUBJECT@@</mj-title>
    <mj-preview>@@PREVIEW@@</mj-preview>
    <mj-attributes>
      <mj-all font-family="${fontFamily}" />
      <mj-text font-size="14px" line-height="22px" color="${INK}" />
    </mj-attributes>
    <mj-style>
      .dd-items a { color: ${BRAND}; text-decoration: underline; }
      .dd-footer a { color: ${MUTED}; }
      @media only screen and (max-width: 480px) { .dd-items td { display: block; width: 100% !important; } }
    </mj-style>
  </mj-head>
  <mj-body background-color="#f1f5f9" width="640px">
    <mj-section background-color="${BRAND}" padding="16px 24px">
      <mj-column>
        <mj-text color="#ffffff" font-size="18px" font-weight="700" padding="0">@@APPNAME@@</mj-text>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" padding="24px 24px 8px 24px">
      <mj-column>
        <mj-text font-size="20px" font-weight="700" padding="0 0 12px 0">@@HEADING@@</mj-text>
        <mj-text padding="0 0 4px 0">@@GREETING@@</mj-text>
        <mj-text padding="0" color="${MUTED}">@@INTRO@@</mj-text>
      </mj-column>
    </mj-section>
    ${Array.from({ length: sections }, (_, i) => sectionMjml(i)).join("\n")}
    ${choicesMjml(choices)}
    ${
      withCta
        ? `<mj-section background-color="#ffffff" padding="8px 24px 24px 24px">
      <mj-column>
        <mj-button href="@@CTA_HREF@@" background-color="${BRAND}" color="#ffffff" font-size="14px" border-radius="6px" align="left">@@CTA_LABEL@@</mj-button>
      </mj-column>
    </mj-section>`
        : `<mj-section background-color="#ffffff" padding="0 24px 16px 24px"><mj-column><mj-spacer height="8px" /></mj-column></mj-section>`
    }
    <mj-section padding="16px 24px">
      <mj-column>
        <mj-text css-class="dd-footer" font-size="12px" line-height="18px" color="${MUTED}" padding="0">@@FOOTER@@</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
}

const compiled = new Map<string, Promise<string>>();

export class TemplateError extends Error {}

/** Compiles (once per shape) with validationLevel "strict": an invalid template is an error, never a broken email. */
export function compileLayout(locale: string, sections: number, withCta: boolean, choices = 0): Promise<string> {
  const key = `${locale}|${sections}|${withCta ? 1 : 0}|${choices}`;
  let p = compiled.get(key);
  if (!p) {
    p = mjml2html(layoutMjml(locale, sections, withCta, choices), { validationLevel: "strict", keepComments: false }).then((r) => {
      if (r.errors?.length) throw new TemplateError(`MJML errors: ${r.errors.map((e) => e.formattedMessage).join("; ")}`);
      // Indentation is a quarter of the bytes and means nothing to a mail client; thousands of digests a day are stored.
      return r.html.replace(/\n[ \t]+/g, "\n");
    });
    p.catch(() => compiled.delete(key));
    compiled.set(key, p);
  }
  return p;
}

function itemsHtml(section: EmailSection): string {
  const rows = section.items.map((it) => {
    const text = it.href ? `<a href="${escapeHtml(safeHref(it.href))}">${escapeHtml(it.text)}</a>` : escapeHtml(it.text);
    const meta = it.meta ? `<br><span style="color:${MUTED};font-size:12px">${escapeHtml(it.meta)}</span>` : "";
    return `<tr><td style="padding:4px 0;vertical-align:top;width:14px;color:${MUTED}">•</td><td style="padding:4px 0">${text}${meta}</td></tr>`;
  });
  const more = section.more ? `<p style="margin:6px 0 0 0;color:${MUTED}">${escapeHtml(section.more)}</p>` : "";
  const link = section.link
    ? `<p style="margin:8px 0 0 0"><a href="${escapeHtml(safeHref(section.link.href))}">${escapeHtml(section.link.label)} →</a></p>`
    : "";
  return `<table class="dd-items" role="presentation" cellpadding="0" cellspacing="0" style="width:100%;border-collapse:collapse">${rows.join("")}</table>${more}${link}`;
}

function footerHtml(c: EmailContent): string {
  const lines = c.footer.map((l) => escapeHtml(l)).join("<br>");
  const links = c.footerLinks.map((l) => `<a href="${escapeHtml(safeHref(l.href))}">${escapeHtml(l.label)}</a>`).join(" · ");
  return `${lines}${links ? `<br>${links}` : ""}`;
}

export function renderText(c: EmailContent): string {
  const out: string[] = [c.appName, "", c.heading, "", c.greeting, c.intro, ""];
  for (const s of c.sections) {
    out.push(s.title, "-".repeat(Math.min(60, Math.max(8, s.title.length * 2))));
    for (const it of s.items) {
      out.push(`* ${it.text}${it.meta ? ` (${it.meta})` : ""}`);
      if (it.href) out.push(`  ${safeHref(it.href)}`);
    }
    if (s.more) out.push(s.more);
    if (s.link) out.push(`${s.link.label}: ${safeHref(s.link.href)}`);
    out.push("");
  }
  if (c.choices) {
    out.push(c.choices.title);
    for (const l of c.choices.links) out.push(`  ${l.label}: ${safeHref(l.href)}`);
    if (c.choices.hint) out.push(c.choices.hint);
    out.push("");
  }
  if (c.cta) out.push(`${c.cta.label}: ${safeHref(c.cta.href)}`, "");
  out.push("--", ...c.footer);
  for (const l of c.footerLinks) out.push(`${l.label}: ${safeHref(l.href)}`);
  return `${out.join("\n")}\n`;
}

/** The email as the recipient sees it: responsive HTML and its plain-text alternative. */
export async function renderEmail(c: EmailContent): Promise<RenderedEmail> {
  const template = await compileLayout(c.locale, c.sections.length, !!c.cta, c.choices?.links.length ?? 0);
  const values: Record<string, string> = {
    SUBJECT: escapeHtml(c.subject),
    PREVIEW: escapeHtml(c.preview),
    APPNAME: escapeHtml(c.appName),
    HEADING: escapeHtml(c.heading),
    GREETING: escapeHtml(c.greeting),
    INTRO: escapeHtml(c.intro),
    FOOTER: footerHtml(c),
    CTA_HREF: c.cta ? escapeHtml(safeHref(c.cta.href)) : "#",
    CTA_LABEL: c.cta ? escapeHtml(c.cta.label) : "",
    CHOICES_TITLE: escapeHtml(c.choices?.title ?? ""),
    CHOICES_HINT: escapeHtml(c.choices?.hint ?? ""),
  };
  c.choices?.links.forEach((l, i) => {
    values[`C${i}_HREF`] = escapeHtml(safeHref(l.href));
    values[`C${i}_LABEL`] = escapeHtml(l.label);
  });
  c.sections.forEach((s, i) => {
    values[`S${i}_TITLE`] = escapeHtml(s.title);
    values[`S${i}_BODY`] = itemsHtml(s);
  });
  // One pass: text inserted here is never scanned for placeholders again.
  const html = template.replace(/@@([A-Z0-9_]+)@@/g, (m, name: string) => values[name] ?? m);
  return { subject: c.subject, html, text: renderText(c) };
}

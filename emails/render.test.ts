import { describe, expect, it } from "vitest";
import { compileLayout, escapeHtml, renderEmail, safeHref } from "./render";
import { digestContent } from "../app/modules/notifications/digest.server";
import { renderNotice } from "../app/modules/notifications/notices.server";
import { LOCALES } from "../app/i18n";

describe("MJML templates", () => {
  it("compile with strict validation in both languages, every shape", async () => {
    for (const locale of LOCALES) {
      for (const n of [0, 1, 5, 11]) {
        for (const cta of [true, false]) {
          const html = await compileLayout(locale, n, cta);
          expect(html).toContain(`lang="${locale}"`);
          expect(html).toContain("@media only screen"); // responsive
          expect(html.match(/@@S\d+_BODY@@/g) ?? []).toHaveLength(n);
        }
      }
    }
  });

  it("the row of one-click choices (the service survey's scores) compiles strictly and fills escaped links, in HTML and text", async () => {
    for (const locale of LOCALES) {
      const html = await compileLayout(locale, 1, false, 5);
      expect(html.match(/@@C\d_HREF@@/g) ?? []).toHaveLength(5);
      const r = await renderEmail({
        locale,
        subject: "S",
        preview: "P",
        appName: "A",
        heading: "H",
        greeting: "G",
        intro: "I",
        sections: [],
        choices: {
          title: "How satisfied?",
          links: [1, 2, 3, 4, 5].map((n) => ({ label: String(n), href: `http://127.0.0.1/survey/t?score=${n}&x=<b>` })),
          hint: "1 = bad",
        },
        footer: [],
        footerLinks: [],
      });
      expect(r.html).not.toMatch(/@@[A-Z0-9_]+@@/);
      expect(r.html).toContain("http://127.0.0.1/survey/t?score=5&amp;x=%3Cb%3E");
      expect(r.text).toContain("  5: http://127.0.0.1/survey/t?score=5&x=%3Cb%3E");
    }
  });

  it("a digest renders in English and Chinese with a plain-text alternative", async () => {
    for (const locale of LOCALES) {
      const user = {
        id: 1,
        email: "li@example.com",
        name: "Li",
        role: "dealer_admin" as const,
        locale,
        last_digest_at: null,
        organisation_id: 1,
        region: "east",
        tier: "gold",
      };
      const content = digestContent(
        user,
        "daily",
        "2026-11-23",
        new Date("2026-11-22T00:00:00Z"),
        [
          { key: "orders", total: 12, items: [{ text: "Order SO-1 was shipped", href: "http://127.0.0.1/orders/SO-1", at: new Date() }] },
          { key: "statements", total: 1, items: [{ text: "Statement 2026-10 is ready", href: "http://127.0.0.1/statements/1", at: new Date() }] },
        ],
        "http://127.0.0.1/unsubscribe/t",
      );
      const r = await renderEmail(content);
      expect(r.html).not.toMatch(/@@[A-Z0-9_]+@@/);
      expect(r.html).toContain("Order SO-1 was shipped");
      expect(r.text).toContain("http://127.0.0.1/unsubscribe/t");
      expect(r.text).toContain("http://127.0.0.1/orders/SO-1");
      if (locale === "zh-CN") {
        expect(r.subject).toBe("经销商工作台每日摘要：13 条更新（2026-11-23）");
        expect(r.html).toContain("订单状态变化");
        expect(r.text).toContain("……另有 11 条");
      } else {
        expect(r.subject).toBe("Dealer Desk daily digest: 13 updates (2026-11-23)");
        expect(r.text).toContain("…and 11 more");
      }
    }
    const notice = await renderNotice({
      user: { id: 1, email: "a@b.c", name: "A", locale: "zh-CN" },
      subject: "s",
      heading: "h",
      intro: "i",
      sections: [],
      cta: { label: "Go", href: "http://x/" },
    });
    expect(notice.html).toContain("更改摘要频率");
  });

  it("escapes everything and only links http(s)", async () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    expect(safeHref("javascript:alert(1)")).toBe("#");
    expect(safeHref("https://ok.example/x?a=1")).toBe("https://ok.example/x?a=1");
    const r = await renderEmail({
      locale: "en",
      subject: "s",
      preview: "p",
      appName: "DD",
      heading: "@@FOOTER@@",
      greeting: "<script>x</script>",
      intro: "i",
      sections: [{ title: "@@S0_BODY@@", items: [{ text: "t", href: "javascript:alert(1)" }] }],
      footer: [],
      footerLinks: [],
    });
    expect(r.html).not.toContain("<script>x");
    expect(r.html).toContain("@@FOOTER@@"); // user text is never expanded as a placeholder
    expect(r.html).not.toContain("javascript:");
  });
});

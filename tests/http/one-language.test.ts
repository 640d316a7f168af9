/**
 * A page speaks the reader's language: units, joined lists and coded kinds are rendered in it.
 * Renders the real pages through the server. Needs `npx remix build`.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { createCast, createSession, type TestUser } from "../factories";
import { createCatalogBasics, createProduct } from "../factories/catalog";
import { Client, withTestServer } from "../helpers/http";

let base = "";
withTestServer((b) => (base = b));

async function clientFor(user: TestUser, locale: "en" | "zh-CN") {
  await getDb().updateTable("users").set({ locale }).where("id", "=", user.id).execute();
  const c = new Client(base);
  c.cookies.set("dd_session", (await createSession(user)).sessionId);
  return c;
}

/** The page's visible text: the body without scripts and tags. */
function visibleText(html: string): string {
  const body = html.slice(html.indexOf("<body"));
  return body
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

const CJK = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;

describe("one language per page", () => {
  it("units, lists of tiers and outbox kinds in the reader's language", async () => {
    const cast = await createCast();
    await createCatalogBasics();
    const product = await createProduct(); // unit "pcs"
    await getDb()
      .insertInto("announcements")
      .values({
        title_en: "Spring promotion",
        title_zh: "春季促销",
        body_en: "b",
        body_zh: "b",
        tiers: "platinum,gold",
        starts_at: new Date(Date.now() - 86_400_000),
        created_by: cast.staff.admin.id,
      })
      .execute();
    await getDb()
      .insertInto("outbox_emails")
      .values({ dedupe_key: "lang:1", kind: "digest.daily", to_address: "x@example.com", locale: "zh-CN", subject: "摘要", html: "<p>x</p>", text_body: "x" })
      .execute();

    const zh = await clientFor(cast.staff.admin, "zh-CN");
    const productZh = visibleText((await zh.get(`/products/${product.sku}`)).text);
    expect(productZh).toContain("件");
    expect(productZh).not.toMatch(/\bpcs\b/);
    const outboxZh = visibleText((await zh.get("/admin/outbox")).text);
    expect(outboxZh).toContain("每日摘要");
    expect(outboxZh).not.toContain("digest.daily");
    const annZh = visibleText((await zh.get("/admin/announcements")).text);
    expect(annZh).toContain("白金和金牌");

    const en = await clientFor(cast.staff.admin, "en");
    const annEn = (await en.get("/admin/announcements")).text;
    expect(visibleText(annEn)).toContain("Platinum and Gold");
    // English interface text without Chinese: here the only Chinese is the language switch (中文) and user data.
    const annText = visibleText(annEn).replace(/中文|春季促销/g, "");
    expect(annText).not.toMatch(CJK);
    expect(visibleText((await en.get("/admin/outbox")).text)).toContain("Daily digest");
  });
});

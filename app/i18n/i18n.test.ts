import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { rawKeys } from "../../tests/helpers/i18n";
import { isMessageKey, localeFromAcceptLanguage, messages, translate, translateKnown } from "./index";

describe("message catalogs", () => {
  it("English interface text embeds no Chinese (and Chinese no English status words), except where the Chinese is the point", () => {
    // The language switch names Chinese in Chinese; a print button offers the Chinese copy; a file format accepts Chinese headers.
    const allowed = new Set(["lang.zh-CN", "statements.printZh", "payments.fileHelp"]);
    const cjk = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
    expect(
      Object.entries(messages.en)
        .filter(([k, v]) => cjk.test(v) && !allowed.has(k))
        .map(([k]) => k),
    ).toEqual([]);
    expect(messages.en["deals.stage.conflict"]).toBe("Conflict");
    // Product units read in the reader's language.
    for (const u of ["pcs", "set", "system", "m"]) expect(cjk.test(messages["zh-CN"][`unit.${u}`] ?? "")).toBe(true);
  });

  it("both languages hold exactly the same keys, none empty", () => {
    const en = Object.keys(messages.en).sort();
    const zh = Object.keys(messages["zh-CN"]).sort();
    expect(zh).toEqual(en);
    for (const [k, v] of Object.entries(messages["zh-CN"])) expect(v.trim(), k).not.toBe("");
    for (const [k, v] of Object.entries(messages.en)) expect(v.trim(), k).not.toBe("");
  });

  it("uses the same {placeholders} in both languages", () => {
    for (const k of Object.keys(messages.en)) {
      const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(ph(messages["zh-CN"][k]!), k).toEqual(ph(messages.en[k]!));
    }
  });

  it('every key used in the code with t("…") or translate(…, "…") exists', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(tsx?|ts)$/.test(e.name) && !e.name.includes(".test.")) files.push(p);
      }
    };
    walk(path.resolve("app"));
    const missing: string[] = [];
    for (const f of files) {
      const src = readFileSync(f, "utf8");
      for (const m of src.matchAll(/\bt\(\s*"([a-zA-Z][\w.-]*)"|translate\([^,]+,\s*"([a-zA-Z][\w.-]*)"|new \w+Error\(\s*"([a-z]+\.[\w.]+)"/g)) {
        const key = m[1] ?? m[2] ?? m[3];
        if (key && !(key in messages.en)) missing.push(`${path.relative(process.cwd(), f)}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("translates with parameters and picks a language from Accept-Language", () => {
    expect(translate("en", "pager.summary", { from: 1, to: 25, total: 80 })).toBe("1–25 of 80");
    expect(translate("zh-CN", "pager.summary", { from: 1, to: 25, total: 80 })).toBe("第 1–25 条，共 80 条");
    expect(localeFromAcceptLanguage("en-US,en;q=0.9,zh;q=0.8")).toBe("en");
    expect(localeFromAcceptLanguage("zh-TW,zh;q=0.9")).toBe("zh-CN");
    expect(localeFromAcceptLanguage("fr-FR")).toBe("zh-CN");
    expect(localeFromAcceptLanguage(null)).toBe("zh-CN");
  });

  it("the raw-key detector finds untranslated keys in page text but not in scripts or emails", () => {
    expect(rawKeys("<p>nav.dashboard and users.emailTaken</p><script>nav.stock</script> dealer_admin@demo.local")).toEqual([
      "nav.dashboard",
      "users.emailTaken",
    ]);
    expect(rawKeys("<p>工作台 Dashboard</p>")).toEqual([]);
  });
});

describe("message keys on the server", () => {
  it("translate takes only keys the catalogs define; keys known only at run time go through translateKnown", () => {
    // @ts-expect-error a key that no catalog defines is a type error (the typecheck in npm test fails without this line's error)
    expect(translate("en", "no.such.key")).toBe("no.such.key");
    expect(translate("zh-CN", "error.404")).toBe(messages["zh-CN"]["error.404"]);
    const built = `digest.status.${"approved"}`;
    expect(isMessageKey(built)).toBe(true);
    expect(translateKnown("en", built)).toBe(messages.en[built]);
    expect(translateKnown("en", "digest.status.no_such_status")).toBeNull();
    expect(isMessageKey("toString")).toBe(false);
  });
});

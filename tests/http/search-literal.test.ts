/**
 * A search box takes what is typed literally: `%` and `_` are characters to find, not SQL wildcards that match every
 * row. The deals list, the key accounts, the dealer and user administration and the aging report, through the server.
 */
import { describe, expect, it } from "vitest";
import { translate, type MessageKey } from "../../app/i18n";
import { createCast } from "../factories";
import { createKeyAccount, matrixDealRecords } from "../factories/deals";
import { clientFor, withTestServer } from "../helpers/http";
import { post } from "../helpers/ledger";
import { todayIn } from "../../app/utils/time";

let base = "";
withTestServer((url) => (base = url));

describe("search boxes take % and _ literally", () => {
  it("a search for % or _ finds no row where a plain search finds them", async () => {
    const cast = await createCast();
    await matrixDealRecords(cast);
    await post(cast.dealerA.id, "invoice", 1_000_00, todayIn("Asia/Shanghai")); // a balance, so the aging report has a row
    const am = await clientFor(base, cast.staff.account_manager);
    const admin = await clientFor(base, cast.staff.admin);
    const finance = await clientFor(base, cast.staff.finance);
    const pages = [
      { who: am, path: "/deals", empty: "deals.emptyManufacturer" },
      { who: am, path: "/key-accounts", empty: "keyAccounts.empty" },
      { who: admin, path: "/admin/dealers", empty: "dealers.empty" },
      // Test users' emails hold a "_" (dealer_admin@…), so "_" is only searched for elsewhere.
      { who: admin, path: "/admin/users", empty: "users.empty", queries: ["%", "%%"] },
      { who: finance, path: "/finance/aging", empty: "aging.empty" },
    ].map((p) => ({ ...p, marker: translate("en", p.empty as MessageKey).slice(0, 16) }));
    for (const p of pages) {
      const all = await p.who.get(p.path);
      expect(all.status, p.path).toBe(200);
      expect(all.text, `${p.path}: rows without a search`).not.toContain(p.marker);
      if (p.path === "/finance/aging")
        // Each aging column's name labels its cell on a phone's card.
        for (const key of ["aging.current", "aging.d1_30", "aging.d90_plus", "aging.unapplied", "aging.total"] as const)
          expect(all.text, key).toContain(`data-label="${translate("en", key)}"`);
      for (const q of p.queries ?? ["%", "_", "%%"]) {
        const r = await p.who.get(`${p.path}?q=${encodeURIComponent(q)}`);
        expect(r.status, `${p.path}?q=${q}`).toBe(200);
        expect(r.text, `${p.path}?q=${q}: no row matches a literal ${q}`).toContain(p.marker);
      }
    }
  });

  it("the key account search finds an account by its name written another way: full-width brackets, spaces, a company suffix", async () => {
    const cast = await createCast();
    await createKeyAccount(cast.staff.account_manager.id, { name: "上海申城地铁运营集团有限公司" });
    const am = await clientFor(base, cast.staff.account_manager);
    for (const q of ["上海申城地铁运营（集团）有限公司", "申城地铁 运营 集团", "上海申城地铁运营集团"]) {
      const r = await am.get(`/key-accounts?q=${encodeURIComponent(q)}`);
      expect(r.status, q).toBe(200);
      expect(r.text, q).toContain("上海申城地铁运营集团有限公司");
    }
    const none = await am.get(`/key-accounts?q=${encodeURIComponent("（）")}`);
    expect(none.text, "punctuation alone matches nothing").not.toContain("上海申城地铁运营集团有限公司");
  });
});

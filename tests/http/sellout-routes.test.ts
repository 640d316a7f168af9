/**
 * The sell-out pages through the real server (issue #24): forms without JavaScript, bad input refused in
 * the reader's language with nothing written, uploads (multipart, GB18030 CSV) and templates, closing and
 * correcting, and scope: another dealer and an account manager of other dealers get 404, never a hint.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { lastEndedPeriod } from "../../app/modules/sellout/period";
import { todayIn } from "../../app/utils/time";
import { selloutWorld } from "../factories/sellout";
import { clientFor, withTestServer, type Client } from "../helpers/http";

let base = "";
withTestServer((url) => (base = url));

// The server runs on the real clock: the period is whatever month ended last (no assertion depends on which).
const period = () => lastEndedPeriod(todayIn("Asia/Shanghai"), "month").key;
const lineCount = async () => (await getDb().selectFrom("sellout_lines").select("id").execute()).length;
const line = (over: Record<string, string> = {}) => ({ intent: "line", sku: "AC-100", unitsSold: "10", revenue: "1,000.00", unitsOnHand: "5", ...over });
async function zh(c: Client, userId: number) {
  await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", userId).execute();
  c.cookies.set("dd_lang", "zh-CN");
  return c;
}

describe("sell-out pages", () => {
  it("a dealer reports by form without JavaScript; bad input is refused in the reader's language and writes nothing", async () => {
    const w = await selloutWorld();
    const sales = await clientFor(base, w.a.dealer_sales);
    const url = `/sellout/${w.dealerA.id}/${period()}`;
    expect((await sales.get("/sellout")).status).toBe(200);
    const ok = await sales.post(url, line());
    expect(ok.status).toBe(200);
    expect(await lineCount()).toBe(1);
    const page = await sales.get(url);
    expect(page.text).toContain("AC-100");
    expect(page.text).toContain("Reported, open");
    // The category totals are the dealer's own figures: "your" to the dealer, "the dealer's" to staff.
    expect(page.text).toContain("Your total sales per category");
    const staffView = await (await clientFor(base, w.staff.account_manager)).get(url);
    expect(staffView.text).toContain("The dealer&#x27;s total sales per category");
    expect(staffView.text).not.toContain("Your total sales per category");
    const cn = await zh(await clientFor(base, w.a.dealer_admin), w.a.dealer_admin.id);
    const bad = await cn.post(url, line({ unitsSold: "abc", revenue: "-1", sku: "AC-200" }));
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/[\u4e00-\u9fff]/);
    const unknown = await cn.post(url, line({ sku: "NOPE-1" }));
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain("物料编码不存在");
    const future = await sales.post(`/sellout/${w.dealerA.id}/2999-01`, line());
    expect(future.status).toBe(404);
    expect(await lineCount()).toBe(1);
    const category = await sales.post(url, { intent: "category", category: "split_ac", revenue: "12.345" });
    expect(category.status).toBe(400);
    expect((await sales.post(url, { intent: "nope" })).status).toBe(400);
  });

  it("another dealer and another account manager get 404 everywhere; the assigned account manager reads but cannot report", async () => {
    const w = await selloutWorld();
    const url = `/sellout/${w.dealerA.id}/${period()}`;
    await (await clientFor(base, w.a.dealer_sales)).post(url, line());
    for (const u of [w.b.dealer_admin, w.b.dealer_sales, w.am2]) {
      const c = await clientFor(base, u);
      for (const path of [`/sellout/${w.dealerA.id}`, url, `/sellout/${w.dealerA.id}/upload`, `/sellout/${w.dealerA.id}/upload?format=xlsx`])
        expect((await c.get(path)).status, `${u.role} ${path}`).toBe(404);
      expect((await c.post(url, line({ unitsSold: "99" }))).status).toBe(404);
    }
    const am = await clientFor(base, w.staff.account_manager);
    expect((await am.get(url)).status).toBe(200);
    expect((await am.post(url, line({ unitsSold: "99" }))).status).toBe(403);
    expect((await am.post(url, { intent: "close" })).status).toBe(403);
    const list = await am.get("/sellout");
    expect(list.text).toContain("Dealer A");
    expect(list.text).not.toContain("Dealer B");
    const am2 = await (await clientFor(base, w.am2)).get("/sellout?missing=1&format=csv");
    expect(am2.text).toContain("Dealer B");
    expect(am2.text).not.toContain("Dealer A");
    const units = await getDb().selectFrom("sellout_lines").select("units_sold").executeTakeFirstOrThrow();
    expect(units.units_sold).toBe(10);
  });

  it("uploads a GB18030 CSV through the multipart form and shows the result; templates download as .xlsx and CSV", async () => {
    const w = await selloutWorld();
    const sales = await clientFor(base, w.a.dealer_sales);
    const gbk = Buffer.from(
      "ceefc1cfb1e0c2eb2ccffac1bf2ccffacadbb6ee2cc6dac4a9bfe2b4e62cc7f8d3f20d0a41432d3130302c372c22312c3233342e3530222c332cbbaab6ab0d0a41432d3230302c322c3230302c2cbbaac4cf0d0a",
      "hex",
    );
    const fd = new FormData();
    fd.append("period", period());
    fd.append("mode", "all_or_nothing");
    fd.append("file", new Blob([gbk], { type: "text/csv" }), "销量.csv");
    const res = await sales.request(`/sellout/${w.dealerA.id}/upload`, { method: "POST", body: fd });
    expect(res.status).toBe(302);
    expect(res.location).toMatch(new RegExp(`^/sellout/${w.dealerA.id}/upload\\?job=\\d+$`));
    const result = await sales.get(res.location!);
    expect(result.text).toContain('data-status="succeeded"');
    expect(await lineCount()).toBe(2);
    const empty = new FormData();
    empty.append("period", period());
    const noFile = await sales.request(`/sellout/${w.dealerA.id}/upload`, { method: "POST", body: empty });
    expect(noFile.status).toBe(400);
    const xlsx = await sales.getBytes(`/sellout/${w.dealerA.id}/upload?format=xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get("content-type")).toContain("spreadsheetml");
    expect([...xlsx.body.slice(0, 2)]).toEqual([0x50, 0x4b]);
    const csv = await sales.get(`/sellout/${w.dealerA.id}/upload?format=csv`);
    expect(csv.text).toContain("sku,units_sold,revenue,units_on_hand,key_account,region");
    // The catalog's import pages do not show a dealer's sell-out imports.
    const job = Number(/job=(\d+)/.exec(res.location!)![1]);
    expect((await (await clientFor(base, w.staff.ops)).get(`/stock/import/${job}`)).status).toBe(404);
  });

  it("finance closes the period; the dealer's edits are refused (409) and a correction with its reason is shown", async () => {
    const w = await selloutWorld();
    const url = `/sellout/${w.dealerA.id}/${period()}`;
    const sales = await clientFor(base, w.a.dealer_sales);
    await sales.post(url, line());
    const fin = await clientFor(base, w.staff.finance);
    expect((await fin.post(url, { intent: "close" })).status).toBe(200);
    const refused = await sales.post(url, line({ unitsSold: "11" }));
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("record a correction");
    const noReason = await sales.post(url, { ...line({ unitsSold: "11" }), intent: "correct" });
    expect(noReason.status).toBe(400);
    const corrected = await sales.post(url, { ...line({ unitsSold: "11" }), intent: "correct", reason: "Late invoice" });
    expect(corrected.status).toBe(200);
    const page = await (await clientFor(base, w.staff.account_manager)).get(url);
    expect(page.text).toContain("Late invoice");
    expect(page.text).toContain("reported 10");
  });
});

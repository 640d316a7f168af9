/**
 * The promotion pages through the real server (issue #24 item 3): the administrator's form without
 * JavaScript (bad input refused in the reader's language, nothing written), the list and a promotion's
 * page with its campaign tracking and CSV, scope (another dealer gets 404), and reversing a posted rebate.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { actorFor } from "../factories";
import { reportLine, selloutWorld } from "../factories/sellout";
import { clientFor, withTestServer, type Client } from "../helpers/http";
import { lastEndedPeriod } from "../../app/modules/sellout/period";
import { runPromotionRebates } from "../../app/modules/promotions/rebates.server";
import { addDays, todayIn } from "../../app/utils/time";

let base = "";
withTestServer((url) => (base = url));

// The server runs on the real clock: dates are taken from today.
const today = () => todayIn("Asia/Shanghai");
const period = () => lastEndedPeriod(today(), "month");
const count = async () => (await getDb().selectFrom("promotions").select("id").execute()).length;
async function zh(c: Client, userId: number) {
  await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", userId).execute();
  c.cookies.set("dd_lang", "zh-CN");
  return c;
}
const promotionForm = (over: Record<string, string | string[]> = {}) => ({
  code: "WEB-1",
  nameEn: "Web promotion",
  nameZh: "网页促销",
  mechanism: "rebate",
  rebatePercent: "2",
  rebateBasis: "sellout",
  discountKind: "percent",
  startsOn: period().start,
  endsOn: addDays(today(), 30),
  status: "active",
  productSkus: "AC-100",
  regions: ["east"],
  ...over,
});

describe("promotion pages", () => {
  it("the administrator creates one by form; bad input is refused in the reader's language and writes nothing", async () => {
    const w = await selloutWorld();
    const admin = await zh(await clientFor(base, w.staff.admin), w.staff.admin.id);
    expect((await admin.get("/admin/promotions/new")).status).toBe(200);
    const bad = await admin.post("/admin/promotions/new", promotionForm({ code: "x", rebatePercent: "300", endsOn: "2000-01-01", productSkus: "" }));
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("2 到 32 个大写字母");
    expect(await count()).toBe(0);
    const unknown = await admin.post("/admin/promotions/new", promotionForm({ productSkus: "NOPE-1" }));
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain("部分 SKU 不在产品目录中");
    expect(await count()).toBe(0);
    const ok = await admin.post("/admin/promotions/new", promotionForm());
    expect(ok.status).toBe(302);
    expect(ok.location).toMatch(/^\/promotions\/\d+\?created=1$/);
    const page = await admin.get(ok.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain("WEB-1");
    expect(page.text).toContain("促销已创建");
    const again = await admin.post("/admin/promotions/new", promotionForm());
    expect(again.status).toBe(409);
    expect(await count()).toBe(1);
    const id = Number(/\/promotions\/(\d+)/.exec(ok.location!)![1]);
    const edit = await admin.post(`/admin/promotions/${id}`, promotionForm({ nameEn: "Renamed", version: "1" }));
    expect(edit.status).toBe(302);
    const stale = await admin.post(`/admin/promotions/${id}`, promotionForm({ nameEn: "Again", version: "1" }));
    expect(stale.status).toBe(409);
  });

  it("dealers see the promotions that target them with their own figures; another dealer gets 404; CSV at the same paths", async () => {
    const w = await selloutWorld();
    const admin = await clientFor(base, w.staff.admin);
    await getDb().updateTable("organisations").set({ region: "north" }).where("id", "=", w.dealerB.id).execute();
    const created = await admin.post("/admin/promotions/new", promotionForm());
    const url = created.location!.split("?")[0]!;
    await reportLine(w, period().key, { sku: "AC-100", revenue: 5_000_00, unitsSold: 5 });
    const run = await runPromotionRebates(actorFor(w.staff.admin), { period: period().key });
    expect(run).toMatchObject({ posted: 1, totalMinor: 100_00 });

    const a = await clientFor(base, w.a.dealer_finance);
    const list = await a.get("/promotions");
    expect(list.status).toBe(200);
    expect(list.text).toContain("WEB-1");
    const page = await a.get(url);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Your dealer is targeted by this promotion.");
    expect(page.text).toContain("100.00");
    expect(page.text).not.toContain('name="intent" value="reverse"'); // a dealer does not reverse
    const csv = await a.get(`${url}?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect(csv.text).toContain("dealer_code");
    const listCsv = await a.get("/promotions?format=csv");
    expect(listCsv.text).toContain("WEB-1");

    const b = await clientFor(base, w.b.dealer_admin);
    expect((await b.get(url)).status).toBe(404);
    expect((await b.get(`${url}?format=csv`)).status).toBe(404);
    expect((await b.get("/promotions")).text).not.toContain("WEB-1");
    expect((await (await clientFor(base, w.staff.ops)).get("/promotions")).status).toBe(403);
    expect((await (await clientFor(base, w.staff.admin)).get("/promotions?state=bogus")).status).toBe(400);
  });

  it("an account manager lists and opens only the promotions that target one of their dealers; another's is 404", async () => {
    const w = await selloutWorld();
    // Dealer A (east) is AM One's; dealer B (north) is AM Two's.
    await getDb().updateTable("organisations").set({ region: "north" }).where("id", "=", w.dealerB.id).execute();
    const admin = await clientFor(base, w.staff.admin);
    const east = (await admin.post("/admin/promotions/new", promotionForm({ code: "EAST-1" }))).location!.split("?")[0]!;
    const north = (await admin.post("/admin/promotions/new", promotionForm({ code: "NORTH-1", regions: ["north"] }))).location!.split("?")[0]!;

    const am1 = await clientFor(base, w.staff.account_manager);
    const list = await am1.get("/promotions");
    expect(list.status).toBe(200);
    expect(list.text).toContain("EAST-1");
    expect(list.text).not.toContain("NORTH-1");
    const csv = await am1.get("/promotions?format=csv");
    expect(csv.text).toContain("EAST-1");
    expect(csv.text).not.toContain("NORTH-1");
    expect((await am1.get(east)).status).toBe(200);
    expect((await am1.get(north)).status).toBe(404);
    expect((await am1.get(`${north}?format=csv`)).status).toBe(404);

    const am2 = await clientFor(base, w.am2);
    const list2 = await am2.get("/promotions");
    expect(list2.text).toContain("NORTH-1");
    expect(list2.text).not.toContain("EAST-1");
    expect((await am2.get(east)).status).toBe(404);
    expect((await am2.get(north)).status).toBe(200);
    // Finance reads every promotion.
    const fin = await clientFor(base, w.staff.finance);
    expect((await fin.get(north)).status).toBe(200);
    expect((await fin.get(east)).status).toBe(200);
  });

  it("finance reverses a posted rebate once; a reason is required", async () => {
    const w = await selloutWorld();
    const admin = await clientFor(base, w.staff.admin);
    const url = (await admin.post("/admin/promotions/new", promotionForm())).location!.split("?")[0]!;
    await reportLine(w, period().key, { sku: "AC-100", revenue: 1_234_56, unitsSold: 2 });
    await runPromotionRebates(actorFor(w.staff.admin), { period: period().key });
    const rebate = await getDb().selectFrom("promotion_rebates").selectAll().executeTakeFirstOrThrow();
    expect(Number(rebate.amount_minor)).toBe(24_69); // 1,234.56 × 2% = 24.6912
    const fin = await clientFor(base, w.staff.finance);
    const page = await fin.get(url);
    expect(page.text).toContain('name="intent" value="reverse"');
    const noReason = await fin.post(url, { intent: "reverse", rebateId: String(rebate.id), reason: "" });
    expect(noReason.status).toBe(400);
    expect((await getDb().selectFrom("promotion_rebates").select("reversal_entry_id").executeTakeFirstOrThrow()).reversal_entry_id).toBeNull();
    const dealer = await clientFor(base, w.a.dealer_admin);
    expect((await dealer.post(url, { intent: "reverse", rebateId: String(rebate.id), reason: "mine" })).status).toBe(403);
    const ok = await fin.post(url, { intent: "reverse", rebateId: String(rebate.id), reason: "wrong products" });
    expect(ok.status).toBe(200);
    const after = await getDb().selectFrom("promotion_rebates").selectAll().executeTakeFirstOrThrow();
    expect(after.reversal_entry_id).not.toBeNull();
    const twice = await fin.post(url, { intent: "reverse", rebateId: String(rebate.id), reason: "wrong products" });
    expect(twice.status).toBe(409);
    expect((await fin.get(url)).text).toContain("Reversed");
  });
});

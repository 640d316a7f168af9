/**
 * The lists behind the ops dashboard's figures (/stock/alerts, /review/due) and the deal list's
 * quote filter: bad parameters answer 400 with a localized message and change nothing; dealers
 * and account managers are refused (403); CSV exports carry the same rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { createCast, requestAs, TEST_PASSWORD, type TestUser } from "../factories";
import { Client, startTestServer, stopTestServer } from "../helpers/http";
import * as alertsRoute from "../../app/routes/stock.alerts";
import * as dueRoute from "../../app/routes/review.due";
import * as dealsRoute from "../../app/routes/deals._index";

type Fn = (a: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<unknown>;

async function call(fn: unknown, user: TestUser | null, path: string): Promise<Response> {
  const request = await requestAs(user, path, { headers: { "Accept-Language": "en" } });
  try {
    const r = await (fn as Fn)({ request, params: {}, context: {} });
    return r instanceof Response ? r : new Response(JSON.stringify(r), { status: 200 });
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
}

const fieldErrors = async (r: Response) => ((await r.json()) as { fieldErrors: Record<string, string> }).fieldErrors;

describe("ops lists: bad parameters, roles, CSV", () => {
  it("answers 400 with a localized message for unknown kinds, malformed dates and a reversed range", async () => {
    const cast = await createCast();
    const ops = cast.staff.ops;
    expect((await call(alertsRoute.loader, ops, "/stock/alerts?kind=bogus")).status).toBe(400);
    expect((await call(alertsRoute.loader, ops, "/stock/alerts?page=0")).status).toBe(400);
    const bad = await call(dueRoute.loader, ops, "/review/due?from=2026-13-40");
    expect(bad.status).toBe(400);
    expect((await fieldErrors(bad)).from).toBe("Enter a date as YYYY-MM-DD.");
    const reversed = await call(dueRoute.loader, ops, "/review/due?from=2026-11-30&to=2026-11-01");
    expect(reversed.status).toBe(400);
    expect((await fieldErrors(reversed)).to).toBe("The end date must not be before the start date.");
    // A signed-in user gets their own language (the profile's, as the language switcher sets it).
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", ops.id).execute();
    const badZh = await call(dueRoute.loader, ops, "/review/due?from=2026-13-40");
    expect((await fieldErrors(badZh)).from).toBe("请按 YYYY-MM-DD 输入日期。");
    const reversedZh = await call(dueRoute.loader, ops, "/review/due?from=2026-11-30&to=2026-11-01");
    expect((await fieldErrors(reversedZh)).to).toBe("结束日期不能早于开始日期。");
    expect((await call(dealsRoute.loader, cast.a.dealer_sales, "/deals?quotes=bogus")).status).toBe(400);
    // Reading never writes: nothing was audited by any of these requests.
    expect(await getDb().selectFrom("audit_log").select("id").where("action", "like", "stock.%").execute()).toEqual([]);
  });

  it("is for the order desk only: dealers and account managers get 403, ops and admin 200", async () => {
    const cast = await createCast();
    for (const u of [cast.a.dealer_admin, cast.a.dealer_sales, cast.b.dealer_finance, cast.staff.account_manager, cast.staff.finance]) {
      expect((await call(alertsRoute.loader, u, "/stock/alerts?kind=low")).status, u.role).toBe(403);
      expect((await call(dueRoute.loader, u, "/review/due")).status, u.role).toBe(403);
    }
    for (const u of [cast.staff.ops, cast.staff.admin]) {
      expect((await call(alertsRoute.loader, u, "/stock/alerts?kind=late")).status).toBe(200);
      expect((await call(dueRoute.loader, u, "/review/due")).status).toBe(200);
    }
  });

  it("exports the low-stock list as CSV with the same rows as the page", async () => {
    const cast = await createCast();
    const db = getDb();
    await db.insertInto("categories").values({ code: "ac", name_en: "AC", name_zh: "空调" }).ignore().execute();
    await db.insertInto("product_lines").values({ code: "home", name_en: "Home", name_zh: "家用" }).ignore().execute();
    const p = Number(
      (
        await db
          .insertInto("products")
          .values({ sku: "=LOW-1", name_en: "Low", name_zh: "低", category_code: "ac", product_line_code: "home", list_price_minor: 1000 })
          .executeTakeFirstOrThrow()
      ).insertId,
    );
    const wh = Number(
      (await db.insertInto("warehouses").values({ code: "WL", name_en: "WL", name_zh: "WL", region: "east" }).executeTakeFirstOrThrow()).insertId,
    );
    await db.insertInto("stock_levels").values({ product_id: p, warehouse_id: wh, on_hand: 2, reserved: 0 }).execute();
    const page = (await (await call(alertsRoute.loader, cast.staff.ops, "/stock/alerts?kind=low")).json()) as { total: number; rows: { sku: string }[] };
    expect(page.total).toBe(1);
    const csv = await (await call(alertsRoute.loader, cast.staff.ops, "/stock/alerts?kind=low&format=csv")).text();
    const lines = csv
      .replace(/^\uFEFF/, "")
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toBe("sku,name_zh,name_en,warehouse,on_hand,reserved,available");
    expect(lines).toHaveLength(2);
    // A cell starting with "=" is neutralised (no formula injection).
    expect(lines[1]!.startsWith("'=LOW-1") || lines[1]!.startsWith("\"'=LOW-1")).toBe(true);
  });
});

describe("over HTTP: the signed-in user's language in every loader of a page", () => {
  let base = "";
  beforeAll(async () => {
    base = (await startTestServer()).url;
  });
  afterAll(async () => {
    await stopTestServer();
  });

  it("a Chinese-speaking user whose browser asks for English gets the page and the loader's error in Chinese", async () => {
    const cast = await createCast();
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", cast.staff.ops.id).execute();
    const c = new Client(base);
    expect((await c.login(cast.staff.ops.email, TEST_PASSWORD)).status).toBe(302);
    const page = await c.request("/review/due", { headers: { "Accept-Language": "en" } });
    expect(page.status).toBe(200);
    expect(page.text).toContain("到期的定制订单行");
    const bad = await c.request("/review/due?from=2026-13-40", { headers: { "Accept-Language": "en" } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("请求无法识别");
    expect(bad.text).not.toContain("The request could not be understood");
  });
});

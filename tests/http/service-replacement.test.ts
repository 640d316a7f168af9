/**
 * A replacement at no charge through the real server (issue #23, item 4): the desk's form on the case page,
 * bad quantities refused with a localized field error and nothing written, the order page linking back to
 * the case, and the scope: the dealer may not create one, another dealer gets 404.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { orderIn, orderWorld } from "../factories/orders";
import { openServiceCase } from "../factories/service";
import { setClock } from "../helpers/clock";
import { clientFor, withTestServer } from "../helpers/http";

let base = "";
withTestServer((url) => (base = url));

const replacementOrders = async () => getDb().selectFrom("orders").select(["id", "number"]).where("service_case_id", "is not", null).execute();

describe("replacement order from the case page", () => {
  it("the desk creates it; bad input is a field error in either language; the order page links back; scope holds", async () => {
    setClock("2026-12-04T02:00:00Z");
    const w = await orderWorld();
    const order = await orderIn(w, "shipped");
    const line = await getDb()
      .selectFrom("order_lines")
      .select(["id"])
      .where("order_id", "=", order.id)
      .where("product_id", "=", w.widget.id)
      .executeTakeFirstOrThrow();
    const c = await openServiceCase(w.a.dealer_sales, { about: "order_line", orderLineId: line.id });
    const desk = await clientFor(base, w.staff.service);
    const page = await desk.get(`/service/${c.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="intent" value="replace"');

    const tooMany = await desk.post(`/service/${c.id}`, { intent: "replace", [`qty_${line.id}`]: "9" });
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toContain("More than is left to replace on this line.");
    // The desk reads the portal in Chinese (its profile's language).
    await getDb().updateTable("users").set({ locale: "zh-CN" }).where("id", "=", w.staff.service.id).execute();
    desk.cookies.delete("dd_lang");
    const notNumber = await desk.post(`/service/${c.id}`, { intent: "replace", [`qty_${line.id}`]: "two" });
    expect(notNumber.status).toBe(400);
    expect(notNumber.text).toContain(`id="f-replace-${line.id}-error"`);
    expect(notNumber.text).toContain("请输入整数。");
    const zhTooMany = await desk.post(`/service/${c.id}`, { intent: "replace", [`qty_${line.id}`]: "9" });
    expect(zhTooMany.text).toContain("超过该行可补发数量。");
    expect(await replacementOrders()).toEqual([]);

    const dealer = await clientFor(base, w.a.dealer_admin);
    expect((await dealer.post(`/service/${c.id}`, { intent: "replace", [`qty_${line.id}`]: "1" })).status).toBe(403);
    const other = await clientFor(base, w.b.dealer_admin);
    expect((await other.post(`/service/${c.id}`, { intent: "replace", [`qty_${line.id}`]: "1" })).status).toBe(404);
    expect(await replacementOrders()).toEqual([]);

    const ok = await desk.post(`/service/${c.id}`, { intent: "replace", [`qty_${line.id}`]: "1" });
    expect(ok.status).toBeLessThan(400);
    const [made] = await replacementOrders();
    expect(made?.number).toBeTruthy();
    const casePage = await dealer.get(`/service/${c.id}`);
    expect(casePage.text).toContain(`/orders/${made!.number}`);
    const orderPage = await dealer.get(`/orders/${made!.number}`);
    expect(orderPage.status).toBe(200);
    expect(orderPage.text).toContain("Replacement at no charge for service case");
    expect(orderPage.text).toContain(`href="/service/${c.id}"`);
    expect((await other.get(`/orders/${made!.number}`)).status).toBe(404);
  });
});

/**
 * The service figures through the real server (issue #23, item 6): the staff page with its CSV, each reader in
 * its scope; the queue's CSV carrying only the dealer's own cases; the dashboards' promise record.
 */
import { describe, expect, it } from "vitest";
import { createCast } from "../factories";
import { openServiceCase } from "../factories/service";
import { setClock } from "../helpers/clock";
import { clientFor, withTestServer } from "../helpers/http";

let base = "";
withTestServer((url) => (base = url));

describe("service figures and exports", () => {
  it("staff read the figures in their scope, as a page and as CSV; dealers get 403; bad periods are 400", async () => {
    setClock("2026-12-07T02:00:00Z");
    const cast = await createCast();
    await openServiceCase(cast.a.dealer_sales, { subject: "Case of dealer A" });
    await openServiceCase(cast.b.dealer_sales, { subject: "Case of dealer B" });
    const desk = await clientFor(base, cast.staff.service);
    const page = await desk.get("/service/figures");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Service figures");
    expect(page.text).toContain('data-testid="service-figures"');
    expect(page.text).toContain(cast.dealerA.code);
    expect((await desk.get("/service/figures?by=region")).status).toBe(200);
    expect((await desk.get("/service/figures?by=product_line")).status).toBe(200);
    const csv = await desk.get("/service/figures?format=csv");
    expect(csv.status).toBe(200);
    expect(csv.text.split(/\r?\n/)[0]).toContain("first_response_median_hours");

    const am2 = await clientFor(base, cast.am2);
    const am2Csv = await am2.get("/service/figures?format=csv");
    expect(am2Csv.text).toContain(String(cast.dealerB.id));
    expect(am2Csv.text).not.toContain(cast.dealerA.code);
    expect((await (await clientFor(base, cast.a.dealer_admin)).get("/service/figures")).status).toBe(403);
    expect((await (await clientFor(base, cast.staff.ops)).get("/service/figures")).status).toBe(403);
    const bad = await desk.get("/service/figures?from=2026-12-31&to=2026-01-01");
    expect(bad.status).toBe(400);
    expect((await desk.get("/service/figures?by=planet")).status).toBe(400);
  });

  it("the queue's CSV carries only the dealer's own cases; the dashboards show the promise record", async () => {
    setClock("2026-12-07T02:00:00Z");
    const cast = await createCast();
    await openServiceCase(cast.a.dealer_sales, { subject: "Own case one" });
    await openServiceCase(cast.a.dealer_admin, { subject: "Own case two" });
    await openServiceCase(cast.b.dealer_sales, { subject: "Foreign case" });
    const dealer = await clientFor(base, cast.a.dealer_finance);
    const csv = await dealer.get("/service?format=csv");
    expect(csv.status).toBe(200);
    const rows = csv.text.trim().split(/\r?\n/).slice(1);
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r).toContain(cast.dealerA.code);
    expect(csv.text).not.toContain("Foreign case");
    expect(csv.text).not.toContain(cast.dealerB.code);

    const home = await dealer.get("/");
    expect(home.text).toContain("Promise kept, last 90 days");
    expect(home.text).toContain('data-testid="dashboard-service-record"');
    const am = await (await clientFor(base, cast.staff.account_manager)).get("/");
    expect(am.text).toContain("Problem resolution, your dealers, last 90 days");
  });
});

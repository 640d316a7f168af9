/**
 * The service pages through the real server (issue #23): a case opened with a photo through the
 * multipart form, the file served only within the case's scope, bad input and bad files refused with
 * field errors and nothing written, internal notes kept from the dealer's page, the admin's promise page.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { createCast, createUser } from "../factories";
import { orderIn, orderWorld } from "../factories/orders";
import { PNG_BYTES, openServiceCase } from "../factories/service";
import { clientFor, withTestServer, type Client } from "../helpers/http";

let base = "";
withTestServer((url) => (base = url));

function caseForm(over: Record<string, string> = {}, files: Array<{ name: string; type: string; bytes: Uint8Array }> = []) {
  const fd = new FormData();
  const fields = {
    about: "account",
    caseType: "quality_fault",
    priority: "high",
    subject: "Display flickers",
    description: "Since the firmware update.",
    ...over,
  };
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const f of files) fd.append("files", new Blob([Buffer.from(f.bytes)], { type: f.type }), f.name);
  return fd;
}
const post = (c: Client, path: string, body: FormData | Record<string, string>) =>
  body instanceof FormData ? c.request(path, { method: "POST", body }) : c.post(path, body);
const caseCount = async () => (await getDb().selectFrom("service_cases").select("id").execute()).length;

describe("service pages", () => {
  it("a dealer opens a case with a photo; the page and the file answer the dealer and its account manager, another dealer 404", async () => {
    const cast = await createCast();
    const sales = await clientFor(base, cast.a.dealer_sales);
    const res = await post(sales, "/service/new", caseForm({}, [{ name: "../../etc/passwd.png", type: "image/png", bytes: PNG_BYTES }]));
    expect(res.status).toBe(302);
    const id = Number(/^\/service\/(\d+)\?opened=1$/.exec(res.location ?? "")?.[1]);
    expect(id).toBeGreaterThan(0);
    const page = await sales.get(`/service/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Display flickers");
    const att = await getDb().selectFrom("service_attachments").selectAll().where("case_id", "=", id).executeTakeFirstOrThrow();
    expect(att.display_name).toBe("passwd.png");
    const file = await sales.getBytes(`/service/${id}/attachments/${att.id}`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(file.headers.get("x-content-type-options")).toBe("nosniff");
    expect([...file.body]).toEqual([...PNG_BYTES]);
    expect((await (await clientFor(base, cast.staff.account_manager)).getBytes(`/service/${id}/attachments/${att.id}`)).status).toBe(200);
    const other = await clientFor(base, cast.b.dealer_admin);
    expect((await other.get(`/service/${id}`)).status).toBe(404);
    expect((await other.getBytes(`/service/${id}/attachments/${att.id}`)).status).toBe(404);
    expect((await other.post(`/service/${id}`, { intent: "reply", body: "hello" })).status).toBe(404);
    expect((await other.post(`/service/${id}`, { intent: "move", action: "close" })).status).toBe(404);
    const csv = await other.get("/service?format=csv");
    expect(csv.status).toBe(200);
    expect(csv.text).not.toContain("Display flickers");
    expect((await (await clientFor(base, cast.am2)).get(`/service/${id}`)).status).toBe(404);
    expect((await (await clientFor(base, cast.staff.ops)).get(`/service/${id}`)).status).toBe(403);
    const ownCsv = await sales.get("/service?format=csv");
    expect(ownCsv.text).toContain("Display flickers");
  });

  it("refuses bad input and bad files with field errors, writing nothing and never answering 500", async () => {
    const cast = await createCast();
    const sales = await clientFor(base, cast.a.dealer_sales);
    const missing = await post(sales, "/service/new", caseForm({ subject: "", priority: "sky-high" }));
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('id="f-subject-error"');
    expect(missing.text).toContain('id="f-priority-error"');
    const renamed = await post(
      sales,
      "/service/new",
      caseForm({}, [{ name: "photo.png", type: "image/png", bytes: new TextEncoder().encode("MZ not an image") }]),
    );
    expect(renamed.status).toBe(400);
    expect(renamed.text).toContain("Only PNG, JPEG, WebP images and PDF documents are accepted.");
    const big = await post(sales, "/service/new", caseForm({}, [{ name: "big.png", type: "image/png", bytes: new Uint8Array(6 * 1024 * 1024) }]));
    expect(big.status).toBe(400);
    expect(big.text).toContain("A file is larger than 5 MB.");
    const line = await post(sales, "/service/new", caseForm({ about: "order_line", orderLineId: "999999" }));
    expect(line.status).toBe(400);
    expect(line.text).toContain('id="f-orderLineId-error"');
    expect(await caseCount()).toBe(0);
    const c = await openServiceCase(cast.a.dealer_sales);
    expect((await sales.post(`/service/${c.id}`, { intent: "nonsense" })).status).toBe(400);
    expect((await sales.post(`/service/${c.id}`, { intent: "reply", body: "" })).status).toBe(400);
    expect((await sales.post(`/service/${c.id}`, { intent: "move", action: "teleport" })).status).toBe(400);
    // A dealer may not start work (403), nor open the desk's forms.
    expect((await sales.post(`/service/${c.id}`, { intent: "move", action: "start" })).status).toBe(403);
    expect((await sales.post(`/service/${c.id}`, { intent: "assign", assigneeId: String(cast.staff.service.id) })).status).toBe(403);
    expect((await getDb().selectFrom("service_messages").select("id").execute()).length).toBe(0);
  });

  it("the desk's assign and link forms show their own error, in the reader's language, keep what was typed and write nothing", async () => {
    const w = await orderWorld();
    const foreign = await orderIn({ ...w, a: w.b, addrA: w.addrB }, "submitted");
    const foreignNumber = (await getDb().selectFrom("orders").select("number").where("id", "=", foreign.id).executeTakeFirstOrThrow()).number!;
    const c = await openServiceCase(w.a.dealer_sales);
    const gone = await createUser("service", { name: "Left the desk", status: "disabled" });
    const desk = await clientFor(base, w.staff.service);
    const state = async () => ({
      assignee: (await getDb().selectFrom("service_cases").select("assignee_id").where("id", "=", c.id).executeTakeFirstOrThrow()).assignee_id,
      links: (await getDb().selectFrom("service_case_links").select("case_id").where("case_id", "=", c.id).execute()).length,
      audit: (await getDb().selectFrom("audit_log").select("id").where("entity_type", "=", "service_case").execute()).length,
    });
    const before = await state();
    /** The page's form posting `intent`, from its opening tag to its end. */
    const formOf = (html: string, intent: string) =>
      html
        .split("<form")
        .find((s) => s.includes(`name="intent" value="${intent}"`))
        ?.split("</form>")[0] ?? "";
    for (const [locale, formError, choice, notFound] of [
      ["en", "Please correct the highlighted fields.", "Choose one of the listed options.", "No record of this dealer has this number."],
      ["zh-CN", "请更正标出的字段。", "请从列表中选择。", "该经销商没有此编号的记录。"],
    ] as const) {
      await getDb().updateTable("users").set({ locale }).where("id", "=", w.staff.service.id).execute();
      const assign = await desk.post(`/service/${c.id}`, { intent: "assign", assigneeId: String(gone.id) });
      expect(assign.status).toBe(400);
      const assignForm = formOf(assign.text, "assign");
      expect(assignForm).toContain(formError);
      expect(assignForm).toContain(choice);
      expect(formOf(assign.text, "link")).not.toContain(formError);
      const link = await desk.post(`/service/${c.id}`, { intent: "link", kind: "order", ref: foreignNumber });
      expect(link.status).toBe(400);
      const linkForm = formOf(link.text, "link");
      expect(linkForm).toContain(formError);
      expect(linkForm).toContain(notFound);
      expect(linkForm).toContain(`value="${foreignNumber}"`);
      expect(formOf(link.text, "assign")).not.toContain(formError);
      // One error line on the page: the form's, none at the top.
      expect(link.text.split(`${formError}</div>`).length - 1).toBe(1);
    }
    expect(await state()).toEqual(before);
  });

  it("an internal note shows on the desk's page and never on the dealer's", async () => {
    const cast = await createCast();
    const c = await openServiceCase(cast.a.dealer_sales);
    const desk = await clientFor(base, cast.staff.service);
    expect((await desk.post(`/service/${c.id}`, { intent: "reply", body: "INTERNAL-ONLY supplier lot 42", visibility: "internal" })).status).toBe(200);
    expect((await desk.post(`/service/${c.id}`, { intent: "reply", body: "We will call you today.", visibility: "public" })).status).toBe(200);
    expect((await desk.post(`/service/${c.id}`, { intent: "assign", assigneeId: String(cast.staff.service.id) })).status).toBe(200);
    const deskPage = await desk.get(`/service/${c.id}`);
    expect(deskPage.text).toContain("INTERNAL-ONLY supplier lot 42");
    for (const u of [cast.a.dealer_sales, cast.a.dealer_admin, cast.a.dealer_finance]) {
      const page = await (await clientFor(base, u)).get(`/service/${c.id}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain("We will call you today.");
      expect(page.text).not.toContain("INTERNAL-ONLY");
    }
    const list = await desk.get("/service?assignee=me");
    expect(list.text).toContain(c.number);
  });

  it("the promise page: the administrator saves figures; bad figures are refused; the desk gets 403", async () => {
    const cast = await createCast();
    const admin = await clientFor(base, cast.staff.admin);
    const form: Record<string, string> = { dueSoonHours: "3", leadUserId: String(cast.staff.service.id) };
    for (const p of ["urgent", "high", "normal", "low"]) Object.assign(form, { [`${p}_response`]: "6", [`${p}_resolution`]: "30" });
    expect((await admin.post("/admin/service-promise", { ...form, high_resolution: "2" })).status).toBe(400);
    expect((await admin.post("/admin/service-promise", { ...form, low_response: "abc" })).status).toBe(400);
    expect(await getDb().selectFrom("service_promises").select("priority").execute()).toEqual([]);
    expect((await admin.post("/admin/service-promise", form)).status).toBe(200);
    const rows = await getDb().selectFrom("service_promises").select(["priority", "response_hours", "resolution_hours"]).orderBy("priority").execute();
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.response_hours === 6 && r.resolution_hours === 30)).toBe(true);
    expect((await (await clientFor(base, cast.staff.service)).post("/admin/service-promise", form)).status).toBe(403);
  });
});

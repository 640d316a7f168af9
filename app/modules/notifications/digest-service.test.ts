import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { actorFor, createCast } from "../../../tests/factories";
import { openServiceCase } from "../../../tests/factories/service";
import { setClock } from "../../../tests/helpers/clock";
import { TransitionSchema } from "~/modules/service/service.schema.server";
import { casesWaitingForDigest } from "./digest-cases.server";
import { assignCase, moveCase, replyToCase } from "~/modules/service/service.server";
import { runDigest } from "./digest.server";

// Monday 7 December 2026, 10:00 in Shanghai.
const T0 = Date.parse("2026-12-07T02:00:00Z");
const at = (h: number) => setClock(new Date(T0 + h * 3_600_000));
const digestText = async (userId: number) =>
  (await getDb().selectFrom("outbox_emails").select("text_body").where("user_id", "=", userId).where("kind", "like", "digest.%").executeTakeFirst())
    ?.text_body ?? "";

describe("digests list the service cases waiting for their reader", () => {
  it("the desk: new or unassigned and near or past the promise; a dealer: its cases waiting for it; nobody else's", async () => {
    at(0);
    const cast = await createCast();
    const desk = actorFor(cast.staff.service);
    const fresh = await openServiceCase(cast.a.dealer_sales, { subject: "Fresh case of A" });
    const asked = await openServiceCase(cast.a.dealer_sales, { subject: "Question back to A" });
    const handled = await openServiceCase(cast.b.dealer_sales, { subject: "Handled case of B" });
    const askedB = await openServiceCase(cast.b.dealer_sales, { subject: "Question back to B" });
    at(1);
    for (const c of [asked, handled, askedB]) {
      await replyToCase(desk, c.id, { body: "Looking into it.", visibility: "public" });
      await assignCase(desk, c.id, cast.staff.service.id);
    }
    await moveCase(desk, asked.id, TransitionSchema.parse({ action: "wait_for_dealer" }));
    await moveCase(desk, askedB.id, TransitionSchema.parse({ action: "wait_for_dealer" }));

    at(2);
    await runDigest("daily", { period: "2026-12-07", until: new Date(T0 + 2 * 3_600_000) });
    const deskMail = await digestText(cast.staff.service.id);
    expect(deskMail).toContain("Service cases waiting for you");
    expect(deskMail).toContain(`${fresh.number} · Fresh case of A — new, not answered yet`);
    expect(deskMail).not.toContain(handled.number);
    const dealerMail = await digestText(cast.a.dealer_finance.id);
    expect(dealerMail).toContain(`${asked.number} · Question back to A — waiting for your answer`);
    expect(dealerMail).not.toContain(fresh.number);
    expect(dealerMail).not.toContain(askedB.number);
    const otherMail = await digestText(cast.b.dealer_admin.id);
    expect(otherMail).toContain(askedB.number);
    expect(otherMail).not.toContain(asked.number);
    // Staff who do not work the queue get no case list.
    expect(await digestText(cast.staff.ops.id)).not.toContain("Service cases waiting for you");

    // 21 working hours later the fresh case's 24-hour response promise is due within the 4-hour window; then past it.
    const soon = await casesWaitingForDigest(getDb(), { desk: true, dealerIds: [] }, new Date(T0 + 21 * 3_600_000));
    expect(soon.desk.find((c) => c.id === fresh.id)?.reason).toBe("due_soon");
    const late = await casesWaitingForDigest(getDb(), { desk: true, dealerIds: [] }, new Date(T0 + 25 * 3_600_000));
    expect(late.desk.find((c) => c.id === fresh.id)?.reason).toBe("overdue");
    expect(late.desk.map((c) => c.id)).not.toContain(handled.id);
  });
});

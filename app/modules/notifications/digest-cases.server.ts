/**
 * The service cases a digest lists (decision 135). Read here, in the notifications area, from the service
 * tables: the service area sends its own notices through this one, so the digest must not import it back
 * (tests/lint/import-cycles.test.ts). Statuses as in app/modules/service/state.ts.
 */
import type { Executor } from "../../../db/client";

/** Why a case waits for its digest reader. */
export type WaitingReason = "new" | "unassigned" | "due_soon" | "overdue" | "waiting_for_dealer";
export type WaitingCase = { id: number; number: string; subject: string; dealerId: number; dealerName: string; reason: WaitingReason; dueAt: Date };

/** How many waiting cases a digest run reads at most per audience (the email shows a few and counts the rest). */
const DIGEST_CASES_MAX = 500;

/**
 * The cases that wait for a digest's reader now (decision 135): for the desk, open cases still new or
 * unassigned, or whose promise is due soon or past; for a dealer's users, their dealer's cases waiting for
 * the dealer. Read when the digest is built, so a case answered meanwhile is not asked for again.
 */
export async function casesWaitingForDigest(dbx: Executor, who: { desk: boolean; dealerIds: number[] }, at: Date) {
  // The desk's "due soon" window (service settings, the same row the service area reads).
  const settings = await dbx.selectFrom("service_settings").select("due_soon_hours").where("id", "=", 1).executeTakeFirst();
  const dueSoonHours = settings?.due_soon_hours ?? 4;
  const soon = new Date(at.getTime() + dueSoonHours * 3_600_000);
  const base = () =>
    dbx
      .selectFrom("service_cases as sc")
      .innerJoin("organisations as d", "d.id", "sc.dealer_id")
      .select([
        "sc.id",
        "sc.number",
        "sc.subject",
        "sc.dealer_id",
        "sc.status",
        "sc.assignee_id",
        "sc.first_response_at",
        "sc.response_due_at",
        "sc.resolution_due_at",
        "d.name as dealer_name",
      ]);
  const [deskRows, dealerRows] = await Promise.all([
    who.desk
      ? base()
          .where("sc.status", "in", ["new", "acknowledged", "in_progress"])
          .where((eb) =>
            eb.or([
              eb("sc.status", "=", "new"),
              eb("sc.assignee_id", "is", null),
              eb.and([eb("sc.first_response_at", "is", null), eb("sc.response_due_at", "<=", soon)]),
              eb("sc.resolution_due_at", "<=", soon),
            ]),
          )
          .orderBy("sc.resolution_due_at")
          .orderBy("sc.id")
          .limit(DIGEST_CASES_MAX)
          .execute()
      : Promise.resolve([]),
    who.dealerIds.length
      ? base()
          .where("sc.status", "=", "waiting_for_dealer")
          .where("sc.dealer_id", "in", who.dealerIds)
          .orderBy("sc.updated_at")
          .orderBy("sc.id")
          .limit(DIGEST_CASES_MAX)
          .execute()
      : Promise.resolve([]),
  ]);
  const deskReason = (r: (typeof deskRows)[number]): WaitingReason => {
    const due = !r.first_response_at && r.response_due_at < r.resolution_due_at ? r.response_due_at : r.resolution_due_at;
    if (due <= at) return "overdue";
    if (due <= soon) return "due_soon";
    return r.status === "new" ? "new" : "unassigned";
  };
  const shape = (r: (typeof deskRows)[number], reason: WaitingReason): WaitingCase => ({
    id: r.id,
    number: r.number ?? `#${r.id}`,
    subject: r.subject,
    dealerId: r.dealer_id,
    dealerName: r.dealer_name,
    reason,
    dueAt: !r.first_response_at && r.response_due_at < r.resolution_due_at ? r.response_due_at : r.resolution_due_at,
  });
  return { desk: deskRows.map((r) => shape(r, deskReason(r))), dealer: dealerRows.map((r) => shape(r, "waiting_for_dealer")) };
}

/**
 * The satisfaction survey and callback of service cases (满意度回访, issue #23 item 5; decisions 132 and 133).
 *
 * Resolving a case sends one survey to the dealer user who opened it (in that user's language), in the
 * same transaction: five one-click score links to the public page /survey/:token, a signed token
 * (~/utils/signed-token.server, the unsubscribe links' approach) naming the survey. Opening the page
 * never records anything (mail scanners prefetch links); the page's POST records the answer, once. A
 * score of 1 or 2 opens a callback for the service desk in that same transaction; the case cannot close
 * until the desk records the call (who, when, outcome).
 */
import { sql } from "kysely";
import { db, type Executor } from "../../../db/client";
import { isLocale, translate, type Locale } from "~/i18n";
import { audit } from "~/modules/audit/audit.server";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { can, scopes } from "~/modules/auth/access.server";
import { STAND_IN_ROLE, isRole } from "~/modules/auth/permissions";
import { enqueueNotice } from "~/modules/notifications/notices.server";
import { appSecret } from "~/modules/notifications/unsubscribe.server";
import { env } from "~/utils/env.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { signToken, verifyToken } from "~/utils/signed-token.server";
import { now, startOfBusinessDate } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { findCase } from "./service.queries.server";
import type { CallbackInput, SurveyAnswerInput } from "./service.schema.server";

/** A survey link works this many days after the resolution. */
const SURVEY_TTL_DAYS = 30;
/** Scores at or below this open a callback. */
export const CALLBACK_MAX_SCORE = 2;
const PURPOSE = "service-survey";

function surveyUrl(token: string, score?: number): string {
  return `${env().APP_ORIGIN}/survey/${token}${score ? `?score=${score}` : ""}`;
}

/** The signed token of a survey's links (it names the survey and expires with it). */
export function surveyToken(secret: string, surveyId: number, expiresAt: Date): string {
  return signToken(secret, PURPOSE, { s: surveyId }, expiresAt);
}

// ---------------------------------------------------------------- sending (inside the resolving transaction)

type ResolvedCase = { id: number; number: string | null; subject: string; dealer_id: number; opened_by: number; reopen_count: number };

/**
 * Writes the survey of this resolution and its email to the outbox, in the caller's transaction. One
 * survey per resolution (`round` = the case's resolutions so far); the dedupe key makes a retried
 * transaction write the email once. A disabled opener gets no survey.
 */
export async function sendSurvey(tx: Executor, c: ResolvedCase): Promise<{ surveyId: number } | null> {
  const u = await tx
    .selectFrom("users")
    .select(["id", "email", "name", "locale"])
    .where("id", "=", c.opened_by)
    .where("status", "=", "active")
    .executeTakeFirst();
  if (!u) return null;
  const L: Locale = isLocale(u.locale) ? u.locale : "zh-CN";
  const round = c.reopen_count + 1;
  const at = now();
  const expires = new Date(at.getTime() + SURVEY_TTL_DAYS * 86_400_000);
  await tx
    .insertInto("service_surveys")
    .ignore()
    .values({ case_id: c.id, dealer_id: c.dealer_id, user_id: u.id, round, locale: L, expires_at: expires, created_at: at })
    .execute();
  const survey = await tx
    .selectFrom("service_surveys")
    .select(["id", "expires_at"])
    .where("case_id", "=", c.id)
    .where("round", "=", round)
    .executeTakeFirstOrThrow();
  const token = surveyToken(await appSecret(tx), survey.id, survey.expires_at);
  const number = c.number ?? "";
  await enqueueNotice(tx, {
    dedupeKey: `service-survey:${c.id}:${round}`,
    kind: "service.survey",
    user: { id: u.id, email: u.email, name: u.name, locale: L },
    subject: translate(L, "survey.email.subject", { number }),
    heading: translate(L, "survey.email.heading"),
    intro: translate(L, "survey.email.intro", { number }),
    sections: [{ title: translate(L, "survey.email.case"), items: [{ text: `${number} · ${c.subject}`, href: `${env().APP_ORIGIN}/service/${c.id}` }] }],
    choices: {
      title: translate(L, "survey.email.question"),
      links: [1, 2, 3, 4, 5].map((n) => ({ label: String(n), href: surveyUrl(token, n) })),
      hint: translate(L, "survey.email.hint", { days: SURVEY_TTL_DAYS }),
    },
  });
  return { surveyId: survey.id };
}

// ---------------------------------------------------------------- the public page

export type SurveyView =
  | { state: "invalid" | "expired" }
  | {
      state: "open" | "answered" | "replaced";
      locale: Locale;
      caseNumber: string;
      subject: string;
      answer: { score: number; comment: string | null } | null;
    };

async function surveyOfToken(dbx: Executor, token: string) {
  const check = verifyToken(await appSecret(), PURPOSE, token);
  if (!check.ok) return { check: check.reason } as const;
  const s = check.payload.s;
  if (typeof s !== "number" || !Number.isSafeInteger(s) || s <= 0) return { check: "invalid" } as const;
  const survey = await dbx
    .selectFrom("service_surveys as sv")
    .innerJoin("service_cases as sc", "sc.id", "sv.case_id")
    .innerJoin("users as u", "u.id", "sv.user_id")
    .select([
      "sv.id",
      "sv.case_id",
      "sv.dealer_id",
      "sv.round",
      "sv.locale",
      "sc.number",
      "sc.subject",
      "sc.status",
      "sc.reopen_count",
      "u.id as user_id",
      "u.name as user_name",
      "u.email as user_email",
      "u.role as user_role",
      "u.organisation_id as user_org",
    ])
    .where("sv.id", "=", s)
    .executeTakeFirst();
  if (!survey) return { check: "invalid" } as const;
  return { check: "ok", survey } as const;
}

type SurveyRow = Extract<Awaited<ReturnType<typeof surveyOfToken>>, { check: "ok" }>["survey"];

/** The case was reopened after this survey was sent: its resolution no longer stands (decision 132). */
function replaced(s: { round: number; reopen_count: number; status: string }): boolean {
  return s.round !== s.reopen_count + 1 || (s.status !== "resolved" && s.status !== "closed");
}

async function answerOf(dbx: Executor, surveyId: number) {
  return dbx.selectFrom("service_survey_answers").select(["score", "comment"]).where("survey_id", "=", surveyId).executeTakeFirst();
}

function viewOf(s: SurveyRow, answer: { score: number; comment: string | null } | undefined): SurveyView {
  const base = { locale: isLocale(s.locale) ? s.locale : ("zh-CN" as Locale), caseNumber: s.number ?? "", subject: s.subject, answer: answer ?? null };
  if (answer) return { state: "answered", ...base };
  if (replaced(s)) return { state: "replaced", ...base };
  return { state: "open", ...base };
}

/** What the page shows (GET): never writes. */
export async function surveyView(token: string): Promise<SurveyView> {
  const r = await surveyOfToken(db, token);
  if (r.check !== "ok") return { state: r.check };
  return viewOf(r.survey, await answerOf(db, r.survey.id));
}

/**
 * Records the answer (POST), once: the case row is locked, so two answers to one survey queue and the
 * second finds the first (the unique key on survey_id backs this up). A score of 1–2 opens the callback;
 * if the dealer had already closed the case, it goes back to resolved until the call is recorded.
 */
export async function answerSurvey(token: string, input: SurveyAnswerInput, ip: string | null): Promise<SurveyView> {
  const first = await surveyOfToken(db, token);
  if (first.check !== "ok") return { state: first.check };
  return transaction("service.survey_answer", async (tx) => {
    const c = await tx
      .selectFrom("service_cases")
      .select(["id", "status", "reopen_count", "closed_at"])
      .where("id", "=", first.survey.case_id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const s = { ...first.survey, status: c.status, reopen_count: c.reopen_count };
    const existing = await answerOf(tx, s.id);
    if (existing) throw new ConflictError("survey.alreadyAnswered");
    if (replaced(s)) throw new ConflictError("survey.replaced");
    const at = now();
    await tx
      .insertInto("service_survey_answers")
      .values({ survey_id: s.id, case_id: s.case_id, score: input.score, comment: input.comment, answered_at: at })
      .execute();
    const low = input.score <= CALLBACK_MAX_SCORE;
    if (low) {
      await tx.insertInto("service_callbacks").values({ case_id: s.case_id, survey_id: s.id, dealer_id: s.dealer_id, status: "open", opened_at: at }).execute();
      if (c.status === "closed")
        await tx.updateTable("service_cases").set({ status: "resolved", closed_at: null, updated_at: at }).where("id", "=", c.id).execute();
    }
    const actor: Actor = {
      kind: "user",
      userId: s.user_id,
      role: isRole(s.user_role) ? s.user_role : STAND_IN_ROLE,
      organisationId: s.user_org,
      dealerId: s.dealer_id,
      name: s.user_name,
      email: s.user_email,
      locale: isLocale(s.locale) ? s.locale : "zh-CN",
      ip,
    };
    await audit(tx, actor, {
      action: "service.survey_answered",
      entityType: "service_case",
      entityId: s.case_id,
      dealerId: s.dealer_id,
      summary: {
        round: s.round,
        score: input.score,
        comment: !!input.comment,
        callback: low,
        ...(low && c.status === "closed" ? { status: { from: "closed", to: "resolved" } } : {}),
      },
    });
    return viewOf(s, { score: input.score, comment: input.comment });
  });
}

// ---------------------------------------------------------------- the desk: callbacks

/** 'YYYY-MM-DDTHH:mm' in the business time zone → the instant; null when it names no real date and time. */
function localInstant(local: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const [, date, h, min] = m as unknown as [string, string, string, string];
  const day = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== date || Number(h) > 23 || Number(min) > 59) return null;
  return new Date(startOfBusinessDate(date, env().BUSINESS_TZ).getTime() + (Number(h) * 60 + Number(min)) * 60_000);
}

/** Records the open callback of the case: the signed-in desk user called, when (not in the future), with what outcome. */
export async function recordCallback(actor: Actor, caseId: number, input: CallbackInput) {
  requirePermission(actor, "service:work");
  const calledAt = localInstant(input.calledAt);
  if (!calledAt) throw new ValidationError("validation.formErrors", { calledAt: ["validation.date"] });
  await transaction("service.callback", async (tx) => {
    const c = await tx
      .selectFrom("service_cases as sc")
      .select(["sc.id", "sc.dealer_id"])
      .where("sc.id", "=", caseId)
      .where(scopes.serviceCase.where(actor, "sc.dealer_id"))
      .forUpdate()
      .executeTakeFirst();
    if (!c) throw new NotFoundError();
    const cb = await tx
      .selectFrom("service_callbacks")
      .select(["id", "opened_at"])
      .where("case_id", "=", caseId)
      .where("status", "=", "open")
      .orderBy("opened_at")
      .forUpdate()
      .executeTakeFirst();
    if (!cb) throw new ConflictError("service.callback.noneOpen");
    const at = now();
    // A minute's grace: the form's time has no seconds.
    if (calledAt.getTime() > at.getTime() + 60_000) throw new ValidationError("validation.formErrors", { calledAt: ["service.callback.future"] });
    if (calledAt.getTime() < cb.opened_at.getTime() - 60_000)
      throw new ValidationError("validation.formErrors", { calledAt: ["service.callback.beforeAnswer"] });
    await tx
      .updateTable("service_callbacks")
      .set({ status: "done", called_by: actor.userId, called_at: calledAt, outcome: input.outcome, recorded_at: at })
      .where("id", "=", cb.id)
      .where("status", "=", "open")
      .execute();
    await tx.updateTable("service_cases").set({ updated_at: at }).where("id", "=", caseId).execute();
    await audit(tx, actor, {
      action: "service.callback_recorded",
      entityType: "service_case",
      entityId: caseId,
      dealerId: c.dealer_id,
      summary: { callback: cb.id, calledAt: calledAt.toISOString() },
    });
  });
}

/** Whether the case has a callback still to record (closing is refused while it has). */
export async function hasOpenCallback(dbx: Executor, caseId: number): Promise<boolean> {
  const r = await dbx.selectFrom("service_callbacks").select("id").where("case_id", "=", caseId).where("status", "=", "open").executeTakeFirst();
  return !!r;
}

/** The ids among `caseIds` with an open callback (the queue's badge). */
export async function openCallbackCases(dbx: Executor, caseIds: number[]): Promise<Set<number>> {
  if (!caseIds.length) return new Set();
  const rows = await dbx.selectFrom("service_callbacks").select("case_id").distinct().where("case_id", "in", caseIds).where("status", "=", "open").execute();
  return new Set(rows.map((r) => r.case_id));
}

/** How many cases the actor sees have a callback to record (the queue's count). */
export async function openCallbackCount(dbx: Executor, actor: Actor): Promise<number> {
  const r = await dbx
    .selectFrom("service_callbacks as cb")
    .innerJoin("service_cases as sc", "sc.id", "cb.case_id")
    .where(scopes.serviceCase.where(actor, "sc.dealer_id"))
    .where("cb.status", "=", "open")
    .select(sql<number>`COUNT(DISTINCT cb.case_id)`.as("n"))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/**
 * The case page's survey section. Every reader of the case sees the surveys sent and the dealer's
 * answers; the callbacks (and the desk's notes of the call) only readers with `service:internal`
 * (decision 133).
 */
export async function surveySection(actor: Actor, caseId: number) {
  requirePermission(actor, "service:read");
  if (!(await findCase(db, actor, caseId))) throw new NotFoundError();
  const internal = can(actor, "service:internal");
  const [surveys, callbacks] = await Promise.all([
    db
      .selectFrom("service_surveys as sv")
      .innerJoin("users as u", "u.id", "sv.user_id")
      .leftJoin("service_survey_answers as a", "a.survey_id", "sv.id")
      .select(["sv.id", "sv.round", "sv.created_at", "u.name as user_name", "a.score", "a.comment", "a.answered_at"])
      .where("sv.case_id", "=", caseId)
      .orderBy("sv.created_at", "desc")
      .orderBy("sv.round", "desc")
      .limit(50)
      .execute(),
    internal
      ? db
          .selectFrom("service_callbacks as cb")
          .leftJoin("users as u", "u.id", "cb.called_by")
          .innerJoin("service_survey_answers as a", "a.survey_id", "cb.survey_id")
          .select(["cb.id", "cb.status", "cb.opened_at", "cb.called_at", "cb.outcome", "u.name as called_by_name", "a.score"])
          .where("cb.case_id", "=", caseId)
          .orderBy("cb.opened_at", "desc")
          .limit(50)
          .execute()
      : Promise.resolve([]),
  ]);
  return {
    surveys,
    callbacks,
    canRecord: can(actor, "service:work") && callbacks.some((c) => c.status === "open"),
  };
}

// ---------------------------------------------------------------- db:check

/** Every closed case with a low score has its callback recorded; at most one answer per survey; every low score has a callback. */
export async function findSurveyInvariantViolations(dbx: Executor) {
  const closedWithoutCall = await dbx
    .selectFrom("service_survey_answers as a")
    .innerJoin("service_cases as sc", "sc.id", "a.case_id")
    .leftJoin("service_callbacks as cb", "cb.survey_id", "a.survey_id")
    .select(["sc.id", "sc.number", "a.survey_id", "a.score", "cb.status as callback_status"])
    .where("a.score", "<=", CALLBACK_MAX_SCORE)
    .where((eb) => eb.or([eb("cb.id", "is", null), eb.and([eb("sc.status", "=", "closed"), eb("cb.status", "!=", "done")])]))
    .limit(100)
    .execute();
  const doubleAnswers = await dbx
    .selectFrom("service_survey_answers")
    .select(["survey_id", sql<number>`COUNT(*)`.as("n")])
    .groupBy("survey_id")
    .having(sql`COUNT(*)`, ">", 1)
    .limit(100)
    .execute();
  return [
    ...closedWithoutCall.map((r) => ({ ...r, problem: r.callback_status ? "closed with the callback not recorded" : "low score without a callback" })),
    ...doubleAnswers.map((r) => ({ ...r, problem: "more than one answer to a survey" })),
  ];
}

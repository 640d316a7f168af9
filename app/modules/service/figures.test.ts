import { describe, expect, it } from "vitest";
import { actorFor, createCast } from "../../../tests/factories";
import { openServiceCase } from "../../../tests/factories/service";
import { setClock } from "../../../tests/helpers/clock";
import { ForbiddenError } from "~/utils/errors";
import { summarise, type FigureCase } from "./figures";
import { percentile } from "~/utils/stats";
import { exportFigures, promiseRecord, serviceFigures } from "./figures.server";
import { TransitionSchema } from "./service.schema.server";
import { moveCase, replyToCase } from "./service.server";
import { answerSurvey } from "./survey.server";
import { getDb } from "../../../tests/helpers/db";

// Monday 7 December 2026, 10:00 in Shanghai: a week without holidays, so working hours are wall-clock hours.
const T0 = Date.parse("2026-12-07T02:00:00Z");
const at = (h: number) => setClock(new Date(T0 + h * 3_600_000));

describe("percentiles and the summary (pure)", () => {
  it("nearest rank: the median and the 90th percentile are real values", () => {
    expect(percentile([10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 0.5)).toBe(5);
    expect(percentile([10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 0.9)).toBe(9);
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });
  it("a case counts for the promise once decided; reopen rate over cases resolved at least once", () => {
    const c = (o: Partial<FigureCase>): FigureCase => ({
      responseMs: null,
      resolutionMs: null,
      responseKept: null,
      resolutionKept: null,
      everResolved: false,
      reopened: false,
      score: null,
      ...o,
    });
    const s = summarise([
      c({ responseMs: 3_600_000, responseKept: true, resolutionMs: 7_200_000, resolutionKept: true, everResolved: true }),
      c({ responseMs: 3 * 3_600_000, responseKept: true, resolutionKept: null }), // still within its promise: not decided
      c({ responseKept: false }),
      c({ everResolved: true, reopened: true, responseKept: true, resolutionKept: false }),
    ]);
    expect(s).toMatchObject({ cases: 4, decided: 3, kept: 1, responseMedianH: 1, responseP90H: 3, resolutionMedianH: 2, resolutionP90H: 2 });
    expect(s.withinPromise).toBeCloseTo(1 / 3);
    expect(s.reopenRate).toBe(0.5);
    expect(summarise([])).toMatchObject({ cases: 0, withinPromise: null, reopenRate: null, responseMedianH: null, surveyed: 0, satisfactionAvg: null });
  });
  it("satisfaction: the average of the answered scores (one decimal) and the share scoring 4 or 5", () => {
    const c = (score: number | null): FigureCase => ({
      responseMs: null,
      resolutionMs: null,
      responseKept: null,
      resolutionKept: null,
      everResolved: true,
      reopened: false,
      score,
    });
    expect(summarise([c(5), c(4), c(2), c(null)])).toMatchObject({ surveyed: 3, satisfactionAvg: 3.7, satisfiedShare: 2 / 3 });
  });
});

describe("service figures on the real database, with a set clock", () => {
  it("median, p90, share within promise and reopen rate per dealer and in total; scoped to the reader", async () => {
    at(0);
    const cast = await createCast();
    const desk = actorFor(cast.staff.service);
    const c1 = await openServiceCase(cast.a.dealer_sales);
    const c2 = await openServiceCase(cast.a.dealer_sales);
    await openServiceCase(cast.a.dealer_admin); // never answered: misses its 24-hour response promise
    const cb = await openServiceCase(cast.b.dealer_sales);
    const reply = (id: number) => replyToCase(desk, id, { body: "Looking into it.", visibility: "public" });
    const move = (id: number, action: string) => moveCase(desk, id, TransitionSchema.parse({ action }));
    at(1);
    await reply(cb.id);
    at(2);
    await reply(c1.id);
    at(4);
    await reply(c2.id);
    at(10);
    await move(c1.id, "resolve");
    at(30);
    await move(c2.id, "resolve");
    at(80); // past the 72-hour resolution promise
    await move(cb.id, "resolve");
    at(81);
    await move(cb.id, "reopen");
    at(82);

    const all = await serviceFigures(desk, { by: "dealer" });
    expect(all.total).toMatchObject({
      cases: 4,
      responseMedianH: 2,
      responseP90H: 4,
      resolutionMedianH: 10, // the reopened case is not resolved any more
      resolutionP90H: 30,
      decided: 4,
      kept: 2,
      withinPromise: 0.5,
    });
    expect(all.total.reopenRate).toBeCloseTo(1 / 3);
    const byDealer = Object.fromEntries(all.rows.map((r) => [r.key, r]));
    expect(byDealer[String(cast.dealerA.id)]).toMatchObject({ cases: 3, kept: 2, decided: 3, responseMedianH: 2, reopenRate: 0 });
    expect(byDealer[String(cast.dealerB.id)]).toMatchObject({ cases: 1, kept: 0, decided: 1, withinPromise: 0, reopenRate: 1 });
    const byRegion = await serviceFigures(desk, { by: "region" });
    expect(byRegion.rows.reduce((n, r) => n + r.cases, 0)).toBe(4);

    // An account manager reads their dealers only; a period before the cases holds none.
    const am2 = await serviceFigures(actorFor(cast.am2), { by: "dealer" });
    expect(am2.rows.map((r) => r.key)).toEqual([String(cast.dealerB.id)]);
    expect((await serviceFigures(desk, { by: "dealer", from: "2026-11-01", to: "2026-11-30" })).total.cases).toBe(0);
    await expect(serviceFigures(actorFor(cast.a.dealer_admin), { by: "dealer" })).rejects.toBeInstanceOf(ForbiddenError);

    // The dashboards' record: the dealer its own cases, the account manager their dealers'.
    expect(await promiseRecord(actorFor(cast.a.dealer_finance))).toMatchObject({ days: 90, cases: 3, decided: 3, resolutionMedianH: 10 });
    expect((await promiseRecord(actorFor(cast.a.dealer_finance)))!.withinPromise).toBeCloseTo(2 / 3);
    expect(await promiseRecord(actorFor(cast.b.dealer_admin))).toMatchObject({ cases: 1, withinPromise: 0 });
    expect(await promiseRecord(actorFor(cast.staff.account_manager))).toMatchObject({ cases: 3 });
    expect(await promiseRecord(actorFor(cast.staff.ops))).toBeNull();

    // Satisfaction: the latest answered survey of each case (dealer A's two resolved cases answer 5 and 2).
    const tokenOf = async (caseId: number) => {
      const mail = await getDb()
        .selectFrom("outbox_emails")
        .select("text_body")
        .where("kind", "=", "service.survey")
        .where("dedupe_key", "like", `service-survey:${caseId}:%`)
        .executeTakeFirstOrThrow();
      return /\/survey\/([\w-]+\.[\w-]+)\?score=1/.exec(mail.text_body)![1]!;
    };
    await answerSurvey(await tokenOf(c1.id), { score: 5, comment: null }, null);
    await answerSurvey(await tokenOf(c2.id), { score: 2, comment: "Slow." }, null);
    const rated = Object.fromEntries((await serviceFigures(desk, { by: "dealer" })).rows.map((r) => [r.key, r]));
    expect(rated[String(cast.dealerA.id)]).toMatchObject({ surveyed: 2, satisfactionAvg: 3.5, satisfiedShare: 0.5 });
    expect(rated[String(cast.dealerB.id)]).toMatchObject({ surveyed: 0, satisfactionAvg: null });
    expect(await promiseRecord(actorFor(cast.a.dealer_finance))).toMatchObject({ surveyed: 2, satisfactionAvg: 3.5 });

    const csv: unknown[][] = [];
    for await (const batch of exportFigures(actorFor(cast.am2), { by: "dealer" })) csv.push(...batch);
    expect(csv.map((r) => r[1])).toEqual([String(cast.dealerB.id), ""]);
    expect(csv[1]!.slice(2, 4)).toEqual(["total", 1]);
  });
});

/**
 * The promotions a dealer's email digest lists (issue #24 item 3): the active promotions that target the
 * dealer (`targetsDealerSql`, the one definition of targeting) and that started, or entered their last
 * seven days, within the business dates a digest run covers. The digest (app/modules/notifications) decides
 * per reader which of them fall in that reader's own window; this module only reads. Promotions never
 * import notifications, so the digest may import this without a cycle (tests/lint/import-cycles.test.ts).
 */
import type { Executor } from "../../../db/client";
import { addDays, type IsoDate } from "~/utils/time";
import { PROMOTION_TERMS, targetsDealerSql } from "./promotions.server";

/** How many days before its last day a promotion is announced as ending (its last day included). */
const ENDING_SOON_DAYS = 7;

export type DigestPromotion = {
  id: number;
  dealerId: number;
  code: string;
  nameEn: string;
  nameZh: string;
  mechanism: string;
  discountKind: string | null;
  discountBp: number | null;
  discountMinor: number | null;
  rebateBp: number | null;
  rebateBasis: string | null;
  currency: string;
  startsOn: IsoDate;
  endsOn: IsoDate;
};

/** The business day from which a promotion counts as ending within ENDING_SOON_DAYS days (its last day is the 7th). */
export function endingSoonFrom(endsOn: IsoDate): IsoDate {
  return addDays(endsOn, -(ENDING_SOON_DAYS - 1));
}

/**
 * Per dealer of `dealerIds`, the active promotions that target it and that started on a business date in
 * [from, to], or whose last seven days began on one (and that have not ended by `to`). Not drafts, not
 * cancelled. Bounded: a run reads the promotions of a window of at most a month.
 */
export async function promotionsForDigest(ex: Executor, dealerIds: readonly number[], from: IsoDate, to: IsoDate): Promise<DigestPromotion[]> {
  if (!dealerIds.length || from > to) return [];
  const rows = await ex
    .selectFrom("promotions as p")
    .innerJoin("organisations as d", (j) => j.on("d.id", "in", [...dealerIds]))
    .select(["p.id", "d.id as dealer_id", ...PROMOTION_TERMS, "p.starts_on", "p.ends_on"])
    .where("p.status", "=", "active")
    .where("p.ends_on", ">=", to)
    .where((eb) =>
      eb.or([
        eb.and([eb("p.starts_on", ">=", from), eb("p.starts_on", "<=", to)]),
        eb.and([eb("p.ends_on", ">=", addDays(from, ENDING_SOON_DAYS - 1)), eb("p.ends_on", "<=", addDays(to, ENDING_SOON_DAYS - 1))]),
      ]),
    )
    .where(targetsDealerSql("p", "d"))
    .orderBy("p.ends_on")
    .orderBy("p.code")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    dealerId: r.dealer_id,
    code: r.code,
    nameEn: r.name_en,
    nameZh: r.name_zh,
    mechanism: r.mechanism,
    discountKind: r.discount_kind,
    discountBp: r.discount_bp,
    discountMinor: r.discount_minor === null ? null : Number(r.discount_minor),
    rebateBp: r.rebate_bp,
    rebateBasis: r.rebate_basis,
    currency: r.currency,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
  }));
}

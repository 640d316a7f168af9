import type { Kysely } from "kysely";
import type { Executor } from "../../../db/client";
import type { DB } from "../../../db/types";
import { addWorkingDays, type IsoDate } from "~/utils/time";

/** Configured holidays (business dates) from `from` on. */
export async function loadHolidays(db: Executor | Kysely<DB>, from: IsoDate): Promise<Set<string>> {
  const rows = await db.selectFrom("holidays").select("day").where("day", ">=", from).execute();
  return new Set(rows.map((r) => String(r.day).slice(0, 10)));
}

/** date + lead time in working days (weekends and configured holidays skipped). */
export async function workingDaysFrom(db: Executor | Kysely<DB>, date: IsoDate, days: number): Promise<IsoDate> {
  return addWorkingDays(date, days, await loadHolidays(db, date));
}

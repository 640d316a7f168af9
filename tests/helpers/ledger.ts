/** Ledger test helpers: post entries on given business dates, read statements. */
import { getDb } from "../../db/client";
import { systemActor, type Actor } from "../../app/modules/auth/actor";
import { postEntry, type EntryType, type PostEntry } from "../../app/modules/ledger/post.server";
import { transaction } from "../../app/utils/tx.server";

export const sys = (): Actor => systemActor(1, "test");

export async function post(dealerId: number, type: EntryType, amountMinor: number, businessDate: string, over: Partial<PostEntry> = {}) {
  return transaction("test.post", (tx) =>
    postEntry(tx, sys(), { dealerId, type, amountMinor, currency: "CNY", businessDate, description: `${type} ${amountMinor}`, ...over }),
  );
}

export async function statementOf(dealerId: number, period: string) {
  return getDb().selectFrom("statements").selectAll().where("dealer_id", "=", dealerId).where("period", "=", period).executeTakeFirst();
}

export async function linesOf(statementId: number) {
  return getDb().selectFrom("statement_lines").selectAll().where("statement_id", "=", statementId).orderBy("line_no").execute();
}

export async function seedFeeTypes() {
  await getDb()
    .insertInto("fee_types")
    .values([
      { code: "freight", name_en: "Freight", name_zh: "运费", kind: "fee" },
      { code: "service", name_en: "Service fee", name_zh: "服务费", kind: "fee" },
      { code: "penalty", name_en: "Late penalty", name_zh: "滞纳金", kind: "fee" },
      { code: "volume_rebate", name_en: "Volume rebate", name_zh: "销量返利", kind: "rebate" },
    ])
    .execute();
}

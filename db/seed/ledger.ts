/**
 * Demo ledger: fee and rebate types, three months of activity for every demo
 * dealer (invoices where the orders seed posted none, payments, fees, rebates,
 * credit notes), the three statements of those months issued through the real
 * issueStatements, and statements in every state — for D001: the oldest
 * confirmed, the middle one disputed and resolved (one dispute accepted with a
 * credit note in the following month, one rejected), the last one awaiting
 * confirmation. Runs after the orders step (it reads the invoices shipments posted).
 */
import { sql, type Kysely } from "kysely";
import type { Tx } from "../client";
import type { DB } from "../types";
import type { Actor } from "../../app/modules/auth/actor";
import type { Role } from "../../app/modules/auth/permissions";
import type { FoundationIds } from "./foundation";
import { rng } from "./random";

const DEMO_FEE_TYPES = [
  { code: "freight", name_en: "Freight", name_zh: "运费", kind: "fee" },
  { code: "service", name_en: "Service fee", name_zh: "服务费", kind: "fee" },
  { code: "installation", name_en: "Installation support", name_zh: "安装支持费", kind: "fee" },
  { code: "storage", name_en: "Warehouse storage", name_zh: "仓储费", kind: "fee" },
  { code: "penalty", name_en: "Late payment penalty", name_zh: "逾期滞纳金", kind: "fee" },
  { code: "volume_rebate", name_en: "Volume rebate", name_zh: "销量返利", kind: "rebate" },
  { code: "promotion_rebate", name_en: "Promotion rebate", name_zh: "促销返利", kind: "rebate" },
  { code: "early_payment", name_en: "Early payment discount", name_zh: "提前付款折扣", kind: "rebate" },
] as const;

function userActor(ids: FoundationIds, email: string, role: Role, dealerId: number | null, organisationId: number): Actor {
  const userId = ids.users[email];
  if (!userId) throw new Error(`seed: no user ${email}`);
  return { kind: "user", userId, role, organisationId, dealerId, name: email, email, locale: "zh-CN", ip: null };
}

const pad = (n: number) => String(n).padStart(2, "0");
const round100 = (minor: number) => Math.max(100_00, Math.round(minor / 100_00) * 100_00);

export async function seedLedger(database: Kysely<DB>, ids: FoundationIds): Promise<void> {
  const tx = database as unknown as Tx;
  const { postEntry, balanceOf } = await import("../../app/modules/ledger/post.server");
  const { issueStatementsIn } = await import("../../app/modules/statements/issue.server");
  const { confirmStatementTx, disputeLineTx, resolveDisputeTx } = await import("../../app/modules/statements/statements.server");
  const { endedPeriods, periodBounds } = await import("../../app/modules/ledger/period");
  const { env } = await import("../../app/utils/env.server");
  const { addDays, startOfBusinessDate, todayIn } = await import("../../app/utils/time");
  const tz = env().BUSINESS_TZ;
  const today = todayIn(tz);

  // IGNORE: the promotions step may have created the promotion rebate's fee type already.
  await tx
    .insertInto("fee_types")
    .ignore()
    .values(DEMO_FEE_TYPES.map((f) => ({ ...f, status: "active" })))
    .execute();

  const finance = userActor(ids, "finance@demo.local", "finance", null, ids.manufacturerId);
  const system = { ...finance, kind: "system" as const, userId: null, role: "admin" as const, name: "seed" };
  const periods = endedPeriods(today, 3).reverse(); // oldest first
  const dealerCodes = Object.keys(ids.dealerIds).sort();
  const dealerFinance: Record<string, string> = { D001: "dealer_finance@demo.local", D002: "dealer_finance@dealer2.demo.local" };
  const financeOf = (code: string) => dealerFinance[code] ?? `finance@${code.toLowerCase()}.demo.local`;
  const at = (date: string, hour: number) => new Date(startOfBusinessDate(date, tz).getTime() + hour * 3_600_000);

  const post = (dealerId: number, e: Omit<Parameters<typeof postEntry>[2], "dealerId" | "currency">) =>
    postEntry(tx, finance, { dealerId, currency: "CNY", ...e });

  async function monthActivity(code: string, period: string, lastDay: string, r: ReturnType<typeof rng>) {
    const dealerId = ids.dealerIds[code]!;
    const { start } = periodBounds(period);
    const day = (d: number) => {
      const date = `${period}-${pad(Math.min(d, 28))}`;
      return date > lastDay ? lastDay : date;
    };
    // Invoices: those of the orders seed if it posted any this month, else a few of our own.
    const existing = await tx
      .selectFrom("ledger_entries")
      .select("id")
      .where("dealer_id", "=", dealerId)
      .where("entry_type", "=", "invoice")
      .where("business_date", ">=", start)
      .where("business_date", "<=", lastDay)
      .executeTakeFirst();
    if (!existing) {
      const n = r.int(2, 5);
      for (let i = 1; i <= n; i++) {
        const date = day(r.int(1, 26));
        if (date < start) continue;
        await post(dealerId, {
          type: "invoice",
          amountMinor: r.int(30_000, 420_000) * 100 + r.int(0, 99),
          businessDate: date,
          dueDate: addDays(date, 30),
          description: `货物发票 Goods invoice ${code}-${period.replace("-", "")}-${i}`,
          reference: `INV-${period.replace("-", "")}-${code}-${i}`,
        });
      }
    }
    const opening = Number(
      (
        await tx
          .selectFrom("ledger_entries")
          .select(sql<string>`COALESCE(SUM(amount_minor), 0)`.as("b"))
          .where("dealer_id", "=", dealerId)
          .where("business_date", "<", start)
          .executeTakeFirst()
      )?.b ?? 0,
    );
    if (opening > 0) {
      const date = day(r.int(10, 24));
      await post(dealerId, {
        type: "payment",
        // Most dealers pay 70–100% of what they owed at the start of the month; D005 and D006 pay slowly.
        amountMinor: -round100(opening * (code === "D005" || code === "D006" ? 0.3 + r.next() * 0.2 : 0.7 + r.next() * 0.3)),
        businessDate: date,
        description: `银行转账回款 Bank transfer ${code}`,
        reference: `BK${date.replace(/-/g, "")}${code}${r.int(1000, 9999)}`,
        sourceType: "bank",
        sourceId: `BK${date.replace(/-/g, "")}${code}${r.int(100000, 999999)}`,
      });
    }
    const freightDate = day(r.int(3, 27));
    await post(dealerId, {
      type: "fee",
      amountMinor: r.int(800, 6_500) * 100,
      businessDate: freightDate,
      dueDate: addDays(freightDate, 30),
      description: "运费 Freight",
      feeTypeCode: "freight",
      sourceType: "fee",
    });
    if (r.chance(0.6)) {
      const d = day(r.int(5, 27));
      await post(dealerId, {
        type: "fee",
        amountMinor: r.int(500, 3_000) * 100,
        businessDate: d,
        dueDate: addDays(d, 30),
        description: "售后服务费 Service fee",
        feeTypeCode: r.pick(["service", "installation", "storage"]),
        sourceType: "fee",
      });
    }
    if (r.chance(0.2)) {
      const d = day(r.int(20, 28));
      await post(dealerId, {
        type: "fee",
        amountMinor: r.int(100, 900) * 100,
        businessDate: d,
        dueDate: addDays(d, 15),
        description: "逾期付款滞纳金 Late payment penalty",
        feeTypeCode: "penalty",
        sourceType: "fee",
      });
    }
    if (r.chance(0.45)) {
      const d = day(r.int(25, 28));
      const programme = r.pick(["volume_rebate", "promotion_rebate"] as const);
      await post(dealerId, {
        type: "rebate",
        amountMinor: -r.int(2_000, 25_000) * 100,
        businessDate: d,
        description: programme === "volume_rebate" ? "季度销量返利 Quarterly volume rebate" : "促销活动返利 Promotion rebate",
        feeTypeCode: programme,
        reference: `${period.slice(0, 4)}-${programme === "volume_rebate" ? "VOL" : "PROMO"}-${code}`,
        sourceType: "rebate_programme",
      });
    }
    if (r.chance(0.25)) {
      const d = day(r.int(8, 28));
      await post(dealerId, {
        type: "credit_note",
        amountMinor: -r.int(500, 8_000) * 100,
        businessDate: d,
        description: "退货贷项 Returned goods credit",
        sourceType: "manual",
      });
    }
  }

  const statementOf = async (code: string, period: string) =>
    tx.selectFrom("statements").selectAll().where("dealer_id", "=", ids.dealerIds[code]!).where("period", "=", period).executeTakeFirst();
  const linesOf = async (statementId: number) =>
    tx
      .selectFrom("statement_lines as l")
      .innerJoin("ledger_entries as e", "e.id", "l.ledger_entry_id")
      .select(["l.id", "l.amount_minor", "e.entry_type"])
      .where("l.statement_id", "=", statementId)
      .orderBy("l.line_no")
      .execute();
  const dealerActor = (code: string) => userActor(ids, financeOf(code), "dealer_finance", ids.dealerIds[code]!, ids.dealerIds[code]!);

  for (let p = 0; p < periods.length; p++) {
    const period = periods[p]!;
    const { end } = periodBounds(period);
    for (const code of dealerCodes) await monthActivity(code, period, end, rng(7_000 + p * 100 + dealerCodes.indexOf(code)));
    const issuedOn = addDays(end, 1);
    await issueStatementsIn(tx, system, { period, issuedOn });
    // The dealers' answers, a few days after issue.
    for (const code of dealerCodes) {
      const s = await statementOf(code, period);
      if (!s) continue;
      const oldest = p === 0;
      const middle = p === 1;
      const answerAt = at(addDays(issuedOn, 3 + (dealerCodes.indexOf(code) % 4)), 10);
      if (oldest && code !== "D005") await confirmStatementTx(tx, dealerActor(code), s.id, { version: s.version }, answerAt);
      if (middle && (code === "D001" || code === "D003")) {
        const lines = await linesOf(s.id);
        const invoice = lines.filter((l) => l.entry_type === "invoice").sort((a, b) => b.amount_minor - a.amount_minor)[0];
        const fee = lines.find((l) => l.entry_type === "fee");
        const actor = dealerActor(code);
        const disputes: number[] = [];
        if (invoice)
          disputes.push(
            (
              await disputeLineTx(tx, actor, s.id, {
                lineId: invoice.id,
                reasonCode: "price_differs",
                amount: Math.round(invoice.amount_minor * 0.05),
                comment: "单价应按特价申请 Q-2026-031 执行 / Unit price should follow special bid Q-2026-031",
              })
            ).disputeId,
          );
        if (fee)
          disputes.push(
            (
              await disputeLineTx(tx, actor, s.id, {
                lineId: fee.id,
                reasonCode: "quantity_differs",
                amount: fee.amount_minor,
                comment: "该批货物为自提，不应收运费 / Goods were collected, no freight",
              })
            ).disputeId,
          );
        // Realistic times for the demo queue (the domain stamps "now").
        if (disputes.length) await tx.updateTable("disputes").set({ created_at: answerAt }).where("id", "in", disputes).execute();
        const fresh = await statementOf(code, period);
        if (code === "D001") {
          await confirmStatementTx(tx, actor, s.id, { version: fresh!.version }, answerAt);
          // Finance answers a week after issue; the credit note lands in the month after the disputed one.
          const decidedOn = addDays(issuedOn, 7);
          if (disputes[0])
            await resolveDisputeTx(
              tx,
              finance,
              disputes[0],
              { decision: "accept", note: "按特价申请单价调整，已开贷项通知 / Special bid price applies; credit note issued", version: 1 },
              decidedOn,
            );
          if (disputes[1])
            await resolveDisputeTx(
              tx,
              finance,
              disputes[1],
              { decision: "reject", note: "物流签收单显示由我司配送 / Carrier's delivery receipt shows our delivery", version: 1 },
              decidedOn,
            );
          if (disputes.length)
            await tx
              .updateTable("disputes")
              .set({ resolved_at: at(decidedOn, 15) })
              .where("id", "in", disputes)
              .execute();
          await tx
            .updateTable("statements")
            .set({ resolved_at: at(decidedOn, 15) })
            .where("id", "=", s.id)
            .execute();
        }
      } else if (middle && code !== "D004") {
        await confirmStatementTx(tx, dealerActor(code), s.id, { version: s.version }, answerAt);
      }
    }
  }
  // This month so far (the open period): a payment and a fee for most dealers.
  const monthStart = `${today.slice(0, 7)}-01`;
  for (const code of dealerCodes) {
    const r = rng(9_100 + dealerCodes.indexOf(code));
    const dealerId = ids.dealerIds[code]!;
    const bal = await balanceOf(tx, dealerId);
    const date = addDays(monthStart, Math.min(r.int(0, 9), Number(today.slice(8, 10)) - 1));
    if (bal > 0 && r.chance(0.8))
      await post(dealerId, {
        type: "payment",
        amountMinor: -round100(bal * 0.4),
        businessDate: date,
        description: `银行转账回款 Bank transfer ${code}`,
        reference: `BK${date.replace(/-/g, "")}${code}`,
        sourceType: "bank",
        sourceId: `BK${date.replace(/-/g, "")}${code}${r.int(100000, 999999)}`,
      });
    await post(dealerId, {
      type: "fee",
      amountMinor: r.int(800, 4_000) * 100,
      businessDate: date,
      dueDate: addDays(date, 30),
      description: "运费 Freight",
      feeTypeCode: "freight",
      sourceType: "fee",
    });
  }
}

import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { backfill } from "../../../db/migrations/2026_11_24_0100_add_ledger_description_keys";
import { actorFor } from "../../../tests/factories";
import { orderIn, orderWorld, today } from "../../../tests/factories/orders";
import { post, sys } from "../../../tests/helpers/ledger";
import { transaction } from "~/utils/tx.server";
import { bankPaymentDescription, describeEntry, descriptionKeysMatching, systemDescription, SYSTEM_DESCRIPTIONS } from "./descriptions";
import { listEntries } from "./ledger.server";
import { importPayments } from "./payments-import.server";
import { reverseEntry } from "./post.server";

const enc = (s: string) => new TextEncoder().encode(s);

describe("system descriptions of ledger entries", () => {
  it("keep the English text they always had and render it in each reader's language", () => {
    const inv = systemDescription({ key: "ledger.desc.invoice", params: { shipment: "SH-1", order: "SO-2026-000001" } });
    expect(inv.description).toBe("Invoice for shipment SH-1 (order SO-2026-000001)");
    const row = { description: inv.description, description_key: inv.descriptionKey, description_params: inv.descriptionParams };
    expect(describeEntry("en", row)).toBe("Invoice for shipment SH-1 (order SO-2026-000001)");
    expect(describeEntry("zh-CN", row)).toBe("发货开票：发货单 SH-1（订单 SO-2026-000001）");
    expect(systemDescription({ key: "ledger.desc.reversal", params: { id: 7, reason: "wrong {price}" } }).description).toBe("Reversal of #7: wrong {price}");
    expect(systemDescription(bankPaymentDescription({ date: "2026-11-20", payer: "Dealer A", reference: "D001 货款" })).description).toBe(
      "Bank payment 2026-11-20 from Dealer A: D001 货款",
    );
    expect(systemDescription(bankPaymentDescription({ date: null, payer: null, reference: "X" })).description).toBe("Bank payment: X");
    expect(systemDescription(bankPaymentDescription({ date: "2026-11-20", payer: null, reference: "X" })).description).toBe("Bank payment 2026-11-20: X");
    expect(systemDescription(bankPaymentDescription({ date: null, payer: "P", reference: "X" })).description).toBe("Bank payment from P: X");
  });

  it("show typed descriptions as typed, and fall back to the stored text for an unknown key or broken parameters", () => {
    expect(describeEntry("zh-CN", { description: "运费 Freight", description_key: null, description_params: null })).toBe("运费 Freight");
    expect(describeEntry("zh-CN", { description: "Stored", description_key: "nav.ledger", description_params: "{}" })).toBe("Stored");
    expect(describeEntry("zh-CN", { description: "Stored", description_key: "ledger.desc.invoice", description_params: "{not json" })).toBe("Stored");
    expect(describeEntry("zh-CN", { description: "Stored", description_key: "ledger.desc.invoice", description_params: "[1]" })).toBe("Stored");
    expect(SYSTEM_DESCRIPTIONS.length).toBe(10);
    expect(descriptionKeysMatching("促销返利")).toEqual(["ledger.desc.promotionRebate"]);
    expect(descriptionKeysMatching("发货开票")).toEqual(["ledger.desc.invoice"]);
    expect(descriptionKeysMatching("退货贷项")).toEqual(["ledger.desc.rmaCredit"]);
    expect(descriptionKeysMatching("bank payment")).toEqual([
      "ledger.desc.bankPayment",
      "ledger.desc.bankPaymentDated",
      "ledger.desc.bankPaymentFrom",
      "ledger.desc.bankPaymentDatedFrom",
    ]);
    expect(descriptionKeysMatching("已接受")).toEqual(["ledger.desc.disputeAccepted", "ledger.desc.disputeAcceptedNote"]);
    // Parameter names are not words of the text; blanks match nothing.
    expect(descriptionKeysMatching("shipment}")).toEqual([]);
    expect(descriptionKeysMatching("reference")).toEqual([]);
    expect(descriptionKeysMatching("  ")).toEqual([]);
  });

  it("are written by shipments, reversals and bank imports", async () => {
    const w = await orderWorld();
    await orderIn(w, "shipped");
    const db = getDb();
    const inv = await db
      .selectFrom("ledger_entries as e")
      .innerJoin("shipments as s", "s.id", "e.shipment_id")
      .innerJoin("orders as o", "o.id", "e.order_id")
      .select(["e.id", "e.description", "e.description_key", "e.description_params", "s.number as shipment", "o.number as order"])
      .where("e.entry_type", "=", "invoice")
      .executeTakeFirstOrThrow();
    expect(inv.description).toBe(`Invoice for shipment ${inv.shipment} (order ${inv.order})`);
    expect(inv.description_key).toBe("ledger.desc.invoice");
    expect(describeEntry("zh-CN", inv)).toBe(`发货开票：发货单 ${inv.shipment}（订单 ${inv.order}）`);

    const revId = await transaction("t", (tx) => reverseEntry(tx, sys(), inv.id, today(), "价格错误"));
    const rev = await db.selectFrom("ledger_entries").selectAll().where("id", "=", revId).executeTakeFirstOrThrow();
    expect(rev.description).toBe(`Reversal of #${inv.id}: 价格错误`);
    expect(describeEntry("zh-CN", rev)).toBe(`冲销 #${inv.id}：价格错误`);

    const r = await importPayments(actorFor(w.staff.finance), {
      filename: "bank.csv",
      bytes: enc(`date,amount,reference,bank_ref,payer\n2026-11-20,100,${w.dealerA.code} 货款,B-9,Dealer A`),
    });
    expect(r.posted).toHaveLength(1);
    const pay = await db.selectFrom("ledger_entries").selectAll().where("source_type", "=", "bank").executeTakeFirstOrThrow();
    expect(pay.description).toBe(`Bank payment 2026-11-20 from Dealer A: ${w.dealerA.code} 货款`);
    expect(describeEntry("zh-CN", pay)).toBe(`银行回款 2026-11-20（付款方 Dealer A）：${w.dealerA.code} 货款`);

    // Their words in either language find them in the ledger search (the stored text is English).
    const fin = actorFor(w.staff.finance);
    const search = async (q: string) => (await listEntries(fin, { q, page: 1 })).rows.map((r) => r.id).sort((x, y) => x - y);
    expect(await search("发货开票")).toEqual([inv.id]);
    expect(await search("Invoice for shipment")).toEqual([inv.id]);
    expect(await search("冲销")).toEqual([revId]);
    expect(await search("银行回款")).toEqual([pay.id]);
    expect(await search("价格错误")).toEqual([revId]); // the typed reason, in the stored text
    expect(await search("没有这样的词")).toEqual([]);
  });

  it("are filled in for entries posted before keys existed, only where the text is exactly the system's", async () => {
    const w = await orderWorld();
    await orderIn(w, "shipped");
    const db = getDb();
    const inv = await db.selectFrom("ledger_entries").selectAll().where("entry_type", "=", "invoice").executeTakeFirstOrThrow();
    const revId = await transaction("t", (tx) => reverseEntry(tx, sys(), inv.id, today(), "wrong: price"));
    const typed = await post(w.dealerA.id, "fee", 10_00, today(), { description: "Invoice for shipment by hand", sourceType: "shipment" });
    const dispute = await post(w.dealerA.id, "credit_note", -5_00, today(), {
      description: "Dispute #12 accepted (2026-10 line 3, entry #45): see mail",
      sourceType: "dispute",
    });
    const bank = await post(w.dealerA.id, "payment", -7_00, today(), { description: "Bank payment 2026-11-20: REF 1", sourceType: "bank", sourceId: "B-77" });
    // As they were before the migration: no keys.
    await db.updateTable("ledger_entries").set({ description_key: null, description_params: null }).execute();
    const before = await db.selectFrom("ledger_entries").select(["id", "description", "amount_minor", "business_date"]).orderBy("id").execute();
    await backfill(db);
    await backfill(db); // idempotent
    const after = await db.selectFrom("ledger_entries").selectAll().orderBy("id").execute();
    // Nothing but the two new columns changed.
    expect(after.map((e) => ({ id: e.id, description: e.description, amount_minor: e.amount_minor, business_date: e.business_date }))).toEqual(before);
    const byId = new Map(after.map((e) => [e.id, e]));
    const zh = (id: number) => describeEntry("zh-CN", byId.get(id)!);
    expect(byId.get(inv.id)!.description_key).toBe("ledger.desc.invoice");
    expect(zh(inv.id)).toMatch(/^发货开票：发货单 /);
    expect(zh(revId)).toBe(`冲销 #${inv.id}：wrong: price`);
    expect(zh(dispute)).toBe("争议 #12 已接受（2026-10 第 3 行，分录 #45）：see mail");
    expect(zh(bank)).toBe("银行回款 2026-11-20：REF 1");
    expect(byId.get(typed)!.description_key).toBeNull();
    // Every key it wrote renders back to exactly the stored English.
    for (const e of after.filter((x) => x.description_key)) expect(describeEntry("en", e)).toBe(e.description);
  });
});

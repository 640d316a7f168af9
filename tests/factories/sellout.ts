/** Sell-out factories: a world of two dealers with products and a key account, and a reported period. */
import { actorFor, createCast, type TestUser } from "./index";
import { createCatalogBasics, createProduct } from "./catalog";
import { createKeyAccount } from "./deals";
import { saveLine } from "../../app/modules/sellout/sellout.server";

export async function selloutWorld() {
  const cast = await createCast();
  await createCatalogBasics();
  const p1 = await createProduct({ sku: "AC-100" });
  const p2 = await createProduct({ sku: "AC-200" });
  const fridge = await createProduct({ sku: "FR-300", category: "fridge", line: "REF" });
  const ka = await createKeyAccount(cast.staff.account_manager.id);
  const code = (
    await (await import("../../db/client")).getDb().selectFrom("key_accounts").select("credit_code").where("id", "=", ka.id).executeTakeFirstOrThrow()
  ).credit_code!;
  return { ...cast, products: { p1, p2, fridge }, keyAccount: { ...ka, code } };
}
export type SelloutWorld = Awaited<ReturnType<typeof selloutWorld>>;

/** Dealer A reports a line for a period (units, revenue in minor units, optional on hand). */
export async function reportLine(
  w: SelloutWorld,
  period: string,
  line: { sku?: string; unitsSold?: number; revenue?: number; unitsOnHand?: number | null; keyAccount?: string; region?: string } = {},
) {
  return saveLine(actorFor(w.a.dealer_sales), w.dealerA.id, period, {
    sku: line.sku ?? "AC-100",
    keyAccount: line.keyAccount ?? "",
    region: line.region ?? "",
    unitsSold: line.unitsSold ?? 10,
    revenue: line.revenue ?? 1_000_000,
    unitsOnHand: line.unitsOnHand === undefined ? 5 : line.unitsOnHand,
  });
}

/** The route matrix's sell-out records: dealer A's last ended month, reported by form and by an upload. */
export async function matrixSellout(cast: { a: { dealer_sales: TestUser }; dealerA: { id: number } }, sku: string) {
  const { lastEndedPeriod } = await import("../../app/modules/sellout/period");
  const { importSellout } = await import("../../app/modules/sellout/import.server");
  const { todayIn } = await import("../../app/utils/time");
  const period = lastEndedPeriod(todayIn("Asia/Shanghai"), "month").key;
  const actor = actorFor(cast.a.dealer_sales);
  await saveLine(actor, cast.dealerA.id, period, { sku, keyAccount: "", region: "", unitsSold: 3, revenue: 30_000, unitsOnHand: 2 });
  const { jobId } = await importSellout(actor, cast.dealerA.id, {
    period,
    mode: "valid_rows",
    filename: "sellout.csv",
    bytes: new TextEncoder().encode(`sku,units_sold,revenue\n${sku},4,400\nNOPE-1,1,1\n`),
  });
  return { period, jobId };
}

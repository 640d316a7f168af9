/**
 * Availability and promise-date arithmetic (库存查询, 日期查询). Pure and
 * browser-safe: the server loads levels, incoming receipts and holidays, and
 * these functions answer "how many can ship now, how many by which ETA, and
 * when can the rest be promised?".
 */
import { REGIONS, type Region } from "~/modules/organisations/organisations.schema";
import { addWorkingDays, type IsoDate } from "~/utils/time";

/**
 * Region proximity: for each region, the regions in order of shipping
 * distance (its own first). A fixed table, not geography computed at runtime
 * (see docs/decisions/010-region-proximity.md).
 */
const REGION_PROXIMITY: Record<Region, readonly Region[]> = {
  north: ["north", "northeast", "central", "east", "west", "south"],
  northeast: ["northeast", "north", "east", "central", "west", "south"],
  east: ["east", "central", "north", "south", "northeast", "west"],
  south: ["south", "central", "east", "west", "north", "northeast"],
  central: ["central", "east", "north", "south", "west", "northeast"],
  west: ["west", "central", "south", "north", "east", "northeast"],
};

function isRegion(v: unknown): v is Region {
  return typeof v === "string" && (REGIONS as readonly string[]).includes(v);
}

/** 0 for the same region, growing with distance; unknown regions go last. */
export function regionDistance(from: string | null | undefined, to: string): number {
  if (!isRegion(from)) return 0;
  const i = REGION_PROXIMITY[from].indexOf(to as Region);
  return i < 0 ? REGIONS.length : i;
}

export type IncomingLot = { quantity: number; eta: IsoDate };

export type WarehouseStock = {
  warehouseId: number;
  code: string;
  nameEn: string;
  nameZh: string;
  region: string;
  onHand: number;
  reserved: number;
  incoming: IncomingLot[];
};

/** Available = on hand − reserved, never negative. */
export function availableOf(level: { onHand: number; reserved: number }): number {
  return Math.max(0, level.onHand - level.reserved);
}

/** Warehouses nearest to the region first; ties by more available, then by code. */
export function orderByProximity<W extends WarehouseStock>(warehouses: readonly W[], region: string | null | undefined): W[] {
  return [...warehouses].sort(
    (a, b) => regionDistance(region, a.region) - regionDistance(region, b.region) || availableOf(b) - availableOf(a) || a.code.localeCompare(b.code),
  );
}

/** An ETA in the past (an overdue receipt) is promised no earlier than today. */
function etaPromise(eta: IsoDate, today: IsoDate): IsoDate {
  return eta < today ? today : eta;
}

export type PromiseInput = {
  today: IsoDate;
  madeToOrder: boolean;
  leadTimeDays: number | null;
  holidays: ReadonlySet<string>;
  /** Available units in the warehouses considered. */
  available: number;
  /** Earliest planned incoming ETA in the warehouses considered. */
  nextEta: IsoDate | null;
};

/**
 * The earliest promise date of a product, as the stock page shows it:
 * made-to-order → today + lead time in working days (weekends and holidays skipped);
 * stock items → today when any is available, else the next ETA, else today + lead
 * time when the product has a replenishment lead time, else no date (null).
 */
export function earliestPromiseDate(p: PromiseInput): IsoDate | null {
  if (p.madeToOrder) return addWorkingDays(p.today, p.leadTimeDays ?? 0, p.holidays);
  if (p.available > 0) return p.today;
  if (p.nextEta) return etaPromise(p.nextEta, p.today);
  if (p.leadTimeDays !== null && p.leadTimeDays !== undefined) return addWorkingDays(p.today, p.leadTimeDays, p.holidays);
  return null;
}

export type PlanInput = {
  quantity: number;
  neededBy: IsoDate | null;
  region: string | null;
  today: IsoDate;
  madeToOrder: boolean;
  leadTimeDays: number | null;
  holidays: ReadonlySet<string>;
  warehouses: readonly WarehouseStock[];
};

export type WarehousePlan = {
  warehouseId: number;
  code: string;
  nameEn: string;
  nameZh: string;
  region: string;
  distance: number;
  available: number;
  incoming: IncomingLot[];
  /** Units this warehouse ships now toward the request. */
  shipNow: number;
  /** Units this warehouse ships when its incoming receipts arrive. */
  byEta: { quantity: number; date: IsoDate }[];
};

export type AvailabilityPlan = {
  quantity: number;
  neededBy: IsoDate | null;
  shipNow: number;
  byEta: { quantity: number; date: IsoDate; warehouseCode: string }[];
  /** Units neither in stock nor incoming: made/replenished within the lead time, or not promisable. */
  rest: { quantity: number; date: IsoDate | null };
  /** The date by which all units can ship (null when some cannot be promised). */
  fullDate: IsoDate | null;
  /** Units that can ship on or before neededBy (all of them when neededBy is empty and fullDate is known). */
  byNeededDate: number;
  meetsNeededBy: boolean | null;
  warehouses: WarehousePlan[];
};

/**
 * "Can I get N units by date D near region R?" Takes available stock nearest
 * first, then incoming receipts by earliest ETA (nearest first on the same day),
 * then promises the rest at today + lead time (made-to-order or a product with a
 * replenishment lead time); a stock item without one cannot promise the rest.
 */
export function planAvailability(input: PlanInput): AvailabilityPlan {
  const ordered = orderByProximity(input.warehouses, input.region);
  const plans: WarehousePlan[] = ordered.map((w) => ({
    warehouseId: w.warehouseId,
    code: w.code,
    nameEn: w.nameEn,
    nameZh: w.nameZh,
    region: w.region,
    distance: regionDistance(input.region, w.region),
    available: availableOf(w),
    incoming: [...w.incoming].sort((a, b) => (a.eta < b.eta ? -1 : a.eta > b.eta ? 1 : 0)),
    shipNow: 0,
    byEta: [],
  }));
  let left = Math.max(0, Math.trunc(input.quantity));
  let shipNow = 0;
  for (const p of plans) {
    if (left <= 0) break;
    const take = Math.min(left, p.available);
    p.shipNow = take;
    shipNow += take;
    left -= take;
  }
  const lots = plans
    .flatMap((p, order) => p.incoming.map((l) => ({ plan: p, order, quantity: l.quantity, date: etaPromise(l.eta, input.today) })))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.order - b.order));
  const byEta: AvailabilityPlan["byEta"] = [];
  for (const lot of lots) {
    if (left <= 0) break;
    const take = Math.min(left, lot.quantity);
    if (take <= 0) continue;
    const last = lot.plan.byEta[lot.plan.byEta.length - 1];
    if (last && last.date === lot.date) last.quantity += take;
    else lot.plan.byEta.push({ quantity: take, date: lot.date });
    const agg = byEta.find((b) => b.date === lot.date && b.warehouseCode === lot.plan.code);
    if (agg) agg.quantity += take;
    else byEta.push({ quantity: take, date: lot.date, warehouseCode: lot.plan.code });
    left -= take;
  }
  const canLead = input.madeToOrder || (input.leadTimeDays !== null && input.leadTimeDays !== undefined);
  const restDate = left > 0 && canLead ? addWorkingDays(input.today, input.leadTimeDays ?? 0, input.holidays) : null;
  const rest = { quantity: left, date: left > 0 ? restDate : null };
  const dates = [...(shipNow > 0 ? [input.today] : []), ...byEta.map((b) => b.date), ...(left > 0 && restDate ? [restDate] : [])];
  const fullDate = left > 0 && !restDate ? null : dates.length ? dates.reduce((a, b) => (a > b ? a : b)) : input.today;
  let byNeededDate: number;
  let meetsNeededBy: boolean | null = null;
  if (input.neededBy) {
    const d = input.neededBy;
    byNeededDate =
      (input.today <= d ? shipNow : 0) +
      byEta.filter((b) => b.date <= d).reduce((s, b) => s + b.quantity, 0) +
      (rest.date && rest.date <= d ? rest.quantity : 0);
    meetsNeededBy = byNeededDate >= input.quantity;
  } else {
    byNeededDate = shipNow;
  }
  return { quantity: input.quantity, neededBy: input.neededBy, shipNow, byEta, rest, fullDate, byNeededDate, meetsNeededBy, warehouses: plans };
}

import { describe, expect, it } from "vitest";
import { availableOf, earliestPromiseDate, orderByProximity, planAvailability, regionDistance, type WarehouseStock } from "./availability";

// 2026-11-20 is a Friday; 2026-11-23 a Monday.
const FRI = "2026-11-20";
const none = new Set<string>();

const wh = (code: string, region: string, onHand: number, reserved = 0, incoming: { quantity: number; eta: string }[] = []): WarehouseStock => ({
  warehouseId: code.length + code.charCodeAt(3),
  code,
  nameEn: code,
  nameZh: code,
  region,
  onHand,
  reserved,
  incoming,
});

describe("available and proximity", () => {
  it("available is on hand minus reserved and never negative", () => {
    expect(availableOf({ onHand: 10, reserved: 3 })).toBe(7);
    expect(availableOf({ onHand: 3, reserved: 5 })).toBe(0);
  });

  it("orders warehouses nearest region first", () => {
    const ws = [wh("WH-GZ", "south", 5), wh("WH-BJ", "north", 5), wh("WH-SH", "east", 5), wh("WH-CD", "west", 5)];
    expect(orderByProximity(ws, "north").map((w) => w.code)).toEqual(["WH-BJ", "WH-SH", "WH-CD", "WH-GZ"]);
    expect(orderByProximity(ws, "south").map((w) => w.code)).toEqual(["WH-GZ", "WH-SH", "WH-CD", "WH-BJ"]);
    expect(regionDistance("east", "east")).toBe(0);
    expect(regionDistance(null, "west")).toBe(0);
  });
});

describe("earliest promise date", () => {
  const base = { today: FRI, holidays: none, leadTimeDays: null, nextEta: null, available: 0, madeToOrder: false };
  it("is today when a stock item is available", () => {
    expect(earliestPromiseDate({ ...base, available: 1, nextEta: "2026-12-01" })).toBe(FRI);
  });
  it("is the next ETA when nothing is available; an overdue ETA is today", () => {
    expect(earliestPromiseDate({ ...base, nextEta: "2026-12-01" })).toBe("2026-12-01");
    expect(earliestPromiseDate({ ...base, nextEta: "2026-11-01" })).toBe(FRI);
  });
  it("has no date for a stock item with nothing available, nothing incoming and no lead time", () => {
    expect(earliestPromiseDate(base)).toBeNull();
    expect(earliestPromiseDate({ ...base, leadTimeDays: 3 })).toBe("2026-11-25");
  });
  it("made-to-order is today + lead time in working days, skipping weekends", () => {
    // Friday + 1 working day = Monday; + 5 = next Friday.
    expect(earliestPromiseDate({ ...base, madeToOrder: true, leadTimeDays: 1, available: 50 })).toBe("2026-11-23");
    expect(earliestPromiseDate({ ...base, madeToOrder: true, leadTimeDays: 5 })).toBe("2026-11-27");
    expect(earliestPromiseDate({ ...base, madeToOrder: true, leadTimeDays: 0 })).toBe(FRI);
  });
  it("made-to-order skips configured holidays too", () => {
    const holidays = new Set(["2026-11-23", "2026-11-24"]);
    expect(earliestPromiseDate({ ...base, madeToOrder: true, leadTimeDays: 1, holidays })).toBe("2026-11-25");
    // 10 working days over a weekend and a 5-day holiday week.
    const week = new Set(["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]);
    expect(earliestPromiseDate({ ...base, madeToOrder: true, leadTimeDays: 10, holidays: week })).toBe("2026-12-11");
  });
});

describe("availability plan (can I get N by D near R?)", () => {
  const stockItem = { today: FRI, madeToOrder: false, leadTimeDays: null, holidays: none };

  it("takes available stock from the nearest warehouses first", () => {
    const plan = planAvailability({
      ...stockItem,
      quantity: 12,
      neededBy: null,
      region: "north",
      warehouses: [wh("WH-SH", "east", 20), wh("WH-BJ", "north", 8, 1)],
    });
    expect(plan.shipNow).toBe(12);
    expect(plan.warehouses.map((w) => [w.code, w.shipNow])).toEqual([
      ["WH-BJ", 7],
      ["WH-SH", 5],
    ]);
    expect(plan.fullDate).toBe(FRI);
    expect(plan.rest.quantity).toBe(0);
  });

  it("then incoming by earliest ETA, and answers whether the date is met", () => {
    const plan = planAvailability({
      ...stockItem,
      quantity: 30,
      neededBy: "2026-12-01",
      region: "east",
      warehouses: [
        wh("WH-SH", "east", 5, 0, [{ quantity: 10, eta: "2026-12-10" }]),
        wh("WH-GZ", "south", 0, 0, [{ quantity: 10, eta: "2026-11-27" }]),
        wh("WH-BJ", "north", 3, 3, [{ quantity: 50, eta: "2026-12-20" }]),
      ],
    });
    expect(plan.shipNow).toBe(5);
    expect(plan.byEta).toEqual([
      { quantity: 10, date: "2026-11-27", warehouseCode: "WH-GZ" },
      { quantity: 10, date: "2026-12-10", warehouseCode: "WH-SH" },
      { quantity: 5, date: "2026-12-20", warehouseCode: "WH-BJ" },
    ]);
    expect(plan.byNeededDate).toBe(15);
    expect(plan.meetsNeededBy).toBe(false);
    expect(plan.fullDate).toBe("2026-12-20");
    expect(plan.rest.quantity).toBe(0);
  });

  it("cannot promise the rest of a stock item without a lead time", () => {
    const plan = planAvailability({ ...stockItem, quantity: 10, neededBy: "2026-12-31", region: null, warehouses: [wh("WH-SH", "east", 4)] });
    expect(plan.rest).toEqual({ quantity: 6, date: null });
    expect(plan.fullDate).toBeNull();
    expect(plan.meetsNeededBy).toBe(false);
  });

  it("promises made-to-order units at today + lead time in working days (holidays skipped)", () => {
    const plan = planAvailability({
      today: FRI,
      madeToOrder: true,
      leadTimeDays: 3,
      holidays: new Set(["2026-11-24"]),
      quantity: 20,
      neededBy: "2026-11-26",
      region: "east",
      warehouses: [wh("WH-SH", "east", 0)],
    });
    // Mon 23, (Tue 24 holiday), Wed 25, Thu 26.
    expect(plan.rest).toEqual({ quantity: 20, date: "2026-11-26" });
    expect(plan.meetsNeededBy).toBe(true);
    const late = planAvailability({ ...stockItem, madeToOrder: true, leadTimeDays: 5, quantity: 1, neededBy: "2026-11-26", region: null, warehouses: [] });
    expect(late.rest.date).toBe("2026-11-27");
    expect(late.meetsNeededBy).toBe(false);
  });

  it("a date before today is never met by stock shipping today", () => {
    const plan = planAvailability({ ...stockItem, quantity: 1, neededBy: "2026-11-19", region: null, warehouses: [wh("WH-SH", "east", 5)] });
    expect(plan.shipNow).toBe(1);
    expect(plan.meetsNeededBy).toBe(false);
  });
});

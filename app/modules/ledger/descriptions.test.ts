import { describe, expect, it } from "vitest";
import { ownReference, references } from "./descriptions";

describe("an entry's reference beside its order and shipment", () => {
  const invoice = { reference: "SO-2026-000001-S1", order_number: "SO-2026-000001", shipment_number: "SO-2026-000001-S1" };
  it("is left out when it repeats the shipment or order number shown beside it", () => {
    expect(ownReference(invoice)).toBeNull();
    expect(ownReference({ reference: "SO-2026-000001", order_number: "SO-2026-000001", shipment_number: null })).toBeNull();
    expect(references(invoice)).toEqual(["SO-2026-000001", "SO-2026-000001-S1"]);
  });
  it("is kept when it says something the order and shipment do not (a bank reference, a credit note number)", () => {
    expect(ownReference({ reference: "BANK-20261017-88", order_number: null, shipment_number: null })).toBe("BANK-20261017-88");
    expect(ownReference({ reference: null, order_number: "SO-2026-000001", shipment_number: null })).toBeNull();
    expect(references({ ...invoice, reference: "CN-7" })).toEqual(["SO-2026-000001", "SO-2026-000001-S1", "CN-7"]);
    expect(references({ reference: null, order_number: null, shipment_number: null })).toEqual([]);
  });
});

import { z } from "zod";
import { NotFoundError } from "./errors";

const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A numeric id from the URL; anything else is simply "not found". */
export function idParam(raw: string | undefined): number {
  if (raw === undefined || !/^\d{1,15}$/.test(raw)) throw new NotFoundError();
  const r = Id.safeParse(raw);
  if (!r.success) throw new NotFoundError();
  return r.data;
}

const ORDER_NUMBER = /^SO-\d{4}-\d{6,12}$/;

/** An order number from the URL (SO-2026-000123); anything else is simply "not found". */
export function orderNumberParam(raw: string | undefined): string {
  if (!raw || !ORDER_NUMBER.test(raw)) throw new NotFoundError();
  return raw;
}

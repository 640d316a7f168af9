/**
 * The availability check as pages run it: parse the query values, answer, and
 * turn a bad value or an unknown SKU into localized field errors (never a 500).
 */
import { translate } from "~/i18n";
import type { Actor } from "~/modules/auth/actor";
import { ValidationError } from "~/utils/errors";
import { parseObject } from "~/utils/http.server";
import { AvailabilityCheck } from "./catalog.schema.server";
import { checkAvailability } from "./catalog.server";

export type AvailabilityAnswer =
  | ({ ok: true; values: Record<string, unknown> } & Awaited<ReturnType<typeof checkAvailability>>)
  | { ok: false; fieldErrors: Record<string, string>; values: Record<string, unknown> };

export async function answerAvailability(
  request: Request,
  actor: Actor,
  values: { sku?: string; quantity?: string; neededBy?: string; region?: string },
): Promise<AvailabilityAnswer> {
  const raw = { sku: values.sku ?? "", quantity: values.quantity ?? "", neededBy: values.neededBy ?? "", region: values.region };
  const parsed = parseObject(request, AvailabilityCheck, raw);
  if (!parsed.ok) return { ok: false, fieldErrors: parsed.fieldErrors, values: raw };
  try {
    return { ok: true, values: raw, ...(await checkAvailability(actor, parsed.data)) };
  } catch (err) {
    if (err instanceof ValidationError) {
      const fieldErrors: Record<string, string> = {};
      for (const [k, v] of Object.entries(err.fieldErrors ?? {})) fieldErrors[k] = translate(actor.locale, v[0] ?? "validation.invalid", err.params);
      return { ok: false, fieldErrors, values: raw };
    }
    throw err;
  }
}

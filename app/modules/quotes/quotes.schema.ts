/** zod schemas of negotiated quotes (special bids). Browser-safe. */

export const MAX_QUOTE_LINES = 30;

/** zod reports line errors as `lines.N.field`; the form's inputs are `field_row`. */
export function remapLineErrors(fieldErrors: Record<string, string>, values: Record<string, unknown>): Record<string, string> {
  const rows: number[] = [];
  for (let i = 0; i < MAX_QUOTE_LINES; i++) if (values[`productId_${i}`] !== undefined && values[`productId_${i}`] !== "") rows.push(i);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fieldErrors)) {
    const m = /^lines\.(\d+)\.(\w+)$/.exec(k);
    out[m ? `${m[2]}_${rows[Number(m[1])] ?? 0}` : k] = v;
  }
  return out;
}

/** Rows per page of the discount-approval queue. */
export const APPROVAL_PAGE_SIZE = 25;

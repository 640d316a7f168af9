export const STATEMENT_STATUSES = ["issued", "confirmed", "disputed", "resolved"] as const;
export type StatementStatus = (typeof STATEMENT_STATUSES)[number];
export const DISPUTE_REASONS = ["price_differs", "quantity_differs", "not_received", "duplicate", "other"] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];
export const DISPUTE_STATUSES = ["open", "accepted", "rejected"] as const;

/**
 * What the dealer may still do on a statement (DESIGN.md: `issued → confirmed | disputed`,
 * `disputed → resolved`). Confirming is open until the balance is confirmed, whatever the status
 * (on a disputed or resolved statement it confirms the agreed rest); disputing a line only while
 * the statement is issued or disputed. The server and the page ask this one function.
 */
export function statementResponses(s: { status: string; confirmed_at: Date | string | null }) {
  const unconfirmed = s.confirmed_at === null;
  return { confirm: unconfirmed, dispute: unconfirmed && (s.status === "issued" || s.status === "disputed") };
}

/** /statements/:id: one page of lines, all of them or only the disputed ones. */
export const STATEMENT_LINE_VIEWS = ["all", "disputed"] as const;

/** Lines per page of the statement page. */
export const STATEMENT_LINES_PAGE_SIZE = 100;

/** The statement page showing one of its lines, marked. */
export function statementLineHref(statementId: number, lineNo: number): string {
  const page = Math.ceil(lineNo / STATEMENT_LINES_PAGE_SIZE);
  return `/statements/${statementId}?${page > 1 ? `page=${page}&` : ""}line=${lineNo}#line-${lineNo}`;
}

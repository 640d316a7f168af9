/**
 * Typed errors shared by every domain. Routes map them to HTTP in one place
 * (app/utils/http.server.ts). Messages are i18n keys, never raw text.
 */
import type { MessageKey } from "~/i18n";

/** Field name → message keys (the first is shown). */
export type FieldErrors = Record<string, MessageKey[]>;

/**
 * A refusal the user can act on. A rule about one field names it, the one way for every kind of
 * error: `fieldErrors` (a ValidationError's second argument), or `.onField(name)` on any error
 * (a 409 about a value: `new ConflictError("credit.unchanged").onField("creditLimit")`). The form
 * then marks that field (aria-invalid), shows the message next to it and keeps what was typed;
 * the banner above the form says only that fields need correcting.
 */
export class DomainError extends Error {
  readonly status: number;
  readonly messageKey: MessageKey;
  readonly params?: Record<string, string | number>;
  fieldErrors?: FieldErrors;
  constructor(status: number, messageKey: MessageKey, params?: Record<string, string | number>, fieldErrors?: FieldErrors) {
    super(messageKey);
    this.status = status;
    this.messageKey = messageKey;
    this.params = params;
    this.fieldErrors = fieldErrors;
  }

  /** Names the form field this error is about: its message is shown next to that field. */
  onField(field: string): this {
    this.fieldErrors = { ...this.fieldErrors, [field]: [this.messageKey] };
    return this;
  }
}

export class ValidationError extends DomainError {
  constructor(messageKey: MessageKey = "validation.formErrors", fieldErrors?: FieldErrors, params?: Record<string, string | number>) {
    super(400, messageKey, params, fieldErrors);
  }
}
export class ForbiddenError extends DomainError {
  constructor(messageKey: MessageKey = "error.403") {
    super(403, messageKey);
  }
}
export class NotFoundError extends DomainError {
  constructor(messageKey: MessageKey = "error.404") {
    super(404, messageKey);
  }
}
/** The record changed since it was loaded, or the transition is not allowed from its state. */
export class ConflictError extends DomainError {
  constructor(messageKey: MessageKey = "error.409", params?: Record<string, string | number>) {
    super(409, messageKey, params);
  }
}
export class TooManyRequestsError extends DomainError {
  constructor(messageKey: MessageKey = "error.429", params?: Record<string, string | number>) {
    super(429, messageKey, params);
  }
}
/** A transient failure (database gone, deadlock after retries): nothing changed, try again. */
export class UnavailableError extends DomainError {
  constructor(messageKey: MessageKey = "error.503") {
    super(503, messageKey);
  }
}

const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_CON_COUNT_ERROR",
  "ER_SERVER_SHUTDOWN",
  "ER_LOCK_DEADLOCK",
  "ER_LOCK_WAIT_TIMEOUT",
  "ER_CLIENT_INTERACTION_TIMEOUT",
  "ECONNABORTED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  // A pool cluster (several servers in DATABASE_URL) with every server out of reach for the moment.
  "POOL_NONEONLINE",
  "POOL_NOEXIST",
]);
// 1047: a Galera node that is not (yet, or no longer) part of the primary component ("WSREP has not yet prepared node").
// 1158–1161: the server's side of the connection broke mid-packet; 1317: the query was interrupted (a node shutting
// down); 1180: an error during COMMIT (a Galera node leaving the primary component while committing: under COMMIT
// the outcome is told as unknown, see tx.server.ts); 2055: the connection was lost while reading.
const TRANSIENT_ERRNOS = new Set([1213, 1205, 1020, 1047, 1053, 1158, 1159, 1160, 1161, 1180, 1317, 2006, 2013, 2055, 1927, 4031]);

/** Errors that mean "nothing happened, try again" rather than a bug. */
export function isTransientDbError(err: unknown): boolean {
  if (!err || typeof err !== "object") return false;
  const e = err as { code?: string; errno?: number; fatal?: boolean; message?: string };
  if (e.code && TRANSIENT_CODES.has(e.code)) return true;
  if (typeof e.errno === "number" && TRANSIENT_ERRNOS.has(e.errno)) return true;
  if (e.fatal) return true;
  return /Pool is closed|Connection lost|connection is in closed state|Can't add new command when connection is in closed state/i.test(e.message ?? "");
}

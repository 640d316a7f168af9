import { describe, expect, it } from "vitest";
import { isTransientDbError } from "./errors";

describe("isTransientDbError", () => {
  it("takes a lost or refused connection, a node leaving the cluster and a conflict as 'try again'", () => {
    const transient = [
      { code: "ECONNREFUSED" },
      { code: "PROTOCOL_CONNECTION_LOST", fatal: true },
      { code: "POOL_NONEONLINE" },
      { code: "POOL_NOEXIST" },
      { code: "EHOSTUNREACH" },
      { errno: 1047, code: "ER_UNKNOWN_COM_ERROR" }, // WSREP has not yet prepared node for application use
      { errno: 1180, code: "ER_ERROR_DURING_COMMIT" },
      { errno: 1317, code: "ER_QUERY_INTERRUPTED" },
      { errno: 1213, code: "ER_LOCK_DEADLOCK" },
      { errno: 1159, code: "ER_NET_READ_INTERRUPTED" },
      { message: "Can't add new command when connection is in closed state" },
    ];
    for (const e of transient) expect(isTransientDbError(Object.assign(new Error(e.message ?? "x"), e)), JSON.stringify(e)).toBe(true);
  });

  it("leaves a bug a bug", () => {
    const bugs = [
      { errno: 1064, code: "ER_PARSE_ERROR" },
      { errno: 1062, code: "ER_DUP_ENTRY" },
      { errno: 1452, code: "ER_NO_REFERENCED_ROW_2" },
      { code: "ERR_INVALID_ARG_TYPE" },
    ];
    for (const e of bugs) expect(isTransientDbError(Object.assign(new Error("x"), e)), JSON.stringify(e)).toBe(false);
    expect(isTransientDbError(null)).toBe(false);
    expect(isTransientDbError("boom")).toBe(false);
  });
});

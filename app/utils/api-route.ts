/**
 * Dealer API route wrappers (app/routes/api.v1.*.ts). Deliberately NOT `.server`, like ./route.ts: routes
 * call these at module top level; the server-only plumbing (./api.server.ts) is imported lazily inside.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { ApiScope } from "~/modules/auth/permissions";
import type { ApiContext } from "./api.server";

type Handler = (ctx: ApiContext) => Promise<unknown>;

/** A GET endpoint needing `scope`. */
export function apiGet(scope: ApiScope, handler: Handler) {
  return async ({ request, params }: LoaderFunctionArgs): Promise<Response> => {
    const { runApi } = await import("./api.server");
    return runApi(request, params, scope, handler);
  };
}

/** A POST endpoint needing `scope`; other methods are answered 405. */
export function apiPost(scope: ApiScope, handler: Handler) {
  return async ({ request, params }: ActionFunctionArgs): Promise<Response> => {
    const { runApi, methodNotAllowed } = await import("./api.server");
    if (request.method !== "POST") return methodNotAllowed(request, "POST");
    return runApi(request, params, scope, handler);
  };
}

/** The other half of a one-method endpoint: 405 with the method it takes. */
export function apiOnly(allow: "GET" | "POST") {
  return async ({ request }: LoaderFunctionArgs | ActionFunctionArgs): Promise<Response> => {
    const { methodNotAllowed } = await import("./api.server");
    return methodNotAllowed(request, allow);
  };
}

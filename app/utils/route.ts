/**
 * Loader/action wrappers. This module is deliberately NOT `.server`: routes call
 * these at module top level (`export const action = withAction(...)`), which also
 * runs in the browser bundle, where `.server` modules are empty. The server-only
 * error mapping is imported lazily, inside the wrappers, so it never runs there.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, TypedResponse } from "@remix-run/node";
import type { FormFailure } from "./http.server";

/**
 * Wraps an action: domain errors come back to the form as a localized message
 * with the right status (400/403/404/409/429/503) and the user's values kept.
 */
export function withAction<T>(fn: (args: ActionFunctionArgs) => Promise<T>) {
  return async (args: ActionFunctionArgs): Promise<T | TypedResponse<FormFailure>> => {
    try {
      return await fn(args);
    } catch (err) {
      if (err instanceof Response) throw err;
      const { errorResponse } = await import("./http.server");
      return errorResponse(args.request, err) as TypedResponse<FormFailure>;
    }
  };
}

/** Wraps a loader: domain errors become thrown responses rendered by the ErrorBoundary. */
export function withLoader<T>(fn: (args: LoaderFunctionArgs) => Promise<T>) {
  return async (args: LoaderFunctionArgs): Promise<T> => {
    try {
      return await fn(args);
    } catch (err) {
      if (err instanceof Response) throw err;
      const { errorResponse } = await import("./http.server");
      const res = errorResponse(args.request, err);
      const body = (await res.json()) as FormFailure;
      throw new Response(JSON.stringify({ message: body.formError }), {
        status: res.status,
        headers: { "Content-Type": "application/json; charset=utf-8", ...Object.fromEntries(res.headers) },
      });
    }
  };
}

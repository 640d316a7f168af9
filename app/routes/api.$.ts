import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

/** Anything else under /api: a problem document (404), never the HTML page. */
async function notFound({ request }: LoaderFunctionArgs | ActionFunctionArgs): Promise<Response> {
  const { apiNotFound } = await import("~/utils/api.server");
  return apiNotFound(request);
}
export const loader = notFound;
export const action = notFound;

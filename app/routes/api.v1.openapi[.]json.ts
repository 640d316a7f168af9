import type { LoaderFunctionArgs } from "@remix-run/node";
import { openApiDocument } from "~/modules/api/openapi.server";
import { env } from "~/utils/env.server";

/** GET /api/v1/openapi.json: the OpenAPI 3.1 document (public: it holds no dealer data). */
export async function loader(_args: LoaderFunctionArgs) {
  return new Response(JSON.stringify(openApiDocument(env().APP_ORIGIN ?? "")), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-cache" },
  });
}

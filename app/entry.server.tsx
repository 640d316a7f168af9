import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { documentResponse } from "~/utils/document-response.server";
import { NonceContext } from "./nonce";

/**
 * Documents are rendered to one string, not streamed: no route defers data
 * (there is nothing to stream), and the streaming path converted every chunk
 * node stream → web stream → node stream and kept a 5 s abort timer per request.
 * See docs/decisions/061-document-rendering.md; a route that starts using
 * defer() must bring streaming back.
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = (loadContext as { cspNonce?: string }).cspNonce;
  const html = renderToString(
    <NonceContext.Provider value={nonce}>
      <RemixServer context={remixContext} url={request.url} nonce={nonce} />
    </NonceContext.Provider>,
  );
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  // A page rendered for a 503 ("nothing changed, try again") tells clients when to retry, like the data responses do.
  if (responseStatusCode === 503 && !responseHeaders.has("Retry-After")) responseHeaders.set("Retry-After", "2");
  return documentResponse(`<!DOCTYPE html>${html}`, { headers: responseHeaders, status: responseStatusCode });
}

export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  const status = (error as { status?: number } | null)?.status;
  if (typeof status === "number" && status < 500) return;
  console.error(JSON.stringify({ level: "error", msg: "unhandled", url: request.url, error: error instanceof Error ? error.stack : String(error) }));
};

/**
 * A rendered document is one string (entry.server renders to a string, decision
 * 061). Wrapping it in a web Response and having the Express adapter read it back
 * through a web ReadableStream encoded it to bytes in JavaScript and pushed it
 * through three stream layers on every page. The entry registers the string with
 * its Response here, and server.ts writes a registered string to the socket as it
 * is (Node encodes it natively); any other response (data, CSV streams, redirects)
 * takes the stream path as before.
 */
// One table per process, shared by the server build (which bundles its own copy of this
// module) and server.ts (which imports it from source): both find it under this symbol.
const KEY = Symbol.for("dealer-desk.document-bodies");
const holder = globalThis as unknown as Record<symbol, WeakMap<Response, string> | undefined>;
const bodies: WeakMap<Response, string> = (holder[KEY] ??= new WeakMap<Response, string>());

/** A Response for a rendered document whose body server.ts may send as the string itself. */
export function documentResponse(html: string, init: ResponseInit): Response {
  const response = new Response(html, init);
  bodies.set(response, html);
  return response;
}

/** The string a document Response was made from, if it was made by documentResponse. */
export function documentBody(response: Response): string | undefined {
  return bodies.get(response);
}

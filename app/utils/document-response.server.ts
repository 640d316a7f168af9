/**
 * A rendered document is one string (entry.server renders to a string, decision
 * 061). Wrapping it in a web Response and having the Express adapter read it back
 * through a web ReadableStream encoded it to bytes in JavaScript and pushed it
 * through three stream layers on every page. The entry encodes the string once
 * (natively, Buffer.from) and registers the bytes with its Response here, and
 * server.ts writes registered bytes to the socket as they are; any other response
 * (data, CSV streams, redirects) takes the stream path as before. The Response is
 * made from the bytes, not the string: a string body is scanned for lone
 * surrogates and encoded again by the Response constructor (3 % of a stock-page
 * request's CPU), bytes are only copied. Its body stays complete for any other reader.
 */
// One table per process, shared by the server build (which bundles its own copy of this
// module) and server.ts (which imports it from source): both find it under this symbol.
const KEY = Symbol.for("dealer-desk.document-bodies");
const holder = globalThis as unknown as Record<symbol, WeakMap<Response, Uint8Array> | undefined>;
const bodies: WeakMap<Response, Uint8Array> = (holder[KEY] ??= new WeakMap<Response, Uint8Array>());

/** A Response for a rendered document whose body server.ts may send as the bytes themselves. */
export function documentResponse(html: string, init: ResponseInit): Response {
  const bytes = Buffer.from(html, "utf8");
  const response = new Response(bytes, init);
  bodies.set(response, bytes);
  return response;
}

/** The bytes a document Response was made from, if it was made by documentResponse. */
export function documentBody(response: Response): Uint8Array | undefined {
  return bodies.get(response);
}

import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireActor } from "~/modules/auth/auth.server";
import { readAttachment } from "~/modules/service/service.server";
import { idParam } from "~/utils/params.server";
import { withLoader } from "~/utils/route";

/**
 * A service case's attachment, through the case's own access rules (another dealer: 404; an internal
 * file: 404 to a dealer). Served with its checked type, as a download unless it is an image, never sniffed.
 */
export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "service:read");
  const file = await readAttachment(actor, idParam(params.id), idParam(params.attachmentId));
  const inline = file.contentType.startsWith("image/") || file.contentType === "application/pdf";
  return new Response(Buffer.from(file.bytes), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(file.bytes.length),
      "Content-Disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      "Cache-Control": "private, no-store",
      "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    },
  });
});

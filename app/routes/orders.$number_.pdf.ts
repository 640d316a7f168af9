import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireActor } from "~/modules/auth/auth.server";
import { DocumentQuery } from "~/modules/documents/documents.schema.server";
import { orderConfirmationPdf } from "~/modules/documents/documents.server";
import { pdfResponse } from "~/modules/documents/pdf.server";
import { parseQuery } from "~/utils/http.server";
import { orderNumberParam } from "~/utils/params.server";
import { localeOf } from "~/utils/request.server";
import { withLoader } from "~/utils/route";

/** The order confirmation as a PDF download, in the reader's language (or `?lang=`); the order page's access rules. */
export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "order:read");
  const { lang } = parseQuery(request, DocumentQuery);
  const { bytes, filename } = await orderConfirmationPdf(actor, orderNumberParam(params.number), lang ?? localeOf(request));
  return pdfResponse(bytes, filename);
});

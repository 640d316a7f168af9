import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireActor } from "~/modules/auth/auth.server";
import { DocumentQuery } from "~/modules/documents/documents.schema.server";
import { statementPdf } from "~/modules/documents/documents.server";
import { pdfResponse } from "~/modules/documents/pdf.server";
import { parseQuery } from "~/utils/http.server";
import { idParam } from "~/utils/params.server";
import { localeOf } from "~/utils/request.server";
import { withLoader } from "~/utils/route";

/** The statement as a PDF download, in the reader's language (or `?lang=`); the statement page's access rules. */
export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "ledger:read");
  const { lang } = parseQuery(request, DocumentQuery);
  const { bytes, filename } = await statementPdf(actor, idParam(params.id), lang ?? localeOf(request));
  return pdfResponse(bytes, filename);
});

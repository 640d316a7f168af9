/** Service cases written through the domain functions (app/modules/service). */
import { getDb } from "../../db/client";
import { openCase } from "../../app/modules/service/service.server";
import type { OpenCaseInput } from "../../app/modules/service/service.schema.server";
import { actorFor, type TestUser } from "./index";

/** The smallest valid PNG (1×1), a JPEG header and a PDF header: content the attachment check accepts. */
export const PNG_BYTES = Uint8Array.from(
  Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"),
);
export const PDF_BYTES = new TextEncoder().encode("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

export async function openServiceCase(user: TestUser, over: Partial<OpenCaseInput> & { files?: boolean } = {}) {
  const { files, ...rest } = over;
  const input: OpenCaseInput = {
    about: "account",
    orderLineId: null,
    shipmentId: null,
    sku: null,
    serialNo: null,
    caseType: "quality_fault",
    priority: "normal",
    subject: "Compressor noise after installation",
    description: "The unit hums loudly after two days of use.",
    keyAccountId: null,
    endCustomer: null,
    ...rest,
  };
  const { id, number } = await openCase(actorFor(user), input, files ? [{ name: "photo.png", bytes: PNG_BYTES }] : []);
  const attachmentIds = (await getDb().selectFrom("service_attachments").select("id").where("case_id", "=", id).orderBy("id").execute()).map((r) => r.id);
  return { id, number, attachmentIds };
}

/** Reading a service form that may carry files: a file over the limit is a field error on `files`, an unreadable body a 400. */
import { badIntent } from "~/utils/intent.server";
import { ValidationError } from "~/utils/errors";
import { readUploadForm } from "~/utils/upload.server";
import { MAX_ATTACHMENT_BYTES } from "./service.schema";

export async function readCaseForm(request: Request) {
  const r = await readUploadForm(request, { field: "files", maxPartSize: MAX_ATTACHMENT_BYTES });
  if (r.ok) return { form: r.form, files: r.files };
  if (r.reason === "too_large")
    throw new ValidationError("validation.formErrors", { files: ["service.attachments.tooLarge"] }, { max: MAX_ATTACHMENT_BYTES / 1_048_576 });
  return badIntent(request);
}

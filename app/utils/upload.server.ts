/**
 * Forms that may carry files (service cases): multipart bodies are read with a per-file size limit, so a
 * file over it is refused as a field error (never a 500); other bodies are read as a plain form.
 */
import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";

export type UploadForm = { ok: true; form: FormData; files: Array<{ name: string; bytes: Uint8Array }> } | { ok: false; reason: "too_large" | "unreadable" };

export async function readUploadForm(request: Request, opts: { field: string; maxPartSize: number }): Promise<UploadForm> {
  const type = (request.headers.get("Content-Type") ?? "").toLowerCase();
  let form: FormData;
  try {
    form = type.startsWith("multipart/form-data")
      ? await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: opts.maxPartSize }))
      : await request.formData();
  } catch (err) {
    return { ok: false, reason: err instanceof MaxPartSizeExceededError ? "too_large" : "unreadable" };
  }
  const files: Array<{ name: string; bytes: Uint8Array }> = [];
  for (const v of form.getAll(opts.field)) {
    if (typeof v === "string") continue;
    files.push({ name: v.name, bytes: new Uint8Array(await v.arrayBuffer()) });
  }
  form.delete(opts.field);
  return { ok: true, form, files };
}

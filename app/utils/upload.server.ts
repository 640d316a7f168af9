/**
 * Forms that may carry files (service cases). A multipart body is read to its end (the server has already
 * bounded its length by UPLOAD_LIMIT_BYTES): a file over the per-file limit is discarded as it streams and
 * reported as too large, so the reader gets a field error on a live connection — never a reset, never a
 * 500. Other bodies are read as a plain form.
 */
import { unstable_composeUploadHandlers, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";

export type UploadForm = { ok: true; form: FormData; files: Array<{ name: string; bytes: Uint8Array }> } | { ok: false; reason: "too_large" | "unreadable" };

export async function readUploadForm(request: Request, opts: { field: string; maxPartSize: number }): Promise<UploadForm> {
  const type = (request.headers.get("Content-Type") ?? "").toLowerCase();
  const files: Array<{ name: string; bytes: Uint8Array }> = [];
  let tooLarge = false;
  const fileHandler: UploadHandler = async ({ name, filename, data }) => {
    if (filename === undefined) return undefined;
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of data) {
      size += chunk.length;
      if (size <= opts.maxPartSize) chunks.push(chunk);
    }
    if (name !== opts.field) return "";
    if (size > opts.maxPartSize) tooLarge = true;
    else if (size > 0) files.push({ name: filename, bytes: Buffer.concat(chunks) });
    return "";
  };
  let form: FormData;
  try {
    form = type.startsWith("multipart/form-data")
      ? await unstable_parseMultipartFormData(
          request,
          unstable_composeUploadHandlers(fileHandler, unstable_createMemoryUploadHandler({ maxPartSize: 64 * 1024 })),
        )
      : await request.formData();
  } catch {
    return { ok: false, reason: "unreadable" };
  }
  if (tooLarge) return { ok: false, reason: "too_large" };
  if (!type.startsWith("multipart/form-data"))
    for (const v of form.getAll(opts.field)) if (typeof v !== "string") files.push({ name: v.name, bytes: new Uint8Array(await v.arrayBuffer()) });
  form.delete(opts.field);
  return { ok: true, form, files };
}

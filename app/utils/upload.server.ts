/**
 * Forms that may carry files (service cases). A multipart body is read to its end (the server has already
 * bounded its length by UPLOAD_LIMIT_BYTES): a file over the per-file limit is discarded as it streams and
 * reported as too large, so the reader gets a field error on a live connection — never a reset, never a
 * 500. Other bodies are read as a plain form.
 */
import {
  MaxPartSizeExceededError,
  json,
  unstable_composeUploadHandlers,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type UploadHandler,
} from "@remix-run/node";
import type { z } from "zod";
import { translate, type Locale, type MessageKey } from "~/i18n";
import { env } from "./env.server";
import { parseForm } from "./http.server";

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

/**
 * A form with one uploaded file and some fields (the catalog and sell-out imports): the fields parsed by
 * `schema` and the file's bytes, or the answer to send — 413 for a file over UPLOAD_LIMIT_BYTES, 400 for no
 * file or bad fields — with the error on the file field in the reader's language.
 */
export async function parseFileUpload<S extends z.ZodType>(
  request: Request,
  locale: Locale,
  schema: S,
): Promise<{ ok: true; data: z.output<S>; file: { name: string; bytes: Uint8Array } } | { ok: false; response: Response }> {
  const limit = env().UPLOAD_LIMIT_BYTES;
  const fail = (key: MessageKey, params?: Record<string, string | number>) => ({
    ok: false as const,
    response: json(
      { ok: false as const, formError: translate(locale, key, params), fieldErrors: { file: translate(locale, key, params) }, values: {} },
      { status: key === "import.tooLarge" ? 413 : 400 },
    ),
  });
  let fd: FormData;
  try {
    fd = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: limit }));
  } catch (err) {
    if (err instanceof MaxPartSizeExceededError) return fail("import.tooLarge", { max: Math.floor(limit / 1_048_576) || 1 });
    return fail("import.noFile");
  }
  const form = await parseForm(request, schema, fd);
  if (!form.ok) return { ok: false, response: json(form, { status: 400 }) };
  const file = fd.get("file");
  // No file chosen (the browser sends an empty, unnamed part) or a chosen file with nothing in it.
  if (!file || typeof file === "string" || (file.size === 0 && !file.name)) return fail("import.noFile");
  if (file.size === 0) return fail("import.empty");
  return { ok: true, data: form.data, file: { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } };
}

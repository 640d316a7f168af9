/**
 * Attachments of service cases, stored on disk under SERVICE_ATTACHMENTS_DIR (decision 130). The
 * database holds only their facts; a file's path is made from a random key, never from the name the
 * user gave; the type is decided by the file's first bytes (PNG, JPEG, WebP, PDF), not by its name or
 * its declared type. Files are read back only through the case's own permission check
 * (service.server.ts `readAttachment`).
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { env } from "~/utils/env.server";
import { ValidationError } from "~/utils/errors";
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_POST, type AttachmentType } from "./service.schema";

export type Upload = { name: string; bytes: Uint8Array };
export type StoredFile = { key: string; displayName: string; contentType: AttachmentType; size: number };

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);

/** The attachment type a file's content shows, or null when it is none of the accepted ones. */
export function sniffType(b: Uint8Array): AttachmentType | null {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(b, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x45, 0x42, 0x50], 8)) return "image/webp";
  if (startsWith(b, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf";
  return null;
}

export function attachmentsDir(): string {
  return path.resolve(env().SERVICE_ATTACHMENTS_DIR);
}

function pathOf(key: string): string {
  if (!/^[0-9a-f]{40}$/.test(key)) throw new Error("bad attachment key");
  return path.join(attachmentsDir(), key.slice(0, 2), key);
}

/** A display name: the base name the user gave, without control or path characters, at most 120 characters. */
function displayName(name: string, type: AttachmentType): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base
    .replace(/[\u0000-\u001f\u007f"<>|:*?]/g, "")
    .trim()
    .slice(0, 120);
  if (clean) return clean;
  return type === "application/pdf" ? "document.pdf" : `image.${type.split("/")[1]}`;
}

/** Checks every upload (count, size, content); throws a field error on `files` and writes nothing when one fails. */
export function checkUploads(uploads: Upload[]): Array<Upload & { type: AttachmentType }> {
  const real = uploads.filter((u) => u.bytes.length > 0);
  if (real.length > MAX_ATTACHMENTS_PER_POST)
    throw new ValidationError("validation.formErrors", { files: ["service.attachments.tooMany"] }, { max: MAX_ATTACHMENTS_PER_POST });
  return real.map((u) => {
    if (u.bytes.length > MAX_ATTACHMENT_BYTES)
      throw new ValidationError("validation.formErrors", { files: ["service.attachments.tooLarge"] }, { max: MAX_ATTACHMENT_BYTES / 1_048_576 });
    const type = sniffType(u.bytes);
    if (!type) throw new ValidationError("validation.formErrors", { files: ["service.attachments.badType"] });
    return { ...u, type };
  });
}

/** Writes checked uploads to disk; the caller records them in its transaction and calls `discard` when that fails. */
export async function storeFiles(files: Array<Upload & { type: AttachmentType }>): Promise<StoredFile[]> {
  const out: StoredFile[] = [];
  for (const f of files) {
    const key = randomBytes(20).toString("hex");
    const p = pathOf(key);
    await mkdir(path.dirname(p), { recursive: true });
    await writeFile(p, f.bytes, { flag: "wx" });
    out.push({ key, displayName: displayName(f.name, f.type), contentType: f.type, size: f.bytes.length });
  }
  return out;
}

export async function discardFiles(files: StoredFile[]): Promise<void> {
  await Promise.all(files.map((f) => rm(pathOf(f.key), { force: true })));
}

export async function readStoredFile(key: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(pathOf(key)));
  } catch {
    return null;
  }
}

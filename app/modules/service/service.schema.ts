/** Browser-safe lists and shapes of the service area (the zod schemas are in service.schema.server.ts). */
export { SERVICE_ABOUT, SERVICE_OUTCOMES, SERVICE_PRIORITIES, SERVICE_STATUSES, LINK_KINDS } from "./state";
export const SERVICE_FLAGS = ["overdue", "due_soon"] as const;
/** Attachments: what a case accepts (checked by content, not by the name or the declared type). */
export type AttachmentType = "image/png" | "image/jpeg" | "image/webp" | "application/pdf";
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_POST = 4;

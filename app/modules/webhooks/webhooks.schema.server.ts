/** The zod schemas of the webhook pages (server-only: zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_ENDPOINT_STATUSES, WEBHOOK_EVENT_TYPES } from "./webhooks.schema";

const events = z.preprocess(
  (v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]),
  z
    .array(z.enum(WEBHOOK_EVENT_TYPES))
    .max(WEBHOOK_EVENT_TYPES.length)
    .refine((a) => a.length > 0, { message: "webhooks.eventsRequired" }),
);

/** The URL's shape only; whether it may be called (scheme, host, private addresses) is the domain's rule (url.server.ts). */
const url = z.string().trim().min(1).max(2000);

export const CreateEndpointSchema = z.object({
  url,
  description: z.string().trim().max(120).default(""),
  events,
  /** Administrators choose the dealer; a dealer administrator's own dealer is taken from the actor. */
  dealerId: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().positive().optional()),
});
export type CreateEndpointInput = z.output<typeof CreateEndpointSchema>;

export const UpdateEndpointSchema = z.object({
  url,
  description: z.string().trim().max(120).default(""),
  events,
  status: z.enum(WEBHOOK_ENDPOINT_STATUSES),
});
export type UpdateEndpointInput = z.output<typeof UpdateEndpointSchema>;

export const DeliveryIdSchema = z.object({ deliveryId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export const DeliveryListQuery = z.object({
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
});

/**
 * Webhooks, browser-safe: the event types a dealer can subscribe to and the statuses of endpoints and
 * deliveries (the pages label them; the server validates with webhooks.schema.server.ts).
 */
export const WEBHOOK_EVENT_TYPES = ["order.status_changed", "shipment.created", "order.promise_date_changed", "statement.issued", "dispute.resolved"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_ENDPOINT_STATUSES = ["active", "paused"] as const;

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/react";
import { Badge, type BadgeTone } from "~/components/ui/layout";
import { WEBHOOK_EVENT_TYPES, type WebhookDeliveryStatus, type WebhookEventType } from "~/modules/webhooks/webhooks.schema";

const EVENT_LABEL: Record<WebhookEventType, MessageKey> = {
  "order.status_changed": "webhooks.event.order_status_changed",
  "shipment.created": "webhooks.event.shipment_created",
  "order.promise_date_changed": "webhooks.event.order_promise_date_changed",
  "statement.issued": "webhooks.event.statement_issued",
  "dispute.resolved": "webhooks.event.dispute_resolved",
};

/** An event type in the reader's language (the code itself when it is not one of ours). */
export function useWebhookEventLabel() {
  const t = useT();
  return (type: string) => (type in EVENT_LABEL ? t(EVENT_LABEL[type as WebhookEventType]) : type);
}

const DELIVERY_TONE: Record<WebhookDeliveryStatus, BadgeTone> = { pending: "amber", delivered: "green", failed: "red" };
const DELIVERY_LABEL: Record<WebhookDeliveryStatus, MessageKey> = {
  pending: "webhooks.deliveryStatus.pending",
  delivered: "webhooks.deliveryStatus.delivered",
  failed: "webhooks.deliveryStatus.failed",
};

export function DeliveryStatusBadge({ status }: { status: string }) {
  const t = useT();
  const s = (status in DELIVERY_TONE ? status : "pending") as WebhookDeliveryStatus;
  return <Badge tone={DELIVERY_TONE[s]}>{t(DELIVERY_LABEL[s])}</Badge>;
}

export function EndpointStatusBadge({ status }: { status: string }) {
  const t = useT();
  return status === "active" ? <Badge tone="green">{t("webhooks.status.active")}</Badge> : <Badge tone="amber">{t("webhooks.status.paused")}</Badge>;
}

/** The error of the events field: on the list, or on one of its items (an unknown event posted by hand). */
export function eventsError(errors: Record<string, string>): string | undefined {
  return errors.events ?? Object.entries(errors).find(([k]) => k.startsWith("events."))?.[1];
}

/** The events to send, as checkboxes (a fieldset named by its legend, its error under it). */
export function EventChoices({ idPrefix, chosen, error }: { idPrefix: string; chosen: readonly string[]; error?: string }) {
  const t = useT();
  const label = useWebhookEventLabel();
  return (
    <fieldset aria-invalid={error ? true : undefined} aria-describedby={error ? `${idPrefix}-events-error` : undefined}>
      <legend className="label">{t("webhooks.events")}</legend>
      <div className="grid gap-1 sm:grid-cols-2">
        {WEBHOOK_EVENT_TYPES.map((e) => (
          <label key={e} className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="events" value={e} defaultChecked={chosen.includes(e)} /> {label(e)}
            <code className="text-xs text-slate-500" translate="no">
              {e}
            </code>
          </label>
        ))}
      </div>
      {error ? (
        <p id={`${idPrefix}-events-error`} className="mt-1 text-sm text-red-600" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** Which secret is current: its last four characters (a code, not text of either language). */
export function SecretHint({ hint }: { hint: string }) {
  const t = useT();
  return (
    <>
      {t("webhooks.secretHint")}{" "}
      <code className="font-mono" translate="no">
        …{hint}
      </code>
    </>
  );
}

/** The signing secret, shown once after it was made. */
export function SecretOnce({ secret }: { secret: string }) {
  const t = useT();
  return (
    <div role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="webhook-secret">
      <p className="font-semibold">{t("webhooks.secret")}</p>
      <p className="mt-1">{t("webhooks.secretOnce")}</p>
      <code className="mt-2 block break-all rounded bg-white px-2 py-1 font-mono text-sm text-slate-900" translate="no">
        {secret}
      </code>
    </div>
  );
}

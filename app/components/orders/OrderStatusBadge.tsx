import { Badge } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
import type { MessageKey } from "~/i18n";

const TONE: Record<string, "green" | "red" | "amber" | "blue" | "slate"> = {
  draft: "slate",
  submitted: "blue",
  credit_hold: "amber",
  approved: "blue",
  rejected: "red",
  partially_shipped: "amber",
  shipped: "green",
  delivered: "green",
  cancelled: "slate",
};

export function OrderStatusBadge({ status }: { status: string }) {
  const t = useT();
  return <Badge tone={TONE[status] ?? "slate"}>{t(`orders.status.${status}` as MessageKey)}</Badge>;
}

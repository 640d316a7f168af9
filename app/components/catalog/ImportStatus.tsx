import { Badge } from "~/components/ui/layout";
import { useT } from "~/i18n/react";

const TONE: Record<string, "green" | "amber" | "red" | "blue" | "slate"> = {
  running: "blue",
  succeeded: "green",
  partial: "amber",
  rejected: "red",
  error: "red",
};

export function ImportStatusBadge({ status }: { status: string }) {
  const t = useT();
  return <Badge tone={TONE[status] ?? "slate"}>{t(`import.status.${status}` as "import.status.running")}</Badge>;
}

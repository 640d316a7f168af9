import { Badge } from "~/components/ui/layout";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/react";

const TONE: Record<string, "green" | "red" | "blue" | "amber" | "slate"> = {
  succeeded: "green",
  failed: "red",
  running: "blue",
  queued: "amber",
  skipped: "slate",
};

export function RunStatus({ status }: { status: string }) {
  const t = useT();
  return <Badge tone={TONE[status] ?? "slate"}>{t(`jobs.status.${status}` as MessageKey)}</Badge>;
}

export function Duration({ ms }: { ms: number | null }) {
  const t = useT();
  if (ms === null) return <>—</>;
  const s = Math.round(ms / 1000);
  if (s < 60) return <>{t("jobs.durationSeconds", { n: ms < 1000 ? (ms / 1000).toFixed(1) : s })}</>;
  return <>{t("jobs.durationMinutes", { m: Math.floor(s / 60), s: s % 60 })}</>;
}

/** The outcome of a run in the reader's language (falls back to the stored English summary). */
export function RunOutcome({
  run,
}: {
  run: { message: { key: string; params?: Record<string, string | number> } | null; summary: string | null; error: string | null };
}) {
  const t = useT();
  if (run.error) {
    const first = run.error.split("\n")[0];
    return (
      <details className="text-red-700">
        <summary className="cursor-pointer">{first}</summary>
        <pre className="mt-1 max-w-xl overflow-x-auto whitespace-pre-wrap text-xs">{run.error}</pre>
      </details>
    );
  }
  if (run.message) return <>{t(run.message.key as MessageKey, run.message.params)}</>;
  return <>{run.summary ?? "—"}</>;
}

const OUTBOX_TONE = { pending: "amber", sent: "green", failed: "red" } as const;

export function OutboxStatusBadge({ status }: { status: string }) {
  const t = useT();
  return <Badge tone={OUTBOX_TONE[status as keyof typeof OUTBOX_TONE] ?? "slate"}>{t(`outbox.status.${status as keyof typeof OUTBOX_TONE}`)}</Badge>;
}

export const STATE_TONE = { scheduled: "blue", active: "green", ended: "slate", withdrawn: "red" } as const;

/** An outbox email's kind by name (a digest, a reminder…); a kind without a name shows its code. */
export function useOutboxKindLabel(): (kind: string) => string {
  const t = useT();
  return (kind) => {
    const key = `outbox.kinds.${kind}`;
    const label = t(key as MessageKey);
    return label === key ? kind : label;
  };
}

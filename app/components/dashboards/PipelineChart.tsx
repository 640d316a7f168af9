import { DashBarChart } from "./DashCard";
import type { MessageKey } from "~/i18n";
import { useFormat, useT } from "~/i18n/react";
import { isOpenStage } from "~/modules/deals/state";

/** Open deals' value by stage, each bar linking to the deal list of that stage (when the reader may open it). Shared by the dealer and account-manager dashboards. */
export function PipelineChart({ pipeline, linked = true }: { pipeline: { stage: string; count: number; valueMinor: number }[]; linked?: boolean }) {
  const t = useT();
  const f = useFormat();
  return (
    <DashBarChart
      title={t("dash.pipeline")}
      description={t("dash.pipelineDesc")}
      valueLabel={t("dash.value")}
      labelHeader={t("dash.stage")}
      data={pipeline
        .filter((s) => isOpenStage(s.stage))
        .map((s) => ({
          label: t(`dash.dealStage.${s.stage}` as MessageKey),
          value: s.valueMinor,
          display: `${f.money(s.valueMinor)} (${f.number(s.count)})`,
          href: linked ? `/deals?stage=${s.stage}` : undefined,
        }))}
      formatValue={(v) => f.moneyCompact(v)}
    />
  );
}

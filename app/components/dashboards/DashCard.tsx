import type { ComponentProps, ReactNode } from "react";
import { BarChart } from "~/components/ui/charts";
import { useFormat, useT } from "~/i18n/react";

/** A dashboard card: a section named by its heading (`id`), holding one chart, table or list. */
export function DashCard({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id} className="mb-2 font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** A dashboard's bar chart: its data table and "no data" labelled in the reader's language; axis ticks are counts unless `formatValue` says otherwise. */
export function DashBarChart(props: Omit<ComponentProps<typeof BarChart>, "tableLabel" | "emptyLabel">) {
  const t = useT();
  const f = useFormat();
  return <BarChart tableLabel={t("chart.dataTable")} emptyLabel={t("chart.noData")} formatValue={(v) => f.number(v)} {...props} />;
}

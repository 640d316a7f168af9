import { Form } from "@remix-run/react";
import { useIntentResult } from "~/components/intent-result";
import { Link } from "~/components/link";
import { Field, FormError, SubmitButton } from "~/components/ui/form";
import { Badge, Stat, type BadgeTone } from "~/components/ui/layout";
import { Section } from "~/components/ui/record";
import { useFormat, useT } from "~/i18n/react";

const STATUS_TONE: Record<string, BadgeTone> = {
  new: "blue",
  acknowledged: "blue",
  in_progress: "amber",
  waiting_for_dealer: "slate",
  resolved: "green",
  closed: "slate",
};
const FLAG_TONE: Record<string, BadgeTone> = { ok: "slate", due_soon: "amber", overdue: "red", met: "green", missed: "red" };

export function ServiceStatusBadge({ status }: { status: string }) {
  const t = useT();
  return <Badge tone={STATUS_TONE[status] ?? "slate"}>{t(`service.status.${status}` as "service.status.new")}</Badge>;
}

export function PromiseBadge({ flag }: { flag: string }) {
  const t = useT();
  return (
    <span data-flag={flag}>
      <Badge tone={FLAG_TONE[flag] ?? "slate"}>{t(`service.flag.${flag}` as "service.flag.ok")}</Badge>
    </span>
  );
}

/** The dashboard's service panel: open, due soon and overdue cases of what the reader sees (a dealer: its own). */
/** The dashboards' promise record (figures.server.ts promiseRecord). */
export type PromiseRecord = {
  days: number;
  decided: number;
  kept: number;
  withinPromise: number | null;
  resolutionMedianH: number | null;
  surveyed: number;
  satisfactionAvg: number | null;
  assigned: boolean;
  figures: boolean;
};

export function ServicePanel({
  d,
  dealer,
  record,
}: {
  d: { open: number; dueSoon: number; overdue: number; unassigned: number };
  dealer: boolean;
  record?: PromiseRecord | null;
}) {
  const t = useT();
  const f = useFormat();
  return (
    <Section
      title={dealer ? t("service.dashboard.mine") : t("service.dashboard.title")}
      id="dashboard-service"
      actions={
        <span className="flex flex-wrap gap-3">
          {record?.figures ? (
            <Link className="link text-sm" to="/service/figures">
              {t("service.figures.link")}
            </Link>
          ) : null}
          <Link className="link text-sm" to="/service?status=open">
            {t("service.dashboard.queue")}
          </Link>
        </span>
      }
    >
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4" data-testid="dashboard-service">
        <Stat label={t("service.counts.open")} value={f.number(d.open)} to="/service?status=open" />
        <Stat label={t("service.counts.dueSoon")} value={f.number(d.dueSoon)} to="/service?flag=due_soon" />
        <Stat label={t("service.counts.overdue")} value={f.number(d.overdue)} to="/service?flag=overdue" />
        {record ? (
          <div data-testid="dashboard-service-record">
            <Stat
              label={record.assigned ? t("service.dashboard.problemResolution", { days: record.days }) : t("service.dashboard.record", { days: record.days })}
              value={record.withinPromise === null ? "—" : f.percent(record.withinPromise)}
              hint={[
                record.decided
                  ? t("service.dashboard.recordHint", {
                      kept: record.kept,
                      decided: record.decided,
                      hours: record.resolutionMedianH === null ? "—" : f.number(record.resolutionMedianH),
                    })
                  : t("service.dashboard.recordNone"),
                record.satisfactionAvg === null
                  ? null
                  : t("service.dashboard.satisfactionHint", { score: f.number(record.satisfactionAvg), answers: record.surveyed }),
              ]
                .filter(Boolean)
                .join(" · ")}
            />
          </div>
        ) : null}
      </div>
    </Section>
  );
}

/**
 * The desk's form of quantities per order line of a case (a return, a replacement): one `qty_<order line id>`
 * input a line, labelled "order · SKU" with what is left of it (`help`), its error beside it. `fieldId` names the
 * inputs' ids where another form on the page has the same names.
 */
export function LineQuantitiesForm({
  intent,
  lines,
  fieldId,
  submit,
}: {
  intent: string;
  lines: { id: number; order_number: string | null; sku: string; help: string }[];
  fieldId?: (lineId: number) => string;
  submit: string;
}) {
  const t = useT();
  const result = useIntentResult();
  const errors = result.errors(intent);
  const values = result.values(intent);
  return (
    <Form method="post" className="mt-3 space-y-2" noValidate>
      <input type="hidden" name="intent" value={intent} />
      <FormError message={result.failure?.intent === intent ? (errors.lines ?? result.failure.formError) : undefined} />
      {lines.map((l) => {
        const name = `qty_${l.id}`;
        return (
          <Field
            key={l.id}
            id={fieldId?.(l.id)}
            name={name}
            label={`${l.order_number ?? ""} · ${l.sku}`}
            help={l.help}
            inputMode="numeric"
            defaultValue={values[name] === undefined ? undefined : String(values[name])}
            error={errors[name]}
          />
        );
      })}
      <SubmitButton className="btn-secondary" pendingText={t("common.saving")}>
        {submit}
      </SubmitButton>
    </Form>
  );
}

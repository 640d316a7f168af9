/** Sell-out pieces shared by the dealer's and the staff's pages: the status badge and a dealer's periods. */
import { Form } from "@remix-run/react";
import { Link } from "~/components/link";
import { ListTable, Th, ListEmpty } from "~/components/list";
import { SelectField, SubmitButton } from "~/components/ui/form";
import { Badge, type BadgeTone } from "~/components/ui/layout";
import { Section } from "~/components/ui/record";
import { useFormat, useT } from "~/i18n/react";

const TONE: Record<string, BadgeTone> = { not_reported: "amber", open: "blue", closed: "slate" };

export function SelloutStatusBadge({ status }: { status: string }) {
  const t = useT();
  return (
    <span data-status={status}>
      <Badge tone={TONE[status] ?? "slate"}>{t(`sellout.status.${status}` as "sellout.status.open")}</Badge>
    </span>
  );
}

export type PeriodRow = {
  key: string;
  frequency: string;
  start: string;
  end: string;
  status: string;
  reportedAt: string | null;
  lines: number;
  unitsSold: number;
  revenueMinor: number;
  unitsOnHand: number;
  corrections: number;
};

/** A dealer's periods, newest first, each linking to its page. */
export function PeriodsTable({ dealerId, currency, periods }: { dealerId: number; currency: string; periods: PeriodRow[] }) {
  const t = useT();
  const f = useFormat();
  return (
    <ListTable
      testId="sellout-periods"
      empty={periods.length === 0 && <ListEmpty message={t("sellout.noPeriods")} />}
      head={
        <>
          <Th>{t("sellout.period")}</Th>
          <Th>{t("sellout.dates")}</Th>
          <Th>{t("sellout.status")}</Th>
          <Th num>{t("sellout.lines")}</Th>
          <Th num>{t("sellout.unitsSold")}</Th>
          <Th num>{t("sellout.revenue")}</Th>
          <Th num>{t("sellout.unitsOnHand")}</Th>
          <Th num>{t("sellout.corrections")}</Th>
          <Th>{t("sellout.reportedAt")}</Th>
        </>
      }
    >
      {periods.map((p) => (
        <tr key={p.key} data-period={p.key}>
          <td>
            <Link className="link font-mono" to={`/sellout/${dealerId}/${p.key}`}>
              {p.key}
            </Link>
          </td>
          <td className="whitespace-nowrap">
            {f.date(p.start)} – {f.date(p.end)}
          </td>
          <td>
            <SelloutStatusBadge status={p.status} />
          </td>
          <td className="text-right tabular-nums">{f.number(p.lines)}</td>
          <td className="text-right tabular-nums">{f.number(p.unitsSold)}</td>
          <td className="text-right tabular-nums">{f.money(p.revenueMinor, currency)}</td>
          <td className="text-right tabular-nums">{f.number(p.unitsOnHand)}</td>
          <td className="text-right tabular-nums">{p.corrections ? f.number(p.corrections) : "—"}</td>
          <td>{p.reportedAt ? f.dateTime(p.reportedAt) : "—"}</td>
        </tr>
      ))}
    </ListTable>
  );
}

/** The administrator's choice of a dealer's reporting frequency. */
export function FrequencyForm({ frequency, error }: { frequency: string; error?: string }) {
  const t = useT();
  return (
    <Section title={t("sellout.frequency")} id="sellout-frequency" help={t("sellout.frequency.help")}>
      <Form method="post" className="flex flex-wrap items-end gap-3" noValidate>
        <input type="hidden" name="intent" value="frequency" />
        <SelectField
          name="frequency"
          label={t("sellout.frequency")}
          defaultValue={frequency}
          error={error}
          options={(["month", "week"] as const).map((v) => ({ value: v, label: t(`sellout.frequency.${v}`) }))}
        />
        <SubmitButton name="intent" value="frequency">
          {t("sellout.frequency.save")}
        </SubmitButton>
      </Form>
    </Section>
  );
}

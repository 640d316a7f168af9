/** The ledger entries table shared by /finance/ledger and the dealer ledger view. */
import { Link } from "~/components/link";
import { Amount, EntryDescription, EntryType, SourceLinks, type EntrySource } from "~/components/ledger";
import { useFormat, useT } from "~/i18n/react";
import type { ReactNode } from "react";
import { ListTable, Th, type ListPage } from "~/components/list";
import { FilterBar, FilterInput, FilterSelect, dealerChoices } from "~/components/filters";

export type EntryRow = EntrySource & {
  id: number;
  dealer_id: number;
  dealer_code: string;
  amount_minor: number;
  currency: string;
  business_date: string;
  due_date: string | null;
  description: string;
  description_key: string | null;
  description_params: string | null;
  reversed_by_id: number | null;
  running_minor: number | null;
};

/** The entries (or, with none, `empty`) and their pager: a ListTable. */
export function EntriesTable({
  rows,
  showDealer,
  showRunning,
  pager,
  empty,
}: {
  rows: EntryRow[];
  showDealer: boolean;
  showRunning: boolean;
  pager: ListPage;
  empty: ReactNode;
}) {
  const t = useT();
  const f = useFormat();
  return (
    <ListTable
      testId="ledger-entries"
      pager={pager}
      empty={empty}
      head={
        <>
          <Th>#</Th>
          <Th>{t("ledger.businessDate")}</Th>
          {showDealer ? <Th>{t("ledger.dealer")}</Th> : null}
          <Th>{t("ledger.type")}</Th>
          <Th>{t("ledger.description")}</Th>
          <Th>{t("ledger.dueDate")}</Th>
          <Th num>{t("ledger.amount")}</Th>
          {showRunning ? <Th num>{t("ledger.balance")}</Th> : null}
        </>
      }
    >
      {rows.map((e) => (
        <tr key={e.id} className={e.reversed_by_id ? "text-slate-500" : undefined}>
          <td>
            <Link className="link" to={`/finance/ledger/entries/${e.id}`}>
              {e.id}
            </Link>
          </td>
          <td className="whitespace-nowrap">{f.date(e.business_date)}</td>
          {showDealer ? (
            <td>
              <Link className="link" to={`/finance/ledger/${e.dealer_id}`}>
                {e.dealer_code}
              </Link>
            </td>
          ) : null}
          <td className="whitespace-nowrap">
            <EntryType type={e.entry_type} />
          </td>
          <td className="wrap">
            <div>
              <EntryDescription e={e} />
            </div>
            <SourceLinks e={e} finance />
            {e.reversed_by_id ? <div className="text-xs">{t("ledger.reversedBy", { id: e.reversed_by_id })}</div> : null}
          </td>
          <td className="whitespace-nowrap">{f.date(e.due_date)}</td>
          <td className="text-right">
            <Amount minor={e.amount_minor} currency={e.currency} />
          </td>
          {showRunning ? <td className="text-right">{e.running_minor === null ? "—" : <Amount minor={e.running_minor} currency={e.currency} />}</td> : null}
        </tr>
      ))}
    </ListTable>
  );
}

export function LedgerFilters({
  query,
  dealers,
  basePath,
}: {
  query: { dealerId?: number; type?: string; from?: string; to?: string; q?: string };
  dealers?: { id: number; code: string; name: string }[];
  basePath: string;
}) {
  const t = useT();
  const types = ["invoice", "payment", "credit_note", "rebate", "fee", "adjustment"] as const;
  return (
    <FilterBar resetTo={basePath} action={basePath} reloadDocument className="sm:grid-cols-6" actionsClassName="sm:col-span-6">
      {dealers ? (
        <FilterSelect
          name="dealerId"
          label={t("ledger.dealer")}
          defaultValue={query.dealerId}
          all={t("ledger.allDealers")}
          options={dealerChoices(dealers)}
          wrapperClassName="sm:col-span-2"
        />
      ) : null}
      <FilterSelect
        name="type"
        label={t("ledger.type")}
        defaultValue={query.type}
        all
        options={types.map((ty) => ({ value: ty, label: t(`ledger.type.${ty}`) }))}
      />
      <FilterInput name="from" type="date" label={t("common.from")} defaultValue={query.from} />
      <FilterInput name="to" type="date" label={t("common.to")} defaultValue={query.to} />
      <FilterInput
        name="q"
        label={t("common.search")}
        defaultValue={query.q}
        placeholder={t("ledger.searchPlaceholder")}
        wrapperClassName={dealers ? "" : "sm:col-span-2"}
      />
    </FilterBar>
  );
}

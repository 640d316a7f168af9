/** The ledger entries table shared by /finance/ledger and the dealer ledger view. */
import { Link } from "~/components/link";
import { Amount, EntryDescription, EntryType, SourceLinks, type EntrySource } from "~/components/ledger";
import { useFormat, useT } from "~/i18n/react";
import { ScrollX } from "~/components/ui/scroll-x";

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

export function EntriesTable({ rows, showDealer, showRunning }: { rows: EntryRow[]; showDealer: boolean; showRunning: boolean }) {
  const t = useT();
  const f = useFormat();
  return (
    <ScrollX className="card p-0">
      <table className="table" data-testid="ledger-entries">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t("ledger.businessDate")}</th>
            {showDealer ? <th scope="col">{t("ledger.dealer")}</th> : null}
            <th scope="col">{t("ledger.type")}</th>
            <th scope="col">{t("ledger.description")}</th>
            <th scope="col">{t("ledger.dueDate")}</th>
            <th scope="col" className="text-right">{t("ledger.amount")}</th>
            {showRunning ? <th scope="col" className="text-right">{t("ledger.balance")}</th> : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((e) => (
            <tr key={e.id} className={e.reversed_by_id ? "text-slate-500" : undefined}>
              <td><Link className="link" to={`/finance/ledger/entries/${e.id}`}>{e.id}</Link></td>
              <td className="whitespace-nowrap">{f.date(e.business_date)}</td>
              {showDealer ? <td><Link className="link" to={`/finance/ledger/${e.dealer_id}`}>{e.dealer_code}</Link></td> : null}
              <td className="whitespace-nowrap"><EntryType type={e.entry_type} /></td>
              <td>
                <div><EntryDescription e={e} /></div>
                <SourceLinks e={e} finance />
                {e.reversed_by_id ? <div className="text-xs">{t("ledger.reversedBy", { id: e.reversed_by_id })}</div> : null}
              </td>
              <td className="whitespace-nowrap">{f.date(e.due_date)}</td>
              <td className="text-right"><Amount minor={e.amount_minor} currency={e.currency} /></td>
              {showRunning ? <td className="text-right">{e.running_minor === null ? "—" : <Amount minor={e.running_minor} currency={e.currency} />}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollX>
  );
}

export function LedgerFilters({ query, dealers, basePath }: { query: { dealerId?: number; type?: string; from?: string; to?: string; q?: string }; dealers?: { id: number; code: string; name: string }[]; basePath: string }) {
  const t = useT();
  const types = ["invoice", "payment", "credit_note", "rebate", "fee", "adjustment"] as const;
  return (
    <form method="get" action={basePath} className="card grid gap-3 sm:grid-cols-6" role="search">
      {dealers ? (
        <div className="sm:col-span-2">
          <label htmlFor="dealerId" className="label">{t("ledger.dealer")}</label>
          <select id="dealerId" name="dealerId" className="input" defaultValue={query.dealerId ?? ""}>
            <option value="">{t("ledger.allDealers")}</option>
            {dealers.map((d) => (
              <option key={d.id} value={d.id}>{d.code} · {d.name}</option>
            ))}
          </select>
        </div>
      ) : null}
      <div>
        <label htmlFor="type" className="label">{t("ledger.type")}</label>
        <select id="type" name="type" className="input" defaultValue={query.type ?? ""}>
          <option value="">{t("common.all")}</option>
          {types.map((ty) => (
            <option key={ty} value={ty}>{t(`ledger.type.${ty}`)}</option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="from" className="label">{t("common.from")}</label>
        <input id="from" name="from" type="date" className="input" defaultValue={query.from ?? ""} />
      </div>
      <div>
        <label htmlFor="to" className="label">{t("common.to")}</label>
        <input id="to" name="to" type="date" className="input" defaultValue={query.to ?? ""} />
      </div>
      <div className={dealers ? "" : "sm:col-span-2"}>
        <label htmlFor="q" className="label">{t("common.search")}</label>
        <input id="q" name="q" className="input" defaultValue={query.q ?? ""} placeholder={t("ledger.searchPlaceholder")} />
      </div>
      <div className="flex items-end gap-2 sm:col-span-6">
        <button type="submit" className="btn-primary">{t("common.apply")}</button>
        <Link to={basePath} className="btn-secondary">{t("common.reset")}</Link>
      </div>
    </form>
  );
}

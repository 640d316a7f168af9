/**
 * The filter bar of a list page: a GET form (role="search") whose fields are named after the
 * query parameters, prefilled from the current query, with Apply and Reset. The fields are the
 * shared labelled fields of ~/components/ui/form, given the parameter's name as their id.
 */
import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { Link } from "~/components/link";
import { Field, SelectField } from "~/components/ui/form";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/react";

type QueryValue = string | number | null | undefined;

/** A query value as a field's default: absent is empty. */
function shown(value: QueryValue): string {
  return value === null || value === undefined ? "" : String(value);
}

/**
 * `className` adds to "card grid gap-3" (the columns, a margin); `actionsClassName` adds to the
 * Apply/Reset cell (its span). `inline` lays the fields and buttons out in a wrapping row instead.
 * `reloadDocument` sends the form as a plain document request (no client-side navigation).
 */
export function FilterBar({
  resetTo,
  className = "",
  actionsClassName = "",
  inline = false,
  action,
  reloadDocument,
  children,
}: {
  resetTo: string;
  className?: string;
  actionsClassName?: string;
  inline?: boolean;
  action?: string;
  reloadDocument?: boolean;
  children: ReactNode;
}) {
  const t = useT();
  const buttons = (
    <>
      <button type="submit" className="btn-primary">
        {t("common.apply")}
      </button>
      <Link to={resetTo} className="btn-secondary">
        {t("common.reset")}
      </Link>
    </>
  );
  return (
    <Form
      method="get"
      action={action}
      reloadDocument={reloadDocument}
      className={`card ${inline ? "flex flex-wrap items-end" : "grid"} gap-3 ${className}`.trim()}
      role="search"
    >
      {children}
      {inline ? buttons : <div className={`flex items-end gap-2 ${actionsClassName}`.trim()}>{buttons}</div>}
    </Form>
  );
}

/**
 * A labelled select named after its query parameter. `all`: a first, empty choice ("no filter"),
 * labelled "All" when `true` or by the string given; none when absent (a sort, a required choice).
 */
export function FilterSelect({
  name,
  label,
  defaultValue,
  all,
  options,
  ...rest
}: {
  name: string;
  label: string;
  defaultValue: QueryValue;
  all?: boolean | string;
  options?: readonly { value: string | number; label: string }[];
} & Omit<React.ComponentProps<typeof SelectField>, "name" | "label" | "defaultValue" | "includeEmpty" | "options" | "id" | "value">) {
  const t = useT();
  const includeEmpty = all === true ? t("common.all") : all || undefined;
  return <SelectField id={name} name={name} label={label} defaultValue={shown(defaultValue)} includeEmpty={includeEmpty} options={options} {...rest} />;
}

/**
 * A filter over a fixed list of codes (a status, a kind), after "All": each code is shown by its catalog
 * label `<labels>.<code>`, which must exist for every code.
 */
export function CodeFilter<C extends string, P extends string>({
  name,
  label,
  value,
  codes,
  labels,
}: {
  name: string;
  label: string;
  value: QueryValue;
  codes: readonly C[];
  labels: P & (`${P}.${C}` extends MessageKey ? unknown : never);
}) {
  const t = useT();
  return (
    <FilterSelect name={name} label={label} defaultValue={value} all options={codes.map((c) => ({ value: c, label: t(`${labels}.${c}` as MessageKey) }))} />
  );
}

/** A labelled input (text, search, date, month) named after its query parameter. */
export function FilterInput({
  name,
  label,
  defaultValue,
  ...input
}: { name: string; label: string; defaultValue: QueryValue } & Omit<
  React.ComponentProps<typeof Field>,
  "name" | "label" | "defaultValue" | "id" | "value" | "children"
>) {
  return <Field id={name} name={name} label={label} defaultValue={shown(defaultValue)} {...input} />;
}

/** A list's text search: `q`, labelled "Search", two columns of the bar, a hint of what it matches. */
export function SearchFilter({ value, placeholder }: { value: QueryValue; placeholder?: string }) {
  const t = useT();
  return <FilterInput name="q" type="search" label={t("common.search")} defaultValue={value} placeholder={placeholder} wrapperClassName="sm:col-span-2" />;
}

/** A staff list's dealer filter: "code · name" choices after "all dealers". `wide`: two columns of the bar. */
export function DealerFilter({ dealers, value, wide }: { dealers: readonly { id: number; code: string; name: string }[]; value: QueryValue; wide?: boolean }) {
  const t = useT();
  return (
    <FilterSelect
      name="dealerId"
      label={t("ledger.dealer")}
      defaultValue={value}
      all={t("ledger.allDealers")}
      options={dealerChoices(dealers)}
      wrapperClassName={wide ? "sm:col-span-2" : undefined}
    />
  );
}

/** Choices of dealers, shown as "code · name". */
export function dealerChoices(dealers: readonly { id: number; code: string; name: string }[]) {
  return dealers.map((d) => ({ value: d.id, label: `${d.code} · ${d.name}` }));
}

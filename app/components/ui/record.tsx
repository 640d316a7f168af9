import type { ReactNode } from "react";

/**
 * The building blocks of a record's page (a deal, a quote, a key account, an order): a titled card
 * section, and a summary of label/value facts. One place for their markup, so every record page reads alike.
 */

/** A card with a heading (named for screen readers by `id`), optional actions beside it and a help line under it. */
export function Section({
  title,
  id,
  actions,
  help,
  className,
  children,
}: {
  title: string;
  id: string;
  actions?: ReactNode;
  help?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <section className={className ? `card ${className}` : "card"} aria-labelledby={id}>
      <div className={`${help ? "mb-1" : "mb-3"} flex flex-wrap items-center justify-between gap-2`}>
        <h2 id={id} className="font-semibold">
          {title}
        </h2>
        {actions}
      </div>
      {help ? <p className="mb-2 text-sm text-slate-600">{help}</p> : null}
      {children}
    </section>
  );
}

/**
 * A record's key facts as a description list in a card: six to a row on a laptop, three on a tablet, one on
 * a phone. `footer`: notes under the facts, in the same card (not part of the list: a list holds only facts).
 */
export function Facts({ testId, footer, children }: { testId?: string; footer?: ReactNode; children: ReactNode }) {
  const list = <dl className="grid gap-4 text-sm sm:grid-cols-3 lg:grid-cols-6">{children}</dl>;
  return (
    <div className="card text-sm" data-testid={testId}>
      {list}
      {footer ? <div className="mt-4 space-y-1">{footer}</div> : null}
    </div>
  );
}

/** One fact: its label and value; `wide` takes half a laptop row (long text: notes, competitors). */
export function Fact({
  label,
  wide,
  className,
  testId,
  children,
}: {
  label: string;
  wide?: boolean;
  className?: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <div className={wide ? "sm:col-span-3" : undefined}>
      <dt className="text-slate-500">{label}</dt>
      <dd className={className ? `mt-1 ${className}` : "mt-1"} data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

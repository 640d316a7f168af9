import { useLocation } from "@remix-run/react";
import { Children, cloneElement, Fragment, isValidElement, type ReactElement, type ReactNode } from "react";
import { Link } from "~/components/link";
import { EmptyState, PageHeader, type Crumb } from "~/components/ui/layout";
import { Pager, csvHref } from "~/components/ui/pager";
import { ScrollX } from "~/components/ui/scroll-x";
import { useFormat, useT } from "~/i18n/react";

/**
 * A list's page as its loader gives it: the page shown, its size and the total; `totalIsLowerBound` where the
 * list stopped counting (the stock page's search, decision 011): the total is then "more than" it.
 */
export type ListPage = { page: number; pageSize: number; total: number; totalIsLowerBound?: boolean };

export function ListPager({ page, pageSize, total, totalIsLowerBound = false }: ListPage) {
  const t = useT();
  const f = useFormat();
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  const summary = totalIsLowerBound ? t("pager.more", { from, to, total: f.number(total) }) : t("pager.summary", { from, to, total });
  return <Pager page={page} pageSize={pageSize} total={total} labels={{ label: t("pager.label"), prev: t("pager.prev"), next: t("pager.next"), summary }} />;
}

export function CsvLink() {
  const t = useT();
  const location = useLocation();
  return (
    <Link className="btn-secondary" to={csvHref(location.search, location.pathname)} reloadDocument>
      {t("common.exportCsv")}
    </Link>
  );
}

type HeaderLink = { to: string; label: string } | false | null | undefined;

/**
 * A list page's header: the breadcrumb home › (`parent` ›) title, then the CSV export of what the filters
 * show (`csv`), the page's other links (`links`, secondary) and its one primary action (`create`). A link
 * given as `false`/`null` (the reader may not) is left out.
 */
export function ListHeader({
  title,
  parent,
  csv = true,
  links = [],
  create,
}: {
  title: string;
  parent?: Crumb;
  csv?: boolean;
  links?: HeaderLink[];
  create?: HeaderLink;
}) {
  const t = useT();
  const shown = links.filter((l): l is { to: string; label: string } => !!l);
  const actions =
    csv || shown.length || create ? (
      <>
        {csv ? <CsvLink /> : null}
        {shown.map((l) => (
          <Link key={l.to} to={l.to} className="btn-secondary">
            {l.label}
          </Link>
        ))}
        {create ? (
          <Link to={create.to} className="btn-primary">
            {create.label}
          </Link>
        ) : null}
      </>
    ) : undefined;
  return <PageHeader title={title} crumbs={[{ label: t("nav.home"), to: "/" }, ...(parent ? [parent] : []), { label: title }]} actions={actions} />;
}

/**
 * A list's empty state: what to do, then the page's one primary action (`create`) or, where the filters emptied
 * the list, the link back to it unfiltered (`reset`). A link given as `false`/`null` (the reader may not) is left out.
 */
export function ListEmpty({ message, create, reset }: { message: string; create?: HeaderLink; reset?: string | false | null }) {
  const t = useT();
  const action = create ? (
    <Link to={create.to} className="btn-primary">
      {create.label}
    </Link>
  ) : reset ? (
    <Link to={reset} className="btn-secondary">
      {t("common.reset")}
    </Link>
  ) : undefined;
  return <EmptyState message={message} action={action} />;
}

/**
 * A list page's table in a card: `head` holds the header cells, the children the rows. `empty`, when given (the
 * list's empty state), stands instead of the table. `rowsHtml` stands instead of the children where a page renders
 * its rows as one string (the stock matrix, decision 078); it carries its own `data-label`s.
 *
 * From 640 px the table scrolls sideways inside its card with its first column kept in view; on a phone each row
 * is a card (decision 118): every cell is given its column's name from the header (`data-label`) here, once, so
 * the pages need not repeat it. Cells with `className="wrap"` (names, descriptions) wrap by words; every other
 * cell (codes, numbers, money, dates, badges) stays on one line.
 *
 * `pager` (the list's page) puts its pager after the table or the empty state, after `note` (a line about the
 * list, such as the date its figures are as of) where there is one; on a page that is printed (`printable`, a
 * statement) the pager is left out of the print.
 */
export function ListTable({
  head,
  children,
  empty,
  testId,
  rowsHtml,
  foot,
  bare = false,
  pager,
  note,
  printable = false,
}: {
  head: ReactNode;
  children?: ReactNode;
  empty?: ReactNode;
  testId?: string;
  rowsHtml?: string;
  /** Rows of a `<tfoot>` (totals), labelled like the body's. */
  foot?: ReactNode;
  /** Inside a card already (a record page's section): no card of its own. */
  bare?: boolean;
  /** The list's page (its `page`, `pageSize` and `total`): its pager follows the table, or the empty state. */
  pager?: ListPage;
  /** Shown after the table (or the empty state), before the pager. */
  note?: ReactNode;
  /** The page is printed: the pager is not. */
  printable?: boolean;
}) {
  const pagerShown = pager ? <ListPager page={pager.page} pageSize={pager.pageSize} total={pager.total} totalIsLowerBound={pager.totalIsLowerBound} /> : null;
  const after = (
    <>
      {note}
      {printable && pagerShown ? <div className="no-print">{pagerShown}</div> : pagerShown}
    </>
  );
  if (empty)
    return (
      <>
        {empty}
        {after}
      </>
    );
  const labels = headerLabels(head);
  return (
    <>
      <ScrollX className={bare ? "mt-2" : "card p-0"}>
        <table className="table table-cards" data-testid={testId}>
          <thead>
            <tr>{head}</tr>
          </thead>
          {rowsHtml === undefined ? (
            <tbody className="divide-y divide-slate-100">{labelCells(children, labels)}</tbody>
          ) : (
            <tbody className="divide-y divide-slate-100" dangerouslySetInnerHTML={{ __html: rowsHtml }} />
          )}
          {foot ? <tfoot>{labelCells(foot, labels)}</tfoot> : null}
        </table>
      </ScrollX>
      {after}
    </>
  );
}

/** A column's header cell in a ListTable's `head`; `num`: a column of figures, right-aligned like its cells. */
export function Th({ num = false, children }: { num?: boolean; children: ReactNode }) {
  // A header of several words may wrap at its spaces in English (tailwind.css, `th.words`); a one-word header or a
  // code never wraps.
  const words = typeof children === "string" && /\s/.test(children.trim());
  const className = [num ? "text-right" : "", words ? "words" : ""].filter(Boolean).join(" ");
  return (
    <th scope="col" className={className || undefined}>
      {children}
    </th>
  );
}

type Props = { children?: ReactNode; colSpan?: number; "data-label"?: string };

/** The text of each header cell in `head` (one label per column; a cell spanning n columns gives n). */
function headerLabels(head: ReactNode): string[] {
  const labels: string[] = [];
  const visit = (node: ReactNode) => {
    Children.forEach(node, (child) => {
      if (!isValidElement<Props>(child)) return;
      if (child.type === "th" || child.type === "td" || child.type === Th) {
        const text = textOf(child.props.children).replace(/\s+/g, " ").trim();
        for (let i = 0; i < (child.props.colSpan ?? 1); i++) labels.push(text);
      } else visit(child.props.children);
    });
  };
  visit(head);
  return labels;
}

function textOf(node: ReactNode): string {
  let out = "";
  Children.forEach(node, (child) => {
    if (typeof child === "string" || typeof child === "number") out += String(child);
    else if (isValidElement<Props>(child)) out += ` ${textOf(child.props.children)} `;
  });
  return out;
}

/** A row's cells, those inside fragments (a group of optional columns) included. */
function flatten(nodes: ReactNode): ReactNode[] {
  return Children.toArray(nodes).flatMap((n) => (isValidElement<Props>(n) && n.type === Fragment ? flatten(n.props.children) : [n]));
}

/** Gives each cell of the rows (`<tr>`, also inside fragments) its column's label, unless it has one; a cell spanning columns gets none. */
function labelCells(rows: ReactNode, labels: string[]): ReactNode {
  return Children.map(rows, (row) => {
    if (!isValidElement<Props>(row)) return row;
    if (row.type === Fragment) return cloneElement(row as ReactElement<Props>, undefined, labelCells(row.props.children, labels));
    if (row.type !== "tr") return row;
    let column = 0;
    const cells = flatten(row.props.children).map((cell) => {
      if (!isValidElement<Props>(cell) || (cell.type !== "td" && cell.type !== "th")) return cell;
      const span = cell.props.colSpan ?? 1;
      const label = span === 1 ? labels[column] : undefined;
      column += span;
      return label && cell.props["data-label"] === undefined ? cloneElement(cell, { "data-label": label }) : cell;
    });
    return cloneElement(row, undefined, cells);
  });
}

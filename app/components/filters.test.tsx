import { createMemoryRouter, RouterProvider } from "react-router-dom";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { CodeFilter, FilterBar, FilterInput, FilterSelect, dealerChoices } from "./filters";
import { ListTable, Th } from "./list";

/** Render inside a router whose root data holds the locale (the bar is a GET form with a Link and the catalog's words), as a page would be. */
function render(ui: React.ReactElement, path = "/admin/dealers", locale: "en" | "zh-CN" = "en") {
  const router = createMemoryRouter([{ id: "root", path, element: ui, loader: () => null }], {
    initialEntries: [path],
    hydrationData: { loaderData: { root: { locale, businessTz: "Asia/Shanghai" } } },
  });
  return renderToString(<RouterProvider router={router} />).replace(/<!-- -->/g, "");
}

describe("filter bar", () => {
  it("is a GET search form whose labelled fields are named after the query and prefilled from it, with Apply and Reset", () => {
    const html = render(
      <FilterBar resetTo="/admin/dealers" className="mb-4 sm:grid-cols-5">
        <FilterInput name="q" label="Search" defaultValue="acme" placeholder="Code or name" wrapperClassName="sm:col-span-2" />
        <FilterSelect
          name="region"
          label="Region"
          defaultValue="north"
          all
          options={[
            { value: "east", label: "East" },
            { value: "north", label: "North" },
          ]}
        />
        <FilterSelect name="tier" label="Tier" defaultValue={undefined} all="Every tier" options={[{ value: "gold", label: "Gold" }]} />
        <FilterSelect
          name="sort"
          label="Sort"
          defaultValue="name"
          options={[
            { value: "code", label: "Code" },
            { value: "name", label: "Name" },
          ]}
        />
      </FilterBar>,
    );
    expect(html).toMatch(/<form method="get" action="\/admin\/dealers" class="card grid gap-3 mb-4 sm:grid-cols-5" role="search"[^>]*>/);
    // Each label names its field by id, and the id is the query parameter's name.
    expect(html).toContain(
      '<div class="sm:col-span-2"><label for="q" class="label">Search</label><input id="q" name="q" class="input" placeholder="Code or name" value="acme"/></div>',
    );
    expect(html).toContain('<label for="region" class="label">Region</label><select id="region" name="region" class="input">');
    // The current value is the selected choice; "all" is an empty first choice.
    expect(html).toMatch(
      /<select id="region"[^>]*><option value="">All<\/option><option value="east">East<\/option><option value="north" selected="">North<\/option><\/select>/,
    );
    expect(html).toMatch(/<select id="tier"[^>]*><option value="" selected="">Every tier<\/option><option value="gold">Gold<\/option><\/select>/);
    // No "all" choice unless asked for (a sort always has a value).
    expect(html).toMatch(/<select id="sort"[^>]*><option value="code">Code<\/option><option value="name" selected="">Name<\/option><\/select>/);
    // Apply submits; Reset links to the page without a query.
    expect(html).toMatch(
      /<div class="flex items-end gap-2"><button type="submit" class="btn-primary">Apply<\/button><a href="\/admin\/dealers"[^>]*class="btn-secondary">Reset<\/a><\/div><\/form>/,
    );
  });

  it("lays out inline, posts to another path, and takes numbers, dates and option groups", () => {
    const html = render(
      <FilterBar resetTo="/finance/ledger" action="/finance/ledger" inline>
        <FilterSelect
          name="dealerId"
          label="Dealer"
          defaultValue={7}
          all
          options={dealerChoices([
            { id: 7, code: "D007", name: "Acme" },
            { id: 8, code: "D008", name: "Bolt" },
          ])}
        />
        <FilterSelect name="action" label="Action" defaultValue="order.submit" all="All actions">
          <optgroup label="Order">
            <option value="order.submit">Submitted</option>
          </optgroup>
        </FilterSelect>
        <FilterInput name="from" type="date" label="From" defaultValue={null} />
      </FilterBar>,
      "/finance/ledger",
      "zh-CN",
    );
    expect(html).toMatch(/<form method="get" action="\/finance\/ledger" class="card flex flex-wrap items-end gap-3" role="search"[^>]*>/);
    // "All" and the buttons in the page's language.
    expect(html).toContain('<option value="">全部</option><option value="7" selected="">D007 · Acme</option><option value="8">D008 · Bolt</option>');
    expect(html).toContain(
      '<option value="">All actions</option><optgroup label="Order"><option value="order.submit" selected="">Submitted</option></optgroup>',
    );
    expect(html).toContain('<label for="from" class="label">From</label><input id="from" name="from" class="input" type="date" value=""/>');
    // Inline: the buttons sit in the row itself, not in a grid cell.
    expect(html).toMatch(
      /<\/div><button type="submit" class="btn-primary">应用<\/button><a href="\/finance\/ledger"[^>]*class="btn-secondary">重置<\/a><\/form>/,
    );
  });

  it("shows a list of codes by their catalog labels in the page's language, after All", () => {
    const tiers = ["platinum", "gold", "silver"] as const;
    const html = render(
      <FilterBar resetTo="/admin/dealers">
        <CodeFilter name="tier" label="Tier" value="gold" codes={tiers} labels="tier" />
      </FilterBar>,
      "/admin/dealers",
      "zh-CN",
    );
    expect(html).toMatch(
      /<select id="tier" name="tier"[^>]*><option value="">全部<\/option><option value="platinum">白金<\/option><option value="gold" selected="">金牌<\/option><option value="silver">银牌<\/option><\/select>/,
    );
  });
});

describe("list table", () => {
  it("puts the header cells and rows in a scrolling card, labels each cell with its column for the phone cards, or shows the empty state instead", () => {
    const rows = ["a", "b"];
    const table = (list: string[]) =>
      render(
        <ListTable empty={list.length === 0 && <p>Nothing yet</p>} testId="things" head={<th scope="col">Name</th>}>
          {list.map((r) => (
            <tr key={r}>
              <td>{r}</td>
            </tr>
          ))}
        </ListTable>,
      );
    expect(table(rows)).toBe(
      '<div class="relative overflow-x-auto card p-0"><table class="table table-cards" data-testid="things"><thead><tr><th scope="col">Name</th></tr></thead><tbody class="divide-y divide-slate-100"><tr><td data-label="Name">a</td></tr><tr><td data-label="Name">b</td></tr></tbody></table></div>',
    );
    expect(table([])).toBe("<p>Nothing yet</p>");
  });

  it("takes Th header cells, a column of figures right-aligned, and labels the cells from them", () => {
    const html = render(
      <ListTable
        head={
          <>
            <Th>SKU</Th>
            <Th num>Units</Th>
          </>
        }
      >
        <tr>
          <td>A-1</td>
          <td className="text-right">3</td>
        </tr>
      </ListTable>,
    );
    expect(html).toContain(
      '<thead><tr><th scope="col">SKU</th><th scope="col" class="text-right">Units</th></tr></thead><tbody class="divide-y divide-slate-100"><tr><td data-label="SKU">A-1</td><td class="text-right" data-label="Units">3</td></tr></tbody>',
    );
  });
});

describe("list pager", () => {
  const list = (props: Partial<React.ComponentProps<typeof ListTable>>, locale: "en" | "zh-CN" = "en") =>
    render(
      <ListTable head={<Th>SKU</Th>} {...props}>
        <tr>
          <td>A-1</td>
        </tr>
      </ListTable>,
      "/stock",
      locale,
    );
  const pager = (summary: string) =>
    `<nav aria-label="Pagination" class="mt-4 flex items-center justify-between text-sm text-slate-600"><span>${summary}</span>`;

  it("follows the table or the empty state, after the list's note", () => {
    const html = list({ pager: { page: 1, pageSize: 25, total: 2 }, note: <p>As of today</p> });
    expect(html).toMatch(/<\/table><\/div><p>As of today<\/p><nav aria-label="Pagination"/);
    expect(html).toContain(pager("1–2 of 2"));
    expect(list({ pager: { page: 1, pageSize: 25, total: 0 }, empty: <p>Nothing yet</p> })).toMatch(/^<p>Nothing yet<\/p><nav [^>]*><span>0–0 of 0<\/span>/);
  });

  it("says “more than” a total counted only so far, in either language, and stays out of a printed page", () => {
    const more = { page: 3, pageSize: 25, total: 1300, totalIsLowerBound: true };
    expect(list({ pager: more })).toContain(pager("51–75 of more than 1,300"));
    expect(list({ pager: more }, "zh-CN")).toContain("<span>第 51–75 条，共 1,300 条以上</span>");
    expect(list({ pager: more, printable: true })).toMatch(/<\/table><\/div><div class="no-print"><nav aria-label="Pagination"/);
  });
});

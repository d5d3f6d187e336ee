// A page that lists one kind of thing of the draft (users, numbers, menus…): the title row with its Add
// button, then a table with a row per item and an Actions column, or a sentence when there is none.
import type { ComponentChildren } from 'preact';
import { ActionsHeader } from './ActionsHeader.tsx';
import { PageHeader } from './PageHeader.tsx';

interface ListPageProps<T extends { id: string }> {
  title: string;
  subtitle: ComponentChildren;
  add: { label: string; href: string };
  /** The table's data-testid. */
  testId: string;
  /** The column headers; the Actions column comes last on its own. */
  columns: readonly string[];
  items: readonly T[];
  rowTestId(item: T): string;
  /** The row's cells before the Actions column. */
  cells(item: T): ComponentChildren;
  /** What goes in the row's Actions column. */
  actions(item: T): ComponentChildren;
  /** Said instead of rows when there is no item. */
  empty: string;
}

export function ListPage<T extends { id: string }>({ title, subtitle, add, testId, columns, items, rowTestId, cells, actions, empty }: ListPageProps<T>) {
  return (
    <>
      <PageHeader title={title} subtitle={subtitle}>
        <a class="btn btn-primary" href={add.href}>
          {add.label}
        </a>
      </PageHeader>
      <div class="card card-flush">
        <table class="table" data-testid={testId}>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column}>{column}</th>
              ))}
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} data-testid={rowTestId(item)}>
                {cells(item)}
                <td class="actions-col">{actions(item)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && <p class="empty">{empty}</p>}
      </div>
    </>
  );
}

/** The first cell of a row: the item's name, linking to its page. */
export function NameCell({ href, mono, children }: { href: string; mono?: boolean; children: ComponentChildren }) {
  return (
    <td class="strong">
      <a class={mono ? 'row-link mono' : 'row-link'} href={href}>
        {children}
      </a>
    </td>
  );
}

/** The Edit button of a row; `name` tells screen readers which item it edits. */
export function EditLink({ href, name }: { href: string; name: string }) {
  return (
    <a class="btn btn-small btn-secondary" href={href} aria-label={`Edit ${name}`}>
      Edit
    </a>
  );
}

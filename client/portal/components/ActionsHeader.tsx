// The header of a table's Actions column: not shown, it names the column for screen readers.
export function ActionsHeader() {
  return (
    <th class="actions-col">
      <span class="visually-hidden">Actions</span>
    </th>
  );
}

/**
 * The admin pages' list tables (users, secrets, known hosts): a header row, the rows the page
 * renders, and one full-width line when there is nothing to list. The last header cell is left
 * empty for the row actions.
 */
export function ListTable({ testId, columns, empty, children }: { testId: string; columns: string[]; empty?: React.ReactNode; children: React.ReactNode }) {
  return (
    <table className="w-full text-left text-sm" data-testid={testId}>
      <thead className="text-slate-500">
        <tr>
          {columns.map((c, i) => (
            <th key={c} className={i === 0 ? "py-2" : undefined}>
              {c}
            </th>
          ))}
          <th>
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {empty ? (
          <tr>
            <td colSpan={columns.length + 1} className="py-6 text-center text-slate-500">
              {empty}
            </td>
          </tr>
        ) : null}
        {children}
      </tbody>
    </table>
  );
}

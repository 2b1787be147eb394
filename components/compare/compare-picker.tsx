/**
 * The run history's compare hook: a GET form to the compare page above the table; each row has
 * a checkbox (`pick` = run id) tied to it by the form attribute, and a "live" row stands for the
 * current store. Two ticks → Compare. No client state: the compare page orders the picks (the
 * older one is `from`).
 */
const FORM_ID = "compare-runs";

export function CompareForm({ definition }: { definition: string }) {
  return (
    <form id={FORM_ID} method="get" action={`/definitions/${encodeURIComponent(definition)}/compare`} data-testid="compare-form">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <span className="text-slate-600 dark:text-slate-400">Tick two runs (or a run and Live) to compare them:</span>
        <label className="flex items-center gap-1">
          <select
            name="mode"
            aria-label="Compare mode"
            defaultValue="desired"
            className="rounded border border-slate-300 bg-white px-1 py-0.5 dark:border-slate-700 dark:bg-slate-900"
          >
            <option value="desired">desired states (Git at each commit)</option>
            <option value="applied">applied stores (after each run)</option>
          </select>
        </label>
        <button
          type="submit"
          className="rounded-md border border-slate-300 bg-white px-3 py-1 font-medium hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
        >
          Compare
        </button>
      </div>
    </form>
  );
}

export function ComparePickCell({ value, label }: { value: string; label: string }) {
  return (
    <td className="w-8 px-3 py-2">
      <input type="checkbox" form={FORM_ID} name="pick" value={value} aria-label={label} data-testid="compare-pick" />
    </td>
  );
}

export function LiveCompareRow({ columns }: { columns: number }) {
  return (
    <tr data-testid="live-row" className="border-t border-slate-100 dark:border-slate-800">
      <ComparePickCell value="live" label="Compare the live store" />
      <td colSpan={columns - 1} className="px-3 py-2 text-slate-600 dark:text-slate-400">
        Live store (now)
      </td>
    </tr>
  );
}

/** One factory for react-query keys, so invalidation by key stays consistent. */
/** changes per page on the run page */
export const RUN_CHANGES_PAGE = 50;

export interface RunChangesQuery {
  /** one change action or "" for all */
  action: string;
  name: string;
  page: number;
  size: number;
}

export const queryKeys = {
  run: (id: string, changesLimit: number) => ["run", id, changesLimit] as const,
  /** one page of a run's changes; invalidate ["run-changes", id] to refresh every page */
  runChanges: (id: string, q: RunChangesQuery) => ["run-changes", id, q] as const,
  /** a run's changes that carry an error (the Errors box) */
  runErrors: (id: string) => ["run-errors", id] as const,
  runs: (definition: string) => ["runs", definition] as const,
  /** the overview's definition list (live updates invalidate this key) */
  definitions: () => ["definitions"] as const,
};

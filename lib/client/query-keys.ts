/** One factory for react-query keys, so invalidation by key stays consistent. */
export const queryKeys = {
  run: (id: string, changesLimit: number) => ["run", id, changesLimit] as const,
  runs: (definition: string) => ["runs", definition] as const,
};

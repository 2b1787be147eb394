/** The run shape the pages and GET /api/v1/runs/{id} hand to client components. */
export interface RunSummary {
  id: string;
  definition: string;
  trigger: string;
  initiator: string;
  dryRun: boolean;
  commit: string | null;
  commitMessage: string | null;
  phase: string;
  counts: Record<string, number>;
  total: number;
  done: number;
  progress: { phase?: string; done?: number; total?: number; message?: string } | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

export interface RunChange {
  kind: string;
  namespace: string;
  name: string;
  action: string;
  diff: unknown;
  liveYaml: string | null;
  desiredYaml: string | null;
  error: string | null;
  sourcePath: string | null;
  sourceLine: number | null;
}

export interface RunDetail extends RunSummary {
  log: string[];
  changes: RunChange[];
  changesTotal: number;
}

export function isActivePhase(phase: string): boolean {
  return phase === "Running" || phase === "Pending";
}

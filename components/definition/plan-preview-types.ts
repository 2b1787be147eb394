/** A sync plan trimmed for a confirmation dialog (built by the plan server action). */
export interface PlanPreview {
  commit: string;
  commitMessage: string;
  branch: string;
  branchHead: string | null;
  counts: Record<string, number>;
  pruneWithheld: string | null;
  fileProblems: { path: string; line?: number; column?: number; message: string }[];
  changedTotal: number;
  changes: { kind: string; namespace: string; name: string; action: string; liveYaml: string; desiredYaml: string; error: string | null }[];
}

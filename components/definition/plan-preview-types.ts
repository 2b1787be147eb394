/** A sync plan trimmed for a confirmation dialog (built by the plan server action). */
import type { DiffView } from "@/lib/api/contract";

export type PlanHeader = Pick<DiffView, "commit" | "commitMessage" | "branch" | "branchHead" | "counts" | "pruneWithheld" | "fileProblems">;

export interface PlanPreview extends PlanHeader {
  changedTotal: number;
  changes: { kind: string; namespace: string; name: string; action: string; liveYaml: string; desiredYaml: string; error: string | null }[];
}

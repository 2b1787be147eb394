/**
 * "Why is nothing syncing": for a definition with no resources, what its path holds — the kinds
 * of the documents found there with counts, and the first kinds of file problem (the same
 * problem in many files is one line, with a count and the first place). Pure: the definition
 * page and `syncline resource diff` both show it from a diff (GET /definitions/{name}/diff).
 */
import type { DiffView } from "@/lib/api/contract";

export interface DiscoveryKind {
  kind: string;
  count: number;
  /** the definition's own kind */
  ours: boolean;
}

export interface DiscoveryProblem {
  /** the problem with file-specific parts (names, numbers) folded, e.g. "metadata.namespace is required …" */
  what: string;
  count: number;
  /** the first place it occurs: "path:line" */
  first: string;
  /** the first message in full */
  example: string;
}

export interface Discovery {
  kinds: DiscoveryKind[];
  problems: DiscoveryProblem[];
  /** how many kinds of problem there are in all (only the first few are listed) */
  problemKinds: number;
  excludedFiles: number;
  /** a hint when one is obvious (documents without a namespace, nothing of the kind found) */
  hint: string | null;
}

export const MAX_DISCOVERY_PROBLEMS = 5;

/** "Deployment: metadata.name \"Web\" must …" → "metadata.name … must …"; digits → N */
export function problemKind(message: string): string {
  return message
    .replace(/^[A-Z][A-Za-z0-9]*: /, "")
    .replace(/"(?:[^"\\]|\\.)*"/g, "…")
    .replace(/\d+/g, "N")
    .slice(0, 160);
}

export function discover(kind: string, diff: Pick<DiffView, "otherKinds" | "fileProblems" | "changes"> & Partial<Pick<DiffView, "excludedFiles">>): Discovery {
  // documents of our kind: those planned, and those without a usable key (file problems "Kind: …")
  const ours = diff.changes.filter((c) => c.action !== "delete").length + diff.fileProblems.filter((p) => p.message.startsWith(`${kind}: `)).length;
  const kinds: DiscoveryKind[] = Object.entries(diff.otherKinds).map(([k, count]) => ({ kind: k, count, ours: false }));
  if (ours > 0) kinds.push({ kind, count: ours, ours: true });
  kinds.sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1));
  const groups = new Map<string, DiscoveryProblem>();
  for (const p of diff.fileProblems) {
    const what = problemKind(p.message);
    const g = groups.get(what);
    if (g) g.count++;
    else groups.set(what, { what, count: 1, first: p.line ? `${p.path}:${p.line}` : p.path, example: p.message });
  }
  const problems = [...groups.values()];
  const ex = diff.excludedFiles;
  const excludedFiles = ex ? ex.exclude + ex.sourceignore + ex.include : 0;
  let hint: string | null = null;
  if (diff.fileProblems.some((p) => /metadata\.namespace is required/.test(p.message))) {
    hint = "documents of this kind have no metadata.namespace: set spec.gitops.targetNamespace";
  } else if (ours === 0 && kinds.length > 0) {
    hint = `no document of kind ${kind} under the path; the kinds found are listed above`;
  } else if (ours === 0 && diff.fileProblems.length === 0) {
    hint = "no resource files under the path (check gitops.path, include / exclude and .sourceignore)";
  }
  return { kinds, problems: problems.slice(0, MAX_DISCOVERY_PROBLEMS), problemKinds: problems.length, excludedFiles, hint };
}

import { notFound } from "next/navigation";
import { requirePagePrincipal } from "@/lib/server/auth/page-auth";
import { findDefinition } from "@/lib/server/data/definitions";
import { findActiveRun } from "@/lib/server/data/runs";
import { computeDiff } from "@/lib/server/services/sync";
import { AppError } from "@/lib/server/errors";
import { DiffReview, type DiffReviewData } from "@/components/diff/diff-review";
import { DiffError } from "@/components/diff/diff-error";

export default async function DiffPage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<{ revision?: string }> }) {
  const [me, { name }, sp] = await Promise.all([requirePagePrincipal(), params, searchParams]);
  const row = await findDefinition(name);
  if (!row) notFound();
  const revision = typeof sp.revision === "string" && sp.revision.trim() ? sp.revision.trim().slice(0, 250) : undefined;
  let data: DiffReviewData;
  try {
    const d = await computeDiff(name, { revision });
    const changed = d.changes.filter((c) => c.action !== "unchanged");
    const unchanged = d.changes.filter((c) => c.action === "unchanged");
    data = {
      definition: name,
      requestedRevision: revision ?? null,
      pinnedRevision: row.pinnedRevision,
      commit: d.commit,
      commitMessage: d.commitMessage,
      branch: d.branch,
      branchHead: d.branchHead,
      counts: d.counts,
      pruneWithheld: d.pruneWithheld,
      fileProblems: d.fileProblems.slice(0, 200),
      changes: changed.slice(0, 300).map((c) => ({
        kind: c.kind, namespace: c.namespace, name: c.name, action: c.action, liveYaml: c.liveYaml, desiredYaml: c.desiredYaml,
        error: c.error, drifted: c.drifted, sourcePath: c.sourcePath, sourceLine: c.sourceLine,
      })),
      changedTotal: changed.length,
      unchanged: unchanged.slice(0, 500).map((c) => `${c.namespace ? `${c.namespace}/` : ""}${c.name}`),
      unchangedTotal: unchanged.length,
    };
  } catch (err) {
    if (err instanceof AppError) return <DiffError definition={name} message={err.message} revision={revision ?? null} />;
    throw err;
  }
  const active = await findActiveRun(row.id);
  return <DiffReview data={data} role={me.role} production={row.production} activeRunId={active?.id ?? null} />;
}

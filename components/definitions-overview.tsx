import Link from "next/link";
import type { DefinitionView } from "@/lib/server/services/definitions";

export function DefinitionsOverview({ definitions }: { definitions: DefinitionView[] }) {
  if (definitions.length === 0) {
    return (
      <section className="rounded-xl border border-dashed border-slate-300 p-10 text-center dark:border-slate-700">
        <h1 className="text-xl font-semibold">No definitions yet</h1>
        <p className="mt-2 text-slate-600 dark:text-slate-400">
          Add a ResourceDefinition with a <code>gitops</code> section:{" "}
          <code className="rounded bg-slate-100 px-1 dark:bg-slate-800">syncline resource definition add --spec FILE</code> or{" "}
          <code className="rounded bg-slate-100 px-1 dark:bg-slate-800">POST /api/v1/definitions</code>.
        </p>
      </section>
    );
  }
  return (
    <section>
      <h1 className="mb-4 text-2xl font-semibold tracking-tight">Definitions</h1>
      <ul className="grid gap-3" data-testid="definition-list">
        {definitions.map((d) => (
          <li key={d.metadata.name} className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
            <Link href={`/definitions/${encodeURIComponent(d.metadata.name)}`} className="font-medium hover:underline">
              {d.metadata.name}
            </Link>
            <p className="text-sm text-slate-600 dark:text-slate-400">
              {d.spec.names.kind} · {d.spec.gitops ? `${d.spec.gitops.repoURL} @ ${d.spec.gitops.branch} ${d.spec.gitops.path}` : "no gitops"} ·{" "}
              {d.spec.syncPolicy.automated ? "automated" : "manual"}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

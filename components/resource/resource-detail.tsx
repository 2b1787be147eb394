/** One resource: gitSync status, drift explanation, live vs Git manifests and their diff, runs that touched it. */
import Link from "next/link";
import { YamlDiffPanel } from "@/components/resource/yaml-diff-panel";
import { HealthPanel } from "@/components/resource/health-panel";
import { ResourceActions } from "@/components/resource/resource-actions";
import { Alert } from "@/components/ui/alert";
import { CopySha } from "@/components/ui/copy-sha";
import { RelativeTime } from "@/components/ui/relative-time";
import { DriftBadge, DryRunBadge, StatusBadge } from "@/components/ui/status-badge";
import type { ResourceDetailData } from "@/lib/api/views";

type LiveInfo = NonNullable<ResourceDetailData["live"]>;
type GitInfo = NonNullable<ResourceDetailData["git"]>;

function driftExplanation(live: LiveInfo | null, git: GitInfo | null): string {
  if (!live) return "This resource is in Git but not in the store yet (Missing): the next sync creates it.";
  if (live.drifted)
    return "The live spec was changed outside Git (API, CLI or a person) after the last sync applied it. A sync puts the Git version back; with selfHeal, automated sync does it by itself.";
  if (git?.action === "absent") return "The resource is in the store but no longer in Git (Orphaned). Prune (opt-in) would delete it.";
  if (git?.action === "update") return "Git has a newer version than the store: the live spec matches what was last applied, but the commit moved on.";
  if (git?.action === "invalid") return "The file in Git does not validate; the store keeps the last good spec.";
  if (!live.managedBy) return "This resource was created through the API and is not managed by Git.";
  return "No drift: the live spec is what the last sync applied, and Git agrees.";
}

/**
 * One box for what is wrong (or the state in words when nothing is): an invalid file shows its
 * error once, not as syncError + "Invalid in Git" + a "Drift" box saying the same.
 */
function ResourceProblem({ live: l, git }: { live: LiveInfo | null; git: GitInfo | null }) {
  const errors = [...new Set([git?.error, l?.syncError].filter((e): e is string => Boolean(e)))];
  if (errors.length > 0) {
    return (
      <Alert title={git?.action === "invalid" ? "Invalid in Git" : "Sync error"}>
        <span data-testid="resource-error">
          {errors.map((e, i) => (
            <span key={i} className="block whitespace-pre-wrap break-words font-mono text-xs">
              {e}
            </span>
          ))}
          <span className="mt-1 block">{git?.action === "invalid" ? "The store keeps the last good spec." : null}</span>
        </span>
      </Alert>
    );
  }
  return (
    <Alert kind={l?.drifted ? "warning" : "info"} title={l?.drifted ? "Drift" : "State"}>
      <span data-testid="drift-explanation">{driftExplanation(l, git)}</span>
    </Alert>
  );
}

export function ResourceDetail(p: ResourceDetailData & { role?: string }) {
  const base = `/definitions/${encodeURIComponent(p.definition)}`;
  const l = p.live;
  return (
    <div className="space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600 dark:text-slate-400">
        <Link href="/" className="hover:underline">
          Definitions
        </Link>{" "}
        /{" "}
        <Link href={base} className="hover:underline">
          {p.definition}
        </Link>{" "}
        /{" "}
        <span>
          {p.namespace ? `${p.namespace}/` : ""}
          {p.name}
        </span>
      </nav>
      <header className="space-y-2">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="break-all text-2xl font-semibold tracking-tight">
            <span className="text-slate-500">{p.kind}</span> {p.namespace ? `${p.namespace}/` : ""}
            {p.name}
          </h1>
          <StatusBadge status={l ? l.syncStatus : "Missing"} />
          {l?.drifted ? <DriftBadge /> : null}
        </div>
        <ResourceActions
          definition={p.definition}
          namespace={p.namespace}
          name={p.name}
          production={p.production}
          role={p.role ?? "viewer"}
          drifted={l?.drifted ?? false}
          gitAction={p.git?.action ?? null}
        />
        {l ? (
          <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr] md:grid-cols-[auto_1fr_auto_1fr]" data-testid="git-sync">
            <dt className="text-slate-500">gitSync.lastSyncTime</dt>
            <dd>
              <RelativeTime iso={l.lastSyncTime} />
            </dd>
            <dt className="text-slate-500">gitSync.lastCommitSHA</dt>
            <dd>
              <CopySha sha={l.lastCommitSHA} />
            </dd>
            <dt className="text-slate-500">Source</dt>
            <dd className="font-mono text-xs">{l.sourcePath ? `${l.sourcePath}${l.sourceLine ? `:${l.sourceLine}` : ""}` : "—"}</dd>
            <dt className="text-slate-500">Generation</dt>
            <dd>
              {l.generation} · {l.managedBy ? `managed by ${l.managedBy}` : "not Git-managed"}
            </dd>
          </dl>
        ) : null}
        {l && l.sopsFields.length > 0 ? (
          <div className="rounded-md border border-slate-200 p-3 text-sm dark:border-slate-800" data-testid="sops-fields">
            <p className="font-medium">SOPS-managed fields</p>
            <p className="text-slate-500">
              Decrypted from Git and sealed in the store; shown only as fingerprints. Executor tokens read them with ?reveal=true.
            </p>
            <ul className="mt-1 space-y-0.5">
              {l.sopsFields.map((f) => (
                <li key={f.path} className="font-mono text-xs">
                  <svg
                    role="img"
                    aria-label="encrypted with SOPS"
                    viewBox="0 0 16 16"
                    className="inline h-3.5 w-3.5 align-[-2px] text-slate-500"
                    fill="currentColor"
                  >
                    <path d="M8 1a3.5 3.5 0 0 0-3.5 3.5V7H4a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V8a1 1 0 0 0-1-1h-.5V4.5A3.5 3.5 0 0 0 8 1Zm2 6H6V4.5a2 2 0 1 1 4 0V7Z" />
                  </svg>{" "}
                  {f.path} <span className="text-slate-500">fingerprint {f.fingerprint}</span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <ResourceProblem live={l} git={p.git} />
      </header>
      <HealthPanel panel={p.healthPanel} />
      {p.gitError ? <Alert title="Git could not be read">{p.gitError}</Alert> : null}
      <YamlDiffPanel live={l?.yaml ?? ""} git={p.git?.yaml ?? ""} commit={p.git?.commit ?? null} />
      <section aria-label="Runs that touched this resource" className="space-y-2">
        <h2 className="text-lg font-semibold">Runs that touched it</h2>
        {p.runs.length === 0 ? <p className="text-sm text-slate-500">No recorded run changed this resource.</p> : null}
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
          {p.runs.map((r) => (
            <li key={r.runId} className="flex flex-wrap items-center gap-2 px-3 py-2">
              <Link href={`/runs/${r.runId}`} className="font-mono text-xs text-sky-700 hover:underline dark:text-sky-300">
                {r.runId.slice(0, 8)}
              </Link>
              <StatusBadge status={r.action} />
              <StatusBadge status={r.phase} />
              {r.dryRun ? <DryRunBadge /> : null}
              <CopySha sha={r.commit} />
              <span className="text-slate-500">{r.trigger}</span>
              <RelativeTime iso={r.at} />
              {r.error ? <span className="w-full font-mono text-xs text-red-700 dark:text-red-300">{r.error}</span> : null}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

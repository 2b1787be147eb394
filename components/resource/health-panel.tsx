/** Issue 14: the resource's status as its executor reports it, its health with the message, and the transition history. */
import { HealthBadge } from "@/components/ui/health-badge";
import { RelativeTime } from "@/components/ui/relative-time";
import type { ResourceHealthPanel } from "@/lib/api/views";

export function HealthPanel({ panel }: { panel: ResourceHealthPanel | null | undefined }) {
  if (!panel) return null;
  return (
    <section aria-labelledby="health-heading" className="space-y-2 rounded-lg border border-slate-200 p-3 dark:border-slate-800" data-testid="health-panel">
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="health-heading" className="text-lg font-semibold">
          Health
        </h2>
        <HealthBadge health={panel.health} message={panel.message} />
        {panel.lastTransitionTime ? (
          <span className="text-xs text-slate-500">
            since <RelativeTime iso={panel.lastTransitionTime} />
          </span>
        ) : null}
      </div>
      {panel.health === null ? (
        <p className="text-sm text-slate-500">Not assessed: the definition has no health rules (spec.health).</p>
      ) : (
        <p className="text-sm" data-testid="health-message">
          {panel.message}
        </p>
      )}
      <div>
        <h3 className="text-sm font-medium">
          Status{" "}
          <span className="font-normal text-slate-500">
            {panel.statusUpdatedAt ? (
              <>
                written <RelativeTime iso={panel.statusUpdatedAt} />
              </>
            ) : (
              "never written by an executor"
            )}
            {panel.observedGeneration !== null ? ` · observedGeneration ${panel.observedGeneration}` : ""}
          </span>
        </h3>
        {panel.statusYaml ? (
          <pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-50 p-2 font-mono text-xs dark:bg-slate-800/50" data-testid="executor-status">
            {panel.statusYaml}
          </pre>
        ) : null}
      </div>
      {panel.transitions.length > 0 ? (
        <div>
          <h3 className="text-sm font-medium">Transitions (last {panel.transitions.length})</h3>
          <ol className="mt-1 space-y-0.5 text-sm" data-testid="health-transitions">
            {panel.transitions.map((t, i) => (
              <li key={`${t.at}-${i}`} className="flex flex-wrap items-center gap-2">
                <RelativeTime iso={t.at} />
                <span className="text-slate-500">{t.from ?? "—"} →</span>
                <HealthBadge health={t.to} message={t.message} />
                <span className="text-xs text-slate-500">{t.message}</span>
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </section>
  );
}

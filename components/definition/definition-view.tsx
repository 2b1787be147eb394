/** The definition page: header, pin banner, action bar and the resources table. */
import Link from "next/link";
import { SuspendControl } from "@/components/automation/suspend-control";
import { WebhookPanel } from "@/components/automation/webhook-panel";
import type { DefinitionPageData } from "@/lib/api/views";
import { StatusCounts } from "@/components/overview/status-counts";
import { Badge, StatusBadge } from "@/components/ui/status-badge";
import { CopySha } from "@/components/ui/copy-sha";
import { ActionBar } from "@/components/definition/action-bar";
import { PinBanner } from "@/components/definition/pin-banner";
import { GatePanel, whenText } from "@/components/gates/gate-badge";
import { ResourcesTable } from "@/components/definition/resources-table";
import { LastRun } from "@/components/overview/last-run";
import { GitHeadLine } from "@/components/overview/git-head-line";
import { ProblemsPanel } from "@/components/definition/problems-panel";
import { FileSearch, SourceSettings, WhyNothingSyncs } from "@/components/definition/source-panel";
import { HostKeyPanel } from "@/components/definition/host-key-panel";
import { parseHostKeyProblem } from "@/components/definition/host-key-problem";

export function DefinitionView({ summary: d, role, query, page, rollbackTargets, suspension, webhook }: DefinitionPageData & { role: string }) {
  const base = `/definitions/${encodeURIComponent(d.name)}`;
  const hostKey = parseHostKeyProblem(d.lastRun?.error);
  return (
    <div className="space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/" className="hover:underline">
          Definitions
        </Link>{" "}
        / <span>{d.name}</span>
      </nav>
      <header className="space-y-2">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight break-all">{d.name}</h1>
          <StatusBadge status={d.status} title="Definition sync status" />
          <Badge tone={d.automated ? "blue" : "gray"} icon={d.automated ? "⟳" : "▷"}>
            {d.automated ? "automated" : "manual"}
          </Badge>
          {d.production ? (
            <Badge tone="red" icon="★">
              production
            </Badge>
          ) : null}
          {role === "admin" ? (
            <Link href={`/admin/definitions/${encodeURIComponent(d.name)}/edit`} className="text-sm text-sky-700 hover:underline dark:text-sky-300">
              Edit definition
            </Link>
          ) : null}
          <Link href={`${base}/runs`} className="ml-auto text-sm text-sky-700 hover:underline dark:text-sky-300">
            Run history →
          </Link>
        </div>
        <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr] md:grid-cols-[auto_1fr_auto_1fr]">
          <dt className="text-slate-500">Kind</dt>
          <dd className="font-mono">{d.kind}</dd>
          <dt className="text-slate-500">Source</dt>
          <dd className="break-all font-mono">{d.gitops ? `${d.gitops.repoURL} @ ${d.gitops.branch} ${d.gitops.path}` : "no gitops section"}</dd>
          {d.gitops ? <SourceSettings gitops={d.gitops} /> : null}
          <dt className="text-slate-500">Applied commit</dt>
          <dd data-testid="synced-commit">
            <CopySha sha={d.syncedCommit} />
            {d.appliedOffBranch ? (
              <span data-testid="applied-off-branch" className="ml-2 text-amber-700 dark:text-amber-300">
                ⚠ {d.appliedOffBranch}
              </span>
            ) : null}
          </dd>
          <dt className="text-slate-500">Last run</dt>
          <dd>
            <LastRun run={d.lastRun} />
          </dd>
        </dl>
        <GitHeadLine git={d.git} role={role} />
        <StatusCounts counts={d.counts} />
      </header>
      <ProblemsPanel summary={d} />
      {suspension ? (
        <SuspendControl definition={d.name} suspension={suspension} canOperate={role === "operator" || role === "admin"} />
      ) : d.gitops && d.automated && (role === "operator" || role === "admin") ? (
        // suspending only matters where something syncs by itself
        <details className="text-sm">
          <summary className="cursor-pointer text-slate-600 dark:text-slate-400">Suspend automated sync…</summary>
          <div className="mt-2">
            <SuspendControl definition={d.name} suspension={null} canOperate />
          </div>
        </details>
      ) : null}
      {hostKey ? <HostKeyPanel problem={hostKey} role={role} /> : null}
      <GatePanel d={d} />
      {d.pinnedRevision ? <PinBanner name={d.name} revision={d.pinnedRevision} by={d.pinnedBy} branch={d.gitops?.branch ?? null} role={role} /> : null}
      <ActionBar
        name={d.name}
        role={role}
        automated={d.automated}
        production={d.production}
        hasGitops={d.gitops !== null}
        activeRun={d.activeRun}
        rollbackTargets={rollbackTargets.filter((t) => t.commit !== d.syncedCommit)}
        currentCommit={d.syncedCommit}
        gateReason={d.gate && !d.gate.open ? `${d.gate.reason ?? "sync window closed"}; next opening ${whenText(d.gate.until)}` : null}
      />
      {d.gitops && d.total === 0 && !d.activeRun ? <WhyNothingSyncs name={d.name} kind={d.kind} /> : null}
      <ResourcesTable definition={d.name} rows={page.rows} total={page.total} pages={page.pages} labelError={page.labelError} query={query} />
      {d.gitops ? <FileSearch name={d.name} /> : null}
      {webhook ? (
        <details className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
          <summary className="cursor-pointer text-sm font-medium">Webhook: push to sync at once</summary>
          <div className="mt-3">
            <WebhookPanel info={webhook} />
          </div>
        </details>
      ) : null}
    </div>
  );
}

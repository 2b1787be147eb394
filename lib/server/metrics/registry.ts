/**
 * The Prometheus metrics (prom-client). One registry per process (runtime/singletons.ts):
 * Next can load this module in several bundles (instrumentation, route handlers) and
 * counters must be the same objects everywhere. Counters and histograms move with the
 * runtime's events (subscribe.ts); gauges about the store are read at scrape time.
 */
import { countHealthByDefinition } from "@/lib/server/data/resource-health";
import "server-only";
import client from "prom-client";
import { PROCESS_ID } from "@/lib/server/runtime/process-id";
import { processSingleton } from "@/lib/server/runtime/singletons";
import { getDefinitionNames, getLastSuccessfulSyncTimes } from "@/lib/server/data/definition-automation";
import { countByStatus } from "@/lib/server/data/sync-status";

export interface SynclineMetrics {
  registry: client.Registry;
  runs: client.Counter<"definition" | "trigger" | "phase">;
  runDuration: client.Histogram<"trigger" | "phase">;
  gitDuration: client.Histogram<"operation">;
  gitErrors: client.Counter<"operation" | "code">;
  webhookDeliveries: client.Counter<"provider" | "result">;
  refreshes: client.Counter<"definition" | "result">;
  notifications: client.Counter<"kind" | "result">;
}

function create(): SynclineMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "syncline_" });
  const m: SynclineMetrics = {
    registry,
    runs: new client.Counter({
      name: "syncline_sync_runs_total",
      help: "Sync runs finished by this process, by definition, trigger and final phase",
      labelNames: ["definition", "trigger", "phase"],
      registers: [registry],
    }),
    runDuration: new client.Histogram({
      name: "syncline_sync_run_duration_seconds",
      help: "Duration of finished sync runs",
      labelNames: ["trigger", "phase"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    gitDuration: new client.Histogram({
      name: "syncline_git_fetch_duration_seconds",
      help: "Duration of Git remote operations (head checks and fetches)",
      labelNames: ["operation"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    gitErrors: new client.Counter({
      name: "syncline_git_fetch_errors_total",
      help: "Failed Git remote operations, by operation and error code",
      labelNames: ["operation", "code"],
      registers: [registry],
    }),
    webhookDeliveries: new client.Counter({
      name: "syncline_webhook_deliveries_total",
      help: "Webhook deliveries received, by provider and result",
      labelNames: ["provider", "result"],
      registers: [registry],
    }),
    refreshes: new client.Counter({
      name: "syncline_refreshes_total",
      help: "Definition refreshes done by this process: cheap (nothing changed), full (re-planned), error",
      labelNames: ["definition", "result"],
      registers: [registry],
    }),
    notifications: new client.Counter({
      name: "syncline_notifications_total",
      help: "Outbound notification attempts, by channel kind and result",
      labelNames: ["kind", "result"],
      registers: [registry],
    }),
  };
  new client.Gauge({
    name: "syncline_process_info",
    help: "This server process (replica); always 1",
    labelNames: ["process"],
    registers: [registry],
    collect() {
      this.set({ process: PROCESS_ID }, 1);
    },
  });
  new client.Gauge({
    name: "syncline_resources",
    help: "Live resources by definition and sync status, as of the last sync or refresh",
    labelNames: ["definition", "status"],
    registers: [registry],
    async collect() {
      this.reset();
      const names = await getDefinitionNames();
      const counts = await countByStatus([...names.keys()]);
      for (const [id, byStatus] of counts) {
        const name = names.get(id)?.name;
        if (!name) continue;
        for (const [status, n] of Object.entries(byStatus)) this.set({ definition: name, status }, n);
      }
    },
  });
  new client.Gauge({
    name: "syncline_resources_health",
    help: "Resources by definition and health (issue 14); definitions without health rules are not counted",
    labelNames: ["definition", "health"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await countHealthByDefinition()) if (r.health) this.set({ definition: r.definition, health: r.health }, r.n);
    },
  });
  new client.Gauge({
    name: "syncline_resources_drifted",
    help: "Resources changed outside Git since their last apply, by definition (from the last refresh or sync)",
    labelNames: ["definition"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { name, statusSummary } of (await getDefinitionNames()).values()) {
        const drifted = (statusSummary as { drifted?: unknown } | null)?.drifted;
        this.set({ definition: name }, typeof drifted === "number" ? drifted : 0);
      }
    },
  });
  new client.Gauge({
    name: "syncline_last_successful_sync_timestamp_seconds",
    help: "Unix time of the last successful real sync, by definition",
    labelNames: ["definition"],
    registers: [registry],
    async collect() {
      this.reset();
      const names = await getDefinitionNames();
      for (const [id, at] of await getLastSuccessfulSyncTimes()) {
        const name = names.get(id)?.name;
        if (name) this.set({ definition: name }, at.getTime() / 1000);
      }
    },
  });
  return m;
}

export function getMetrics(): SynclineMetrics {
  return processSingleton("metrics", create);
}

/** Records a finished run (called from the run-finished listener and the interrupted-run sweep). */
export function observeRun(r: { definition: string; trigger: string; phase: string; durationMs: number | null; dryRun?: boolean }): void {
  const m = getMetrics();
  m.runs.inc({ definition: r.definition, trigger: r.dryRun ? `${r.trigger}-dry-run` : r.trigger, phase: r.phase });
  if (r.durationMs !== null) m.runDuration.observe({ trigger: r.trigger, phase: r.phase }, r.durationMs / 1000);
}

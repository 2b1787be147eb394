/**
 * The demo's built-in executor (issue 14; only with SYNCLINE_DEMO=1): every 2 s it reports
 * `status.readyReplicas` one step closer to `spec.replicas` for the demo definitions' resources,
 * through the same status write an executor token makes, so a newcomer sees Progressing turn
 * Healthy after a sync. The resource named `worker` reports a crash instead: one Degraded.
 */
import "server-only";
import { getDefinitions } from "@/lib/server/data/definitions";
import { findDefinitionHealthRows } from "@/lib/server/data/resource-health";
import { logger } from "@/lib/server/logger";
import { processSingleton } from "@/lib/server/runtime/singletons";
import { writeStatus } from "@/lib/server/services/resource-health";
import type { Principal } from "@/lib/server/auth/principal";

const EXECUTOR: Principal = { via: "token", userId: "demo-executor", username: "demo-executor", role: "executor" };
export const DEMO_FAILING_NAME = "worker";
const TICK_MS = 2_000;

export async function demoExecutorTick(): Promise<number> {
  let writes = 0;
  for (const def of await getDefinitions()) {
    const handler = def.handler as { executorType?: string } | null;
    if (handler?.executorType !== "deployment-controller" || !def.health) continue;
    for (const r of await findDefinitionHealthRows(def.id)) {
      const want = Number((r.spec as { replicas?: unknown } | null)?.replicas ?? 0) || 0;
      const status = r.status ?? {};
      const key = { kind: r.kind, namespace: r.namespace, name: r.name };
      if (r.name === DEMO_FAILING_NAME) {
        if (status.failed !== true || status.observedGeneration !== r.generation) {
          await writeStatus(
            key,
            { status: { readyReplicas: 0, failed: true, reason: "CrashLoopBackOff", observedGeneration: r.generation } },
            "replace",
            EXECUTOR,
          );
          writes++;
        }
        continue;
      }
      const ready = Number(status.readyReplicas ?? 0) || 0;
      // a spec change starts a new rollout from zero, as a real controller would report
      const start = status.observedGeneration === r.generation ? ready : 0;
      if (start === want && status.observedGeneration === r.generation) continue;
      const next = Math.min(want, start + 1);
      await writeStatus(key, { status: { readyReplicas: next, observedGeneration: r.generation } }, "replace", EXECUTOR);
      writes++;
    }
  }
  return writes;
}

export function startDemoExecutor(): void {
  processSingleton("demo-executor", () => {
    let busy = false;
    const t = setInterval(() => {
      if (busy) return;
      busy = true;
      demoExecutorTick()
        .catch((err) => logger.warn({ err: (err as Error).message }, "demo executor tick failed"))
        .finally(() => (busy = false));
    }, TICK_MS);
    t.unref();
    return t;
  });
}

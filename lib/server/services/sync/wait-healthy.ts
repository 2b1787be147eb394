/**
 * waitForHealthy (issue 14): after a sync applied its writes, the run stays open (phase Running,
 * its heartbeat going) until the resources it applied are Healthy by the definition's rules, or
 * the deadline passes. Health is evaluated in memory each poll (services/resource-health.ts
 * assessDefinitionNow), so the wait does not depend on when the sweeper runs.
 */
import "server-only";
import type { RunHealthView } from "@/lib/api/contract";
import { DEFAULT_PROGRESS_DEADLINE_SECONDS } from "@/lib/engine/health";
import type { Definition } from "@/lib/engine/types";
import { AppError } from "@/lib/server/errors";
import { assessDefinitionNow } from "@/lib/server/services/resource-health";

/** How often the wait looks again. */
export const HEALTH_POLL_MS = 500;

/** The wait's deadline in seconds: the caller's, else the definition's progressDeadlineSeconds. */
export function healthWaitSeconds(def: Definition, requested?: number): number {
  if (requested !== undefined) return requested;
  return def.spec.health?.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
}

/** A sync cannot wait for health a definition does not assess (400, before any run). */
export function assertCanWaitForHealth(def: Definition, dryRun: boolean | undefined): void {
  if (!def.spec.health)
    throw new AppError("BAD_REQUEST", `waitForHealthy: definition ${def.metadata.name} has no spec.health rules, so its health is not assessed`);
  if (dryRun) throw new AppError("BAD_REQUEST", "waitForHealthy cannot be combined with dryRun (nothing is applied)");
}

/**
 * Polls until every resource in `applied` (described keys; empty: all of the definition's) is
 * Healthy, or `timeoutMs` passed. At the deadline the outcome is Degraded when any is Degraded,
 * else Timeout.
 */
export async function waitForHealthy(definitionId: string, applied: Set<string>, timeoutMs: number, say: (m: string) => void): Promise<RunHealthView> {
  const deadline = Date.now() + timeoutMs;
  let lastReport = "";
  for (;;) {
    const all = (await assessDefinitionNow(definitionId)) ?? [];
    const mine = applied.size === 0 ? all : all.filter((r) => applied.has(r.key));
    const notHealthy = mine.filter((r) => r.health !== "Healthy");
    if (notHealthy.length === 0) return { outcome: "Healthy", at: new Date().toISOString(), resources: [] };
    const report = `waiting for health: ${mine.length - notHealthy.length}/${mine.length} Healthy`;
    if (report !== lastReport) say(report);
    lastReport = report;
    if (Date.now() >= deadline) {
      const degraded = notHealthy.some((r) => r.health === "Degraded");
      for (const r of notHealthy.slice(0, 20)) say(`not healthy: ${r.key}: ${r.health ?? "not assessed"}${r.message ? ` (${r.message})` : ""}`);
      return { outcome: degraded ? "Degraded" : "Timeout", at: new Date().toISOString(), resources: notHealthy.map((r) => r.key).slice(0, 200) };
    }
    await new Promise((res) => setTimeout(res, Math.min(HEALTH_POLL_MS, Math.max(0, deadline - Date.now()))));
  }
}

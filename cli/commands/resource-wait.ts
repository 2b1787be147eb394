/**
 * `syncline resource wait --definition X --health [--timeout 5m]` (issue 14): polls the
 * definition's resources until every one is Healthy. Exit 0: all Healthy; 1: the deadline came
 * with resources not Healthy (Degraded ones named first); 2: an error (unknown definition, no
 * health rules, the server said no).
 */
import { Command } from "commander";
import type { DefinitionView, Page, ResourceView } from "../api-types";
import { contextFor, enc } from "../context";
import { CliError } from "../cli-error";
import { oneLine, resourceLabel } from "../text-format";
import type { ApiClient } from "../http-client";

/** "90", "90s", "5m", "1h" → milliseconds. */
export function parseTimeout(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m) throw new CliError(`--timeout: "${v}" is not a duration such as 90s, 5m or 1h`, 2);
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  return Math.round(n * (unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "m" ? 60_000 : 3_600_000));
}

export function healthOf(r: ResourceView): string {
  return r.status.health?.status ?? "-";
}

async function resourcesOf(api: ApiClient, kind: string): Promise<ResourceView[]> {
  const items: ResourceView[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get<Page<ResourceView>>("/api/v1/resources", { kind, cursor, limit: 1000 });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

export function resourceWaitCommand(): Command {
  return new Command("wait")
    .description("wait until every resource of a definition is Healthy (exit 0), or report the ones that are not at the deadline (exit 1)")
    .requiredOption("-d, --definition <name>", "the definition whose resources to wait for")
    .option("--health", "wait for health (the only condition so far; the default)")
    .option("--timeout <duration>", "how long to wait, e.g. 90s, 5m, 1h", "5m")
    .option("--interval <duration>", "how often to look", "2s")
    .addHelpText(
      "after",
      "\nExit codes: 0 all Healthy, 1 not all Healthy at the deadline (any Degraded is named), 2 error.\n\nExample:\n  $ syncline resource wait --definition apps.example.io --health --timeout 5m",
    )
    .action(async (opts: { definition: string; timeout: string; interval: string }, c: Command) => {
      const { api, out } = contextFor(c);
      const timeoutMs = parseTimeout(opts.timeout);
      const intervalMs = Math.max(200, parseTimeout(opts.interval));
      const deadline = Date.now() + timeoutMs;
      let last: ResourceView[] = [];
      try {
        const def = await api.get<DefinitionView>(`/api/v1/definitions/${enc(opts.definition)}`);
        if (!def.spec.health) throw new CliError(`definition ${opts.definition} has no health rules (spec.health): its health is not assessed`, 2);
        for (;;) {
          last = await resourcesOf(api, def.spec.names.kind);
          if (last.every((r) => healthOf(r) === "Healthy")) {
            out.line(`all ${last.length} resource(s) of ${opts.definition} are Healthy`);
            return;
          }
          if (Date.now() >= deadline) break;
          await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
        }
      } catch (err) {
        if (err instanceof CliError) throw new CliError(err.message, 2);
        throw err;
      }
      const notHealthy = last.filter((r) => healthOf(r) !== "Healthy");
      const degraded = notHealthy.filter((r) => healthOf(r) === "Degraded");
      const shown = [...degraded, ...notHealthy.filter((r) => healthOf(r) !== "Degraded")].slice(0, 20);
      for (const r of shown)
        out.line(
          `${resourceLabel({ kind: r.kind, namespace: r.metadata.namespace, name: r.metadata.name })}: ${healthOf(r)}${r.status.health?.message ? ` (${oneLine(r.status.health.message)})` : ""}`,
        );
      throw new CliError(
        `${notHealthy.length} of ${last.length} resource(s) of ${opts.definition} not Healthy after ${opts.timeout}${degraded.length ? ` (${degraded.length} Degraded)` : ""}`,
        1,
      );
    });
}

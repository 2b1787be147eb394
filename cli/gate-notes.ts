/**
 * Issue 15: the "Blocked" lines `resource ls` and `resource get` add for definitions whose sync
 * window is closed now (reason and next opening), from GET /api/v1/definitions.
 */
import type { ApiClient } from "./http-client";
import type { DefinitionView } from "./api-types";
import { terminalSafe } from "./terminal-safe";

export function blockedLine(d: DefinitionView): string | null {
  if (!d.gate || d.gate.open) return null;
  return `Blocked: ${d.metadata.name} (${d.spec.names.kind}): ${d.gate.reason ?? "sync window closed"}; next opening ${d.gate.until ?? "not within a year"}`;
}

/** The Blocked lines for the definitions of these kinds (all kinds when undefined). */
export async function gateNotes(api: ApiClient, kinds: string[] | undefined): Promise<string[]> {
  const defs = await api.get<DefinitionView[] | { items: DefinitionView[] }>("/api/v1/definitions").catch(() => null);
  if (!defs) return [];
  const list = Array.isArray(defs) ? defs : defs.items;
  return list
    .filter((d) => !kinds || kinds.includes(d.spec.names.kind))
    .map(blockedLine)
    .filter((l): l is string => l !== null)
    .map((l) => terminalSafe(l));
}

/**
 * One string form of ResourceKey, used to pair desired and live resources and as
 * a map key everywhere. NUL cannot occur in a valid kind, namespace or name, so
 * the join cannot collide.
 */
import type { ResourceKey } from "./types";

export function resourceKeyString(key: ResourceKey): string {
  return `${key.kind}\u0000${key.namespace}\u0000${key.name}`;
}

/** Human form for messages: "Deployment prod/web" or "Deployment web". */
export function describeKey(key: ResourceKey): string {
  return key.namespace ? `${key.kind} ${key.namespace}/${key.name}` : `${key.kind} ${key.name}`;
}

export function compareKeys(a: ResourceKey, b: ResourceKey): number {
  return cmp(a.namespace, b.namespace) || cmp(a.name, b.name) || cmp(a.kind, b.kind);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One string form of ResourceKey, used to pair desired and live resources and as
 * a map key everywhere. NUL cannot occur in a valid kind, namespace or name, so
 * the join cannot collide.
 */
import type { ResourceKey } from "./types";

/**
 * Key strings by key object: keys are never modified, and a plan pairs 10,000 desired keys (the
 * same objects from run to run: collect is memoized) with 10,000 live ones, twice. A kept string
 * also keeps its hash, so the maps it goes into do not hash it again (~25 ms per 100-file sync).
 */
const keyStrings = new WeakMap<ResourceKey, string>();

export function resourceKeyString(key: ResourceKey): string {
  let s = keyStrings.get(key);
  if (s === undefined) {
    s = `${key.kind}\u0000${key.namespace}\u0000${key.name}`;
    keyStrings.set(key, s);
  }
  return s;
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

/**
 * The one place that creates process-wide state. Next may load a module in several bundles of
 * one process (instrumentation, route handlers, server actions), each with its own module
 * scope, so state that must be one per process (the store handle, the Git client, the metrics
 * registry, the event listeners, the scheduler) lives in one record on globalThis, by name.
 */
const holder = globalThis as unknown as { __syncline?: Map<string, unknown> };
const all = (holder.__syncline ??= new Map<string, unknown>());

/** The process's one value named `name`, created by `create` on first use. */
export function processSingleton<T>(name: string, create: () => T): T {
  if (!all.has(name)) all.set(name, create());
  return all.get(name) as T;
}

/** Replaces (or with undefined, forgets) a process value: for tests and for state that is re-created. */
export function setProcessSingleton<T>(name: string, value: T | undefined): void {
  if (value === undefined) all.delete(name);
  else all.set(name, value);
}

/** The current value, without creating one. */
export function peekProcessSingleton<T>(name: string): T | undefined {
  return all.get(name) as T | undefined;
}

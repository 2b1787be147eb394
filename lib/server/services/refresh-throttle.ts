/**
 * Refreshes on request (the Refresh button, POST .../refresh) fetch Git and re-plan a whole
 * definition, so they are coalesced per definition (issue 19 L6): a request while one is in
 * flight joins it, and one within REFRESH_REUSE_MS of the last finished one gets that answer.
 * One process's view; with replicas each coalesces its own (the lease still runs one at a time).
 */
import "server-only";
import { processSingleton } from "@/lib/server/runtime/singletons";

/** how long a finished refresh's answer is handed to repeated requests */
export const REFRESH_REUSE_MS = 10_000;

interface Slot {
  inFlight?: Promise<unknown>;
  last?: { at: number; value: unknown };
}

const slots = processSingleton("refresh-throttle", () => new Map<string, Slot>());

/** `how`: fresh (this call ran it), joined (an in-flight one), reused (a recent answer). */
export async function coalescedRefresh<T>(
  key: string,
  run: () => Promise<T>,
  reuseMs = REFRESH_REUSE_MS,
): Promise<{ value: T; how: "fresh" | "joined" | "reused" }> {
  let slot = slots.get(key);
  if (!slot) slots.set(key, (slot = {}));
  if (slot.inFlight) return { value: (await slot.inFlight) as T, how: "joined" };
  if (slot.last && Date.now() - slot.last.at < reuseMs) return { value: slot.last.value as T, how: "reused" };
  const s = slot;
  const p = run();
  s.inFlight = p;
  try {
    const value = await p;
    s.last = { at: Date.now(), value };
    return { value, how: "fresh" };
  } finally {
    s.inFlight = undefined;
  }
}

/** Forget every remembered answer (tests, and after a definition changes). */
export function forgetRefreshes(key?: string): void {
  if (key === undefined) slots.clear();
  else slots.delete(key);
}

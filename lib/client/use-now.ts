"use client";
/** The current time, ticking every 30 s; null during server render and hydration (no mismatch). */
import { useSyncExternalStore } from "react";

const TICK = 30_000;

function subscribe(cb: () => void): () => void {
  const t = setInterval(cb, TICK);
  return () => clearInterval(t);
}

export function useNow(): number | null {
  return useSyncExternalStore(
    subscribe,
    () => Math.floor(Date.now() / TICK) * TICK,
    () => null,
  );
}

function subscribeDark(cb: () => void): () => void {
  const m = window.matchMedia("(prefers-color-scheme: dark)");
  m.addEventListener("change", cb);
  return () => m.removeEventListener("change", cb);
}

export function usePrefersDark(): boolean {
  return useSyncExternalStore(
    subscribeDark,
    () => window.matchMedia("(prefers-color-scheme: dark)").matches,
    () => false,
  );
}

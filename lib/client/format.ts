/** Display formatting shared by pages and components (pure; safe on server and client). */

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : "—";
}

/** "3 min ago", "in 2 h"; coarse on purpose, the exact time goes in a tooltip. */
export function relativeTime(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return "never";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "—";
  const s = Math.round((now - t) / 1000);
  const abs = Math.abs(s);
  const fmt = (n: number, unit: string) => (s >= 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`);
  if (abs < 10) return "just now";
  if (abs < 60) return fmt(abs, "s");
  if (abs < 3600) return fmt(Math.round(abs / 60), "min");
  if (abs < 86400) return fmt(Math.round(abs / 3600), "h");
  return fmt(Math.round(abs / 86400), "d");
}

export function exactTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Namespace segment in URLs: "_" stands for Cluster-scoped (no namespace), as in the API. */
export function namespaceSegment(ns: string | null | undefined): string {
  return ns ? ns : "_";
}

export function resourceHref(definition: string, namespace: string, name: string): string {
  return `/definitions/${encodeURIComponent(definition)}/resources/${encodeURIComponent(namespaceSegment(namespace))}/${encodeURIComponent(name)}`;
}

/** Small, shared renderings of values in human output (short SHAs, ages, file positions). */

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : "";
}

/** "42s", "5m", "3h", "2d" since `iso`; "" when unknown. */
export function age(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "";
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`;
}

export function place(p: {
  path?: string | null;
  sourcePath?: string | null;
  line?: number | null;
  sourceLine?: number | null;
  column?: number | null;
}): string {
  const file = p.path ?? p.sourcePath;
  if (!file) return "";
  const line = p.line ?? p.sourceLine;
  return `${file}${line ? `:${line}` : ""}${line && p.column ? `:${p.column}` : ""}`;
}

/** "Deployment production/app" or "Cluster-kind name" */
export function resourceLabel(r: { kind: string; namespace?: string | null; name: string }): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`;
}

export function oneLine(s: string | null | undefined, max = 60): string {
  const t = (s ?? "").replace(/\s+/g, " ").trim();
  return t.length > max ? t.slice(0, max - 1) + "…" : t;
}

/** An engine error message without the "file:line: " prefix already printed next to it. */
export function withoutPlace(error: string, where: string): string {
  return where && error.startsWith(`${where}: `) ? error.slice(where.length + 2) : error;
}

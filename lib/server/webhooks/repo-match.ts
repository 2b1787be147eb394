/**
 * Which definitions a push is for: repository URLs are compared in one normal form
 * (host[:port]/path, lower case, no scheme, credentials, ".git" or trailing slash), so the
 * clone URL, the web URL and the SSH form of one repository match the same definition.
 * URLs from a payload are only compared, never fetched.
 */
export function normalizeRepoUrl(raw: string): string | null {
  const s = raw.trim();
  if (!s || s.length > 2048) return null;
  let host: string;
  let path: string;
  const scp = /^[^@/\s]+@([^:/\s]+):(?!\/\/)(.+)$/.exec(s);
  if (scp) {
    host = scp[1]!;
    path = scp[2]!;
  } else {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      return null;
    }
    if (!u.hostname) return null;
    const defaultPort =
      (u.protocol === "https:" && u.port === "443") || (u.protocol === "http:" && u.port === "80") || (u.protocol === "ssh:" && u.port === "22");
    host = u.hostname + (u.port && !defaultPort ? `:${u.port}` : "");
    path = u.pathname;
  }
  path = path
    .replace(/\/+$/, "")
    .replace(/\.git$/i, "")
    .replace(/^\/+/, "");
  if (!path) return null;
  return `${host}/${path}`.toLowerCase();
}

/** "refs/heads/main" → "main"; tags and other refs → null. */
export function branchFromRef(ref: unknown): string | null {
  if (typeof ref !== "string") return null;
  if (ref.startsWith("refs/heads/")) return ref.slice("refs/heads/".length) || null;
  if (ref.startsWith("refs/")) return null;
  return ref || null;
}

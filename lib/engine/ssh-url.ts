/**
 * SSH repository URLs (pure): `ssh://[user@]host[:port]/path` and the scp form
 * `user@host:path`. One parser for the definition check (engine), the SSH transport and the
 * webhook matcher, so what is saved is exactly what is fetched. Anything that could become an
 * ssh option or a second shell word is refused: a host or user starting with '-', spaces,
 * control characters, quotes or shell metacharacters in the host or user.
 */

export interface SshURL {
  user: string;
  host: string;
  port: number;
  /** what `git-upload-pack` is given (scp form: relative to the user's home; ssh://: absolute, "~user/…" kept) */
  path: string;
  form: "ssh" | "scp";
}

const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
const IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/;

/** Is this an SSH-looking URL (either form)? Says nothing about validity. */
export function looksLikeSshUrl(url: string): boolean {
  return /^(ssh|git\+ssh|ssh\+git):\/\//i.test(url) || (!url.includes("://") && /^[^/:@\s]+@[^/:\s]*:/.test(url));
}

/** The parsed URL, or the reason it is refused. */
export function parseSshUrl(url: string): { ok: true; url: SshURL } | { ok: false; reason: string } {
  const bad = (reason: string) => ({ ok: false as const, reason });
  if (/[\u0000-\u0020\u007f]/.test(url)) return bad("repoURL must not contain spaces or control characters");
  const scheme = /^(ssh|git\+ssh|ssh\+git):\/\//i.exec(url);
  let user: string;
  let hostPart: string;
  let port = 22;
  let path: string;
  let form: SshURL["form"];
  if (scheme) {
    form = "ssh";
    const rest = url.slice(scheme[0].length);
    const slash = rest.indexOf("/");
    if (slash < 0) return bad("an ssh:// URL needs a repository path (ssh://git@host/org/repo.git)");
    const authority = rest.slice(0, slash);
    path = decodePath(rest.slice(slash));
    const at = authority.lastIndexOf("@");
    user = at >= 0 ? authority.slice(0, at) : "git";
    let hostPort = at >= 0 ? authority.slice(at + 1) : authority;
    if (user.includes(":")) return bad("repoURL must not contain credentials; use a git-ssh secret and set gitops.secretName");
    const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostPort);
    if (!m) return bad("the host of the ssh:// URL is not valid");
    hostPort = m[1]!;
    if (m[2] !== undefined) {
      if (!/^\d{1,5}$/.test(m[2]) || Number(m[2]) < 1 || Number(m[2]) > 65535) return bad("the SSH port must be a number from 1 to 65535");
      port = Number(m[2]);
    }
    hostPart = hostPort;
    // ssh://host/~user/repo means "~user/repo", as git reads it
    if (path.startsWith("/~")) path = path.slice(1);
  } else {
    form = "scp";
    const m = /^([^@/:]*)@([^/:]*|\[[^\]]*\]):(.*)$/.exec(url);
    if (!m) return bad("an SSH repoURL is ssh://user@host[:port]/path or user@host:path");
    user = m[1]!;
    hostPart = m[2]!;
    path = m[3]!;
  }
  if (!user) return bad("the SSH user is empty");
  if (user.startsWith("-") || hostPart.startsWith("-")) return bad("the SSH user or host starts with '-' (an option injection)");
  if (!USER.test(user)) return bad("the SSH user may hold letters, digits, '.', '_' and '-' only");
  if (!hostPart) return bad("the SSH URL needs a host");
  if (!HOST.test(hostPart) && !IPV6.test(hostPart)) return bad("the SSH host is not a valid host name or address");
  if (!path || path === "/") return bad("the SSH URL needs a repository path");
  if (path.startsWith("-")) return bad("the repository path starts with '-' (an option injection)");
  if (/[\u0000-\u001f\u007f]/.test(path)) return bad("the repository path must not contain control characters");
  const host = hostPart.startsWith("[") ? hostPart.slice(1, -1).toLowerCase() : hostPart.toLowerCase();
  return { ok: true, url: { user, host, port, path, form } };
}

function decodePath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/** One display form: `ssh://user@host[:port]/path` (scp paths relative to the home are shown as "/~/…"-free "host:path"). */
export function formatSshUrl(u: SshURL): string {
  const host = u.host.includes(":") ? `[${u.host}]` : u.host;
  if (u.form === "scp" && u.port === 22) return `${u.user}@${host}:${u.path}`;
  return `ssh://${u.user}@${host}${u.port === 22 ? "" : `:${u.port}`}${u.path.startsWith("/") ? "" : "/"}${u.path}`;
}

/** `host` or `[host]:port`: how known_hosts names an endpoint. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** A POSIX shell single-quoted word (what git sends: `git-upload-pack '<path>'`). */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`).replace(/!/g, `'\\!'`)}'`;
}

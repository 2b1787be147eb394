/**
 * Which repository URLs a definition may point at. The git layer speaks HTTP(S),
 * SSH (`ssh://user@host[:port]/path` and `user@host:path`, ssh-url.ts) and reads local
 * repositories. Other transports are refused outright: git's `ext::` runs arbitrary
 * commands and `git://` is unauthenticated plaintext. Credentials belong in a
 * secret (gitops.secretName), never in the URL, where they would be stored and
 * shown in plain text.
 */

import { looksLikeSshUrl, parseSshUrl } from "./ssh-url";

/** Reason the URL is refused, or undefined when it is acceptable. */
export function checkRepoUrl(url: string): string | undefined {
  if (url.trim() === "") return "repoURL must not be empty";
  if (url.length > 2048) return "repoURL is longer than 2048 characters";
  if (/[\u0000-\u0020\u007f]/.test(url)) return "repoURL must not contain spaces or control characters";
  if (url.startsWith("-")) return "repoURL must not start with '-'";
  if (looksLikeSshUrl(url)) {
    const ssh = parseSshUrl(url);
    return ssh.ok ? undefined : ssh.reason;
  }
  if (url.startsWith("/")) {
    if (url.split("/").includes("..")) return "local repository path must not contain '..'";
    return undefined;
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return "repoURL must be an http(s)://, ssh:// or file:// URL, user@host:path or an absolute path";
  if (scheme !== "http" && scheme !== "https" && scheme !== "file") {
    return `the "${scheme.slice(0, 20)}" transport is not allowed; use https:// or ssh:// (or http://, file://)`;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "repoURL is not a valid URL";
  }
  if (parsed.username || parsed.password) {
    return "repoURL must not contain credentials; store them in a secret and set gitops.secretName";
  }
  if (scheme === "file") {
    if (parsed.host !== "") return "file:// URLs must not name a host (file:///path/to/repo)";
    if (parsed.pathname === "/" || parsed.pathname === "") return "file:// URL needs a repository path";
  } else if (parsed.hostname === "") {
    return "repoURL needs a host";
  }
  return undefined;
}

/**
 * The directory a local repoURL names (an absolute path, or file:///path decoded), or
 * undefined for anything else. Whether local paths are allowed is the server's setting
 * (SYNCLINE_ALLOW_LOCAL_REPOS), not this module's.
 */
export function localRepoPath(url: string): string | undefined {
  if (url.startsWith("/")) return url;
  if (!/^file:/i.test(url)) return undefined;
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return undefined;
  }
}

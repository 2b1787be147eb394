/**
 * Git errors travel to run records, logs and the UI. Whatever isomorphic-git, Node or a server
 * put in a message, it passes through here first so no username:password, token or Basic
 * header value survives, including the base64 form of the pair.
 */
import type { RepoAuth } from "./git-client";

const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi;
const AUTH_HEADER = /(authorization\s*[:=]\s*)(basic|bearer|token)\s+[^\s,"']+/gi;

export function redactCredentials(text: string, auth?: RepoAuth): string {
  let out = text.replace(URL_USERINFO, "$1***@").replace(AUTH_HEADER, "$1$2 ***");
  if (auth) {
    const secrets = [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString("base64"), encodeURIComponent(auth.password)].filter(
      (s) => s.length >= 3,
    );
    for (const s of secrets) out = out.split(s).join("***");
  }
  return out;
}

/** Splits `https://user:pass@host/x` into the URL without userinfo and the credentials found. */
export function stripUrlCredentials(repoURL: string): { url: string; auth?: RepoAuth } {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/@]*)@(.*)$/i.exec(repoURL);
  if (!m) return { url: repoURL };
  const userinfo = m[2] ?? "";
  const colon = userinfo.indexOf(":");
  const username = safeDecode(colon >= 0 ? userinfo.slice(0, colon) : userinfo);
  const password = safeDecode(colon >= 0 ? userinfo.slice(colon + 1) : "");
  const url = `${m[1]}${m[3]}`;
  return username || password ? { url, auth: { username, password } } : { url };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

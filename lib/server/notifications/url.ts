/**
 * Notification URLs often carry their secret in the path or query (Slack's
 * hooks.slack.com/services/T…/B…/XXXX, tokens in ?key=): they are stored encrypted and only
 * ever shown as scheme + host + first path segment.
 */
export function redactNotificationUrl(raw: string): string {
  try {
    const u = new URL(raw);
    const first = u.pathname.split("/").filter(Boolean)[0];
    const more = u.pathname.split("/").filter(Boolean).length > 1 || u.search !== "" || u.hash !== "";
    return `${u.protocol}//${u.host}${first ? `/${first}` : "/"}${more ? (first ? "/***" : "***") : ""}`;
  } catch {
    return "***";
  }
}

/** Every piece of the URL that could be secret, for scrubbing error texts (fetch errors echo URLs). */
export function urlSecrets(raw: string): string[] {
  try {
    const u = new URL(raw);
    const parts = [raw, u.pathname, u.search, u.username, u.password, ...u.pathname.split("/"), ...[...u.searchParams.values()]];
    return parts.filter((p) => p.length >= 4);
  } catch {
    return [raw];
  }
}

export function checkNotificationUrl(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return "url must be an absolute http(s) URL";
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return "url must use http or https";
  if (u.username || u.password) return "url must not contain credentials; put tokens in the path or query";
  return null;
}

/**
 * What a user name may be, in one place: account creation, admin renames and better-auth's
 * username plugin (sign-in) all check it here. Reserved names are ones the server itself writes
 * as an actor or initiator ("system" is the scheduler in runs and the audit log), so no user can
 * be mistaken for the server (issue 19 M4).
 */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/;
export const USERNAME_RULE = "2-63 characters: lowercase letters, digits, '.', '_' or '-', starting with a letter or digit";
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set(["system", "scheduler", "webhook", "anonymous", "unknown"]);

/** Why `username` (already lowercased) cannot name a new or renamed user, or null. */
export function usernameProblem(username: string): string | null {
  if (!USERNAME_PATTERN.test(username)) return `username: ${USERNAME_RULE}`;
  if (RESERVED_USERNAMES.has(username)) return `username: "${username}" is reserved (the server uses it for its own actions)`;
  return null;
}

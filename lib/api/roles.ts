/**
 * The role list, defined once for the server, the dashboard and the CLI. Roles are ordered:
 * each one can do everything the one before it can.
 */
export const roles = ["viewer", "operator", "admin"] as const;
export type Role = (typeof roles)[number];

export function isRole(v: unknown): v is Role {
  return typeof v === "string" && (roles as readonly string[]).includes(v);
}

/** Unknown roles (a stale session, a hand-edited row) rank below viewer. */
export function roleAtLeast(have: Role | string, need: Role): boolean {
  return roles.indexOf(have as Role) >= roles.indexOf(need);
}

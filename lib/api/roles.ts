/**
 * The role list, defined once for the server, the dashboard and the CLI. Roles are ordered:
 * each one can do everything the one before it can — except capabilities, which are granted
 * to named roles only and never inherited (an admin does not reveal secrets).
 *
 * `executor` (API tokens only, issue 13) sits between viewer and operator: it reads what a
 * viewer reads, and is the role of the consumers of resources (a definition's handler): it
 * alone may read the cleartext of secret paths (`resources.reveal`). Issue 14 gives it the
 * status subresource (`resources.status.write`) through the same capability table.
 */
export const roles = ["viewer", "executor", "operator", "admin"] as const;
export type Role = (typeof roles)[number];

/** roles a user account may have: executor is for API tokens only */
export const userRoles = ["viewer", "operator", "admin"] as const satisfies readonly Role[];
export type UserRole = (typeof userRoles)[number];

export function isRole(v: unknown): v is Role {
  return typeof v === "string" && (roles as readonly string[]).includes(v);
}

/** Unknown roles (a stale session, a hand-edited row) rank below viewer. */
export function roleAtLeast(have: Role | string, need: Role): boolean {
  return roles.indexOf(have as Role) >= roles.indexOf(need);
}

/** What only some roles may do, whatever their rank. */
export const capabilities = {
  /** read the cleartext of a resource's secret paths (`?reveal=true`), audited */
  "resources.reveal": ["executor"],
  /** write the status subresource (issue 14) */
  "resources.status.write": ["executor"],
} as const satisfies Record<string, readonly Role[]>;
export type Capability = keyof typeof capabilities;

export function hasCapability(role: Role | string, capability: Capability): boolean {
  return (capabilities[capability] as readonly string[]).includes(role);
}

/** The role list lives in lib/api/roles.ts (shared with the dashboard and the CLI); server code may import it from here. */
export { hasCapability, isRole, roleAtLeast, roles, userRoles, type Capability, type Role, type UserRole } from "@/lib/api/roles";

/** The role list lives in lib/api/roles.ts (shared with the dashboard and the CLI); server code may import it from here. */
export { isRole, roleAtLeast, roles, type Role } from "@/lib/api/roles";

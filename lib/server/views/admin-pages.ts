/** Read models for the admin pages: the users list and the definition editor's JSON. */
import "server-only";
import { findDefinition, rowToDefinition } from "@/lib/server/data/definitions";
import { countResources } from "@/lib/server/data/resources";
import { listUsers } from "@/lib/server/services/users";
import { listSecrets } from "@/lib/server/services/secrets";

export interface UserRowView {
  id: string;
  username: string;
  role: string;
  /** disabled by an admin: no sign-in, no sessions, tokens refused */
  disabled: boolean;
  createdAt: string;
}

export async function usersPageView(): Promise<UserRowView[]> {
  const users = await listUsers();
  return users.map((u) => ({ id: u.id, username: u.username ?? u.name, role: u.role, disabled: u.disabledAt !== null, createdAt: u.createdAt.toISOString() }));
}

/** The stored definition as the editor shows it (defaults filled in), or null when there is none. */
export async function definitionEditorView(name: string): Promise<string | null> {
  const row = await findDefinition(name);
  return row ? JSON.stringify(rowToDefinition(row), null, 2) : null;
}

/** Names of the `sops-age` secrets the editor offers for spec.gitops.decryption (names only, never values). */
export async function decryptionSecretNames(): Promise<string[]> {
  return (await listSecrets()).filter((s) => s.type === "sops-age").map((s) => s.name);
}

/** What the Delete dialog says goes with a definition: its resource count and whether it is production. */
export async function definitionDeleteInfo(name: string): Promise<{ resources: number; production: boolean } | null> {
  const row = await findDefinition(name);
  if (!row) return null;
  return { resources: await countResources({ definitionId: row.id }), production: rowToDefinition(row).spec.production === true };
}

/** Names of the Git credential secrets (basic, token, SSH) the Add definition form offers (names only). */
export async function gitSecretNames(): Promise<string[]> {
  return (await listSecrets()).filter((s) => s.type === "git-basic" || s.type === "git-token" || s.type === "git-ssh").map((s) => s.name);
}

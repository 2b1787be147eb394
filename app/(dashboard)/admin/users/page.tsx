import { requireAdminPage } from "@/app/(dashboard)/admin/require-admin";
import { getUsers } from "@/lib/server/data/users";
import { UsersView } from "@/components/admin/users-view";

export default async function UsersPage() {
  const me = await requireAdminPage();
  const users = await getUsers();
  return <UsersView me={me.userId} users={users.map((u) => ({ id: u.id, username: u.username ?? u.name, role: u.role, createdAt: u.createdAt.toISOString() }))} />;
}

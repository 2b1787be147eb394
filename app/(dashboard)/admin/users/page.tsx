import { requireAdminPage } from "@/app/(dashboard)/admin/require-admin";
import { usersPageView } from "@/lib/server/views/admin-pages";
import { UsersView } from "@/components/admin/users-view";

export default async function UsersPage() {
  const me = await requireAdminPage();
  return <UsersView me={me.userId} users={await usersPageView()} />;
}

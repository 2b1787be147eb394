import { requireAdminPage } from "@/app/(dashboard)/admin/require-admin";
import { listKnownHosts } from "@/lib/server/services/ssh-known-hosts";
import { KnownHostsView } from "@/components/admin/known-hosts-view";

export default async function SshKnownHostsPage() {
  await requireAdminPage();
  return <KnownHostsView keys={await listKnownHosts()} />;
}

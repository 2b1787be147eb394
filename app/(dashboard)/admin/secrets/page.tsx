import { requireAdminPage } from "@/app/(dashboard)/admin/require-admin";
import { listSecrets } from "@/lib/server/services/secrets";
import { SecretsView } from "@/components/admin/secrets-view";

export default async function SecretsPage() {
  await requireAdminPage();
  const secrets = await listSecrets();
  return <SecretsView secrets={secrets.map((s) => ({ name: s.name, type: s.type, updatedAt: s.updatedAt.toISOString() }))} />;
}

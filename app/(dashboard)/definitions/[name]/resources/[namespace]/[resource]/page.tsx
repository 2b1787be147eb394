import { notFound } from "next/navigation";
import { requirePagePrincipal } from "@/lib/server/auth/page-auth";
import { resourceDetailView } from "@/lib/server/views/resource-detail";
import { ResourceDetail } from "@/components/resource/resource-detail";

export default async function ResourcePage({ params }: { params: Promise<{ name: string; namespace: string; resource: string }> }) {
  const [me, p] = await Promise.all([requirePagePrincipal(), params]);
  const view = await resourceDetailView(p.name, p.namespace, p.resource);
  if (!view) notFound();
  return <ResourceDetail {...view} role={me.role} />;
}

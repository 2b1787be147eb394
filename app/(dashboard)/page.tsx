import { requirePagePrincipal } from "@/lib/server/auth/page-auth";
import { listDefinitionSummaries } from "@/lib/server/views/definition-summaries";
import { DefinitionsOverview } from "@/components/overview/definitions-overview";

export default async function OverviewPage() {
  const me = await requirePagePrincipal();
  return <DefinitionsOverview definitions={await listDefinitionSummaries()} isAdmin={me.role === "admin"} />;
}

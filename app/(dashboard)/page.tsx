import { listDefinitionViews } from "@/lib/server/services/definitions";
import { DefinitionsOverview } from "@/components/definitions-overview";

export default async function OverviewPage() {
  return <DefinitionsOverview definitions={await listDefinitionViews()} />;
}

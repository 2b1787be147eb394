import { requirePagePrincipal } from "@/lib/server/auth/page-auth";
import { overviewPageView } from "@/lib/server/views/definition-summaries";
import { DefinitionsOverview } from "@/components/overview/definitions-overview";

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [me, sp] = await Promise.all([requirePagePrincipal(), searchParams]);
  return <DefinitionsOverview page={await overviewPageView(sp)} role={me.role} />;
}

import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { suspensionView } from "@/lib/server/services/suspend";
import { getWebhookInfo } from "@/lib/server/webhooks/info";
import { requirePagePrincipal } from "@/lib/server/auth/page-auth";
import { findDefinition } from "@/lib/server/data/definitions";
import { getAppliedCommits } from "@/lib/server/data/runs";
import { summarizeDefinitions } from "@/app/(dashboard)/definition-summaries";
import { loadResourcePage, parseResourceQuery } from "@/app/(dashboard)/definitions/[name]/load-resources";
import { DefinitionView } from "@/components/definition/definition-view";

export default async function DefinitionPage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [me, { name }, sp] = await Promise.all([requirePagePrincipal(), params, searchParams]);
  const row = await findDefinition(name);
  if (!row) notFound();
  const query = parseResourceQuery(sp);
  const origin = (await headers()).get("host");
  const [[summary], page, applied, webhook] = await Promise.all([
    summarizeDefinitions([row]),
    loadResourcePage(row.id, query),
    getAppliedCommits(row.id),
    row.gitops ? getWebhookInfo(name, origin ? `http://${origin}` : "http://localhost:3000") : null,
  ]);
  const suspension = suspensionView(row);
  return (
    <DefinitionView
      summary={summary!}
      role={me.role}
      query={query}
      page={page}
      suspension={suspension.suspended ? { reason: suspension.reason ?? "", until: suspension.until, by: suspension.by } : null}
      webhook={webhook}
      rollbackTargets={applied.map((a) => ({ commit: a.resolvedCommit!, message: a.commitMessage, at: a.finishedAt?.toISOString() ?? null, trigger: a.trigger, initiator: a.initiator }))}
    />
  );
}

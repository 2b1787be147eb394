/** The definition page in one call: summary, one page of resources, rollback targets, suspension, webhook. */
import "server-only";
import { findDefinition } from "@/lib/server/data/definitions";
import { getAppliedCommits } from "@/lib/server/data/runs";
import { suspensionView } from "@/lib/server/services/suspend";
import { getWebhookInfo } from "@/lib/server/webhooks/info";
import { summarizeDefinitions } from "@/lib/server/views/definition-summaries";
import { loadResourcePage, parseResourceQuery } from "@/lib/server/views/resources-page";
import type { DefinitionPageData } from "@/lib/api/views";
import { checkHeadsInBackground } from "@/lib/server/services/head-check";

/** null when there is no such definition. `host` is the request's Host header (webhook URLs). */
export async function definitionPageView(
  name: string,
  searchParams: Record<string, string | string[] | undefined>,
  host: string | null,
): Promise<DefinitionPageData | null> {
  const row = await findDefinition(name);
  if (!row) return null;
  // the page shows what the store has; a stale head is checked in the background (live events refresh the page)
  checkHeadsInBackground([row]);
  const query = parseResourceQuery(searchParams);
  const [[summary], page, applied, webhook] = await Promise.all([
    summarizeDefinitions([row]),
    loadResourcePage(row.id, query),
    getAppliedCommits(row.id),
    row.gitops ? getWebhookInfo(name, host ? `http://${host}` : "http://localhost:3000") : null,
  ]);
  const suspension = suspensionView(row);
  return {
    summary: summary!,
    query,
    page,
    suspension: suspension.suspended ? { reason: suspension.reason ?? "", until: suspension.until, by: suspension.by } : null,
    webhook,
    rollbackTargets: applied.map((a) => ({
      commit: a.resolvedCommit!,
      message: a.commitMessage,
      at: a.finishedAt?.toISOString() ?? null,
      trigger: a.trigger,
      initiator: a.initiator,
    })),
  };
}

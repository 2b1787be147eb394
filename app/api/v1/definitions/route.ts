import { readJson, route } from "@/lib/server/http/route";
import { addDefinition, listDefinitionViews } from "@/lib/server/services/definitions";
import { listDefinitionSummaries } from "@/lib/server/views/definition-summaries";

export const dynamic = "force-dynamic";

/** Definitions with their status as the overview shows it: sync status, Git head, last run outcome (issue 21). */
export const GET = route({ role: "viewer" }, async () => {
  const [items, summaries] = await Promise.all([listDefinitionViews(), listDefinitionSummaries()]);
  const byName = new Map(summaries.map((s) => [s.name, s]));
  return {
    items: items.map((d) => {
      const s = byName.get(d.metadata.name);
      return s ? { ...d, status: { ...d.status, syncStatus: s.status, git: s.git, lastRunOutcome: s.lastRun?.outcome ?? null } } : d;
    }),
  };
});

export const POST = route({ role: "admin" }, async ({ req, principal }) => Response.json(await addDefinition(await readJson(req), principal), { status: 201 }));

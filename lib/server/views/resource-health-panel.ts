/** The resource page's status and health panel (issue 14): the executor's status, health and its transitions. */
import "server-only";
import YAML from "yaml";
import { getHealthTransitions } from "@/lib/server/data/resource-health";
import type { ResourceRow } from "@/lib/server/data/resources";
import type { ResourceHealthPanel } from "@/lib/api/views";

export async function resourceHealthPanel(live: ResourceRow | null): Promise<ResourceHealthPanel | null> {
  if (!live) return null;
  const transitions = await getHealthTransitions(live.id);
  const status = live.status && typeof live.status === "object" && Object.keys(live.status).length > 0 ? YAML.stringify(live.status) : "";
  return {
    health: live.health,
    message: live.healthMessage,
    lastTransitionTime: live.healthTransitionTime?.toISOString() ?? null,
    statusYaml: status,
    observedGeneration: live.observedGeneration,
    statusUpdatedAt: live.statusUpdatedAt?.toISOString() ?? null,
    transitions: transitions.map((t) => ({ from: t.from, to: t.to, message: t.message, at: t.at.toISOString() })),
  };
}

/** One call to record who did what: `audit(principal, "sync.start", "deployments.example.io")`. */
import "server-only";
import { recordAuditEvent } from "@/lib/server/data/audit";
import { principalLabel, type Principal } from "@/lib/server/auth/principal";

export function audit(
  who: Principal | "system",
  action: string,
  target: string | undefined,
  result: "ok" | "denied" | "error" = "ok",
  details?: Record<string, unknown>,
): Promise<void> {
  const actor = who === "system" ? "system" : principalLabel(who);
  const actorType = who === "system" ? "system" : who.via === "token" ? "token" : "user";
  const ids = who === "system" ? { actorId: null, tokenId: null } : { actorId: who.userId, tokenId: who.tokenId ?? null };
  return recordAuditEvent({ actor, actorType, ...ids, action, target, result, details });
}

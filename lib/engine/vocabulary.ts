/**
 * The status vocabularies, defined once: each as an `as const` array (for CHECK constraints,
 * filters, column orders) and the type it spells. The database holds the same lists as CHECK
 * constraints (prisma/migrations/20270110000000_status_vocabulary; a test compares the two).
 */

/** What a plan says about one resource (lib/engine/status.ts resourceStatus). */
export const RESOURCE_SYNC_STATUSES = ["Synced", "OutOfSync", "Missing", "Orphaned", "Error"] as const;
export type ResourceSyncStatus = (typeof RESOURCE_SYNC_STATUSES)[number];

/**
 * What a Resource row holds: a planned status, or Unknown for a row no sync or refresh has
 * covered yet (created through the API, or stored before the first plan). Missing resources
 * are in Git only, so they are counted in a definition's summary, never stored on a row.
 */
export const STORED_SYNC_STATUSES = ["Synced", "OutOfSync", "Orphaned", "Error", "Unknown"] as const;
export type StoredSyncStatus = (typeof STORED_SYNC_STATUSES)[number];

export const DEFINITION_SYNC_STATUSES = ["Synced", "OutOfSync", "Unknown"] as const;
export type DefinitionSyncStatus = (typeof DEFINITION_SYNC_STATUSES)[number];

export const RUN_PHASES = ["Pending", "Running", "Succeeded", "Failed", "Interrupted"] as const;
export type RunPhase = (typeof RUN_PHASES)[number];
/** a run in one of these has ended and will not change again */
export const FINAL_RUN_PHASES = ["Succeeded", "Failed", "Interrupted"] as const satisfies readonly RunPhase[];
export const ACTIVE_RUN_PHASES = ["Pending", "Running"] as const satisfies readonly RunPhase[];

export const RUN_TRIGGERS = ["manual", "auto", "webhook", "rollback", "api", "cli"] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const CHANGE_ACTIONS = ["create", "update", "delete", "unchanged", "invalid", "skipped"] as const;
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

/**
 * Drift as a filter value beside the stored statuses: a resource whose live content moved away
 * from what the last sync applied (the rule: lib/engine/status.ts isDrifted).
 */
export const DRIFTED = "drifted" as const;

export function isRunPhase(v: unknown): v is RunPhase {
  return typeof v === "string" && (RUN_PHASES as readonly string[]).includes(v);
}

export function isActiveRunPhase(phase: string): boolean {
  return (ACTIVE_RUN_PHASES as readonly string[]).includes(phase);
}

export function isFinalRunPhase(phase: string): boolean {
  return (FINAL_RUN_PHASES as readonly string[]).includes(phase);
}

export function isStoredSyncStatus(v: unknown): v is StoredSyncStatus {
  return typeof v === "string" && (STORED_SYNC_STATUSES as readonly string[]).includes(v);
}

/** Issue 14: what a definition's health rules say about a resource (lib/engine/health.ts). */
export const HEALTH_STATUSES = ["Healthy", "Progressing", "Degraded", "Unknown", "Missing", "Suspended"] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/**
 * The pages' cheap head check (issue 21): one ls-remote per definition, at most every
 * HEAD_CHECK_MAX_AGE_MS, so a new commit shows as "behind" (OutOfSync) without waiting for a
 * Refresh or the interval. It stores only the head, when it was checked and a Git failure with
 * its cause; statuses and plans stay the refresh's (services/refresh.ts), which also counts how
 * far behind the applied commit is once the head's objects are fetched (recordHeadDistance).
 * Pages never wait for it (checkHeadsInBackground, issue 17); the API waits up to 1.5 s.
 */
import "server-only";
import { rowToDefinition, type DefinitionRow } from "@/lib/server/data/definitions";
import { recordHeadChecks, recordHeadDetails, type HeadCheckWrite } from "@/lib/server/data/git-head";
import { publish } from "@/lib/server/runtime/events";
import { processSingleton } from "@/lib/server/runtime/singletons";
import { AppError } from "@/lib/server/errors";
import { isGitError, type GitClient, type RepoSource } from "@/lib/server/git/git-client";
import { logger } from "@/lib/server/logger";
import { getGitClient, repoSourceFor } from "@/lib/server/services/git-source";
import { scrubMessage } from "@/lib/server/services/sync/plan-definition";
import type { GitOpsSpec } from "@/lib/engine/types";

export const HEAD_CHECK_MAX_AGE_MS = 10_000;
/** how many commits back from the head the distance is counted (past it: "behind", no number) */
const DISTANCE_LIMIT = 50;

/** the API waits this long for a head check; a slower one finishes in the background for the next view */
const API_WAIT_MS = 1_500;
/** checks in flight per definition, so concurrent views share one ls-remote and one write */
const inFlight = processSingleton("head-checks-in-flight", () => new Map<string, Promise<DefinitionRow>>());

/**
 * The pages' head check: starts the checks of rows not checked for `maxAgeMs` and returns at once, so
 * a page renders what the store has and never waits on Git or on writes. The checks run together
 * (one ls-remote per repository and branch, one write per outcome) and publish `heads-checked` for the
 * definitions whose head or Git error changed; live pages refresh on it (lib/server/live/hub.ts).
 */
export function checkHeadsInBackground(rows: DefinitionRow[], maxAgeMs = HEAD_CHECK_MAX_AGE_MS): void {
  startChecks(rows, maxAgeMs);
}

/** The API's head check: like the pages', but answers the rows with what the checks found within `waitMs`. */
export async function checkHeadsIfStale(rows: DefinitionRow[], maxAgeMs = HEAD_CHECK_MAX_AGE_MS, waitMs = API_WAIT_MS): Promise<DefinitionRow[]> {
  const checks = startChecks(rows, maxAgeMs);
  if (checks.size === 0) return rows;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs);
    timer.unref();
  });
  // each row as its check left it within the wait, else as stored
  const done = new Map<string, DefinitionRow>();
  for (const [id, check] of checks) void check.then((r) => done.set(id, r));
  try {
    await Promise.race([Promise.all(checks.values()), late]);
    return rows.map((row) => done.get(row.id) ?? row);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for the head checks in flight (tests, and views that must show the check's result). */
export async function headChecksSettled(): Promise<void> {
  while (inFlight.size > 0) await Promise.allSettled([...inFlight.values()]);
}

function startChecks(rows: DefinitionRow[], maxAgeMs: number): Map<string, Promise<DefinitionRow>> {
  const now = Date.now();
  const out = new Map<string, Promise<DefinitionRow>>();
  const fresh: DefinitionRow[] = [];
  for (const row of rows) {
    if (!row.gitops) continue;
    if (row.headCheckedAt && now - row.headCheckedAt.getTime() < maxAgeMs) continue;
    const running = inFlight.get(row.id);
    if (running) out.set(row.id, running);
    else fresh.push(row);
  }
  if (fresh.length === 0) return out;
  const batch = checkBatch(fresh);
  for (const row of fresh) {
    const check = batch.then((m) => m.get(row.id) ?? row);
    inFlight.set(row.id, check);
    out.set(row.id, check);
    void check.then(() => {
      if (inFlight.get(row.id) === check) inFlight.delete(row.id);
    });
  }
  return out;
}

/** Checks rows together: one ls-remote per repository, branch and secret; one write per distinct outcome. Never throws. */
async function checkBatch(rows: DefinitionRow[]): Promise<Map<string, DefinitionRow>> {
  const heads = new Map<string, Promise<string>>();
  const headOf = async (gitops: GitOpsSpec): Promise<string> => {
    const key = `${gitops.repoURL}\u0000${gitops.branch}\u0000${gitops.secretName ?? ""}`;
    let head = heads.get(key);
    if (!head) {
      head = repoSourceFor(gitops).then((src) => getGitClient().resolveBranchHead(src, gitops.branch));
      head.catch(() => undefined);
      heads.set(key, head);
    }
    return head;
  };
  const outcomes = await Promise.all(rows.map((row) => headOutcome(row, headOf)));
  const writes = outcomes.flatMap((o) => (o.write ? [o.write] : []));
  try {
    await recordHeadChecks(writes);
  } catch (err) {
    logger.warn({ err: (err as Error).message, definitions: writes.length }, "head checks not stored");
    return new Map(rows.map((r) => [r.id, r]));
  }
  const changed = outcomes.filter((o) => o.changed).map((o) => o.row.name);
  if (changed.length > 0) publish("heads-checked", { definitions: changed });
  return new Map(outcomes.map((o) => [o.row.id, o.row]));
}

interface HeadOutcome {
  /** the row as the check leaves it */
  row: DefinitionRow;
  write: HeadCheckWrite | null;
  /** what a page shows changed: the head, or the Git error */
  changed: boolean;
}

async function headOutcome(row: DefinitionRow, headOf: (gitops: GitOpsSpec) => Promise<string>): Promise<HeadOutcome> {
  const def = rowToDefinition(row);
  const gitops = def.spec.gitops;
  if (!gitops) return { row, write: null, changed: false };
  try {
    const head = await headOf(gitops);
    const moved = head !== row.headCommit;
    const clear = row.refreshErrorCode !== null || (row.refreshError !== null && /^secret /.test(row.refreshError));
    return {
      row: {
        ...row,
        headCommit: head,
        headCheckedAt: new Date(),
        ...(moved ? { headMessage: null, headBehind: null } : {}),
        ...(clear ? { refreshError: null, refreshErrorCode: null } : {}),
      },
      write: { id: row.id, head, moved, clearGitError: clear },
      changed: moved || clear,
    };
  } catch (err) {
    if (!(err instanceof AppError) && !isGitError(err)) {
      logger.error({ definition: row.name, err: (err as Error).message }, "head check crashed");
      return { row, write: null, changed: false };
    }
    const message = await scrubMessage(def, err.message);
    const code = isGitError(err) ? err.code : null;
    return {
      row: { ...row, headCheckedAt: new Date(), refreshError: message, refreshErrorCode: code },
      write: { id: row.id, failure: { message, code } },
      changed: message !== row.refreshError || code !== row.refreshErrorCode,
    };
  }
}

/**
 * After a refresh or a sync fetched the head: its message and how many commits `base` (the
 * applied commit, or the pin) is behind it. Best effort: a failure leaves the distance unknown.
 */
export async function recordHeadDistance(
  row: Pick<DefinitionRow, "id">,
  src: RepoSource,
  head: string,
  base: string | null,
  git: GitClient = getGitClient(),
): Promise<void> {
  try {
    const log = await git.log(src, head, DISTANCE_LIMIT);
    const at = base ? log.findIndex((c) => c.sha === base) : -1;
    await recordHeadDetails(row.id, { head, message: log[0]?.message ?? null, behind: at >= 0 ? at : null });
  } catch (err) {
    logger.debug({ err: (err as Error).message }, "could not count commits behind the head");
  }
}

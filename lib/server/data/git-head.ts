/** Query functions for what Syncline knows of a definition's branch head (issue 21: honest status). */
import "server-only";
import type { Prisma } from "@prisma/client";
import { getDb } from "@/lib/server/db";

/** One head check's outcome to store: the head it found, or the Git failure with its cause. */
export type HeadCheckWrite =
  { id: string; head: string; moved: boolean; clearGitError: boolean } | { id: string; failure: { message: string; code: string | null } };

/**
 * Stores many head checks (a page's batch) in one transaction of one UPDATE per distinct outcome:
 * definitions on one repository and branch share their head, so 1,000 of them are one or two statements.
 */
export async function recordHeadChecks(checks: HeadCheckWrite[]): Promise<void> {
  if (checks.length === 0) return;
  const db = await getDb();
  const now = new Date();
  const groups = new Map<string, { ids: string[]; data: Prisma.ResourceDefinitionUpdateManyMutationInput }>();
  for (const c of checks) {
    const data: Prisma.ResourceDefinitionUpdateManyMutationInput =
      "failure" in c
        ? { headCheckedAt: now, refreshError: c.failure.message.slice(0, 2000), refreshErrorCode: c.failure.code }
        : {
            headCheckedAt: now,
            headCommit: c.head,
            ...(c.moved ? { headMessage: null, headBehind: null } : {}),
            ...(c.clearGitError ? { refreshError: null, refreshErrorCode: null } : {}),
          };
    const key = JSON.stringify(data);
    const g = groups.get(key) ?? { ids: [], data };
    g.ids.push(c.id);
    groups.set(key, g);
  }
  await db.$transaction([...groups.values()].map((g) => db.resourceDefinition.updateMany({ where: { id: { in: g.ids } }, data: g.data })));
}

/** The head's message and how far the applied (or pinned) commit is behind it, once its objects were fetched. */
export async function recordHeadDetails(id: string, d: { head: string; message: string | null; behind: number | null }): Promise<void> {
  await (
    await getDb()
  ).resourceDefinition.update({
    where: { id },
    data: { headCheckedAt: new Date(), headCommit: d.head, headMessage: d.message?.split("\n")[0]?.slice(0, 300) ?? null, headBehind: d.behind },
  });
}

/** Query functions for what Syncline knows of a definition's branch head (issue 21: honest status). */
import "server-only";
import { getDb } from "@/lib/server/db";

/** A head check answered: a moved head drops what was known of the old one (message, distance). */
export async function recordHeadChecked(id: string, head: string, moved: boolean, clearGitError: boolean): Promise<void> {
  await (
    await getDb()
  ).resourceDefinition.update({
    where: { id },
    data: {
      headCheckedAt: new Date(),
      headCommit: head,
      ...(moved ? { headMessage: null, headBehind: null } : {}),
      ...(clearGitError ? { refreshError: null, refreshErrorCode: null } : {}),
    },
  });
}

/** A Git failure with its cause code, as the card and the definition header show it. */
export async function recordGitFailure(id: string, message: string, code: string | null): Promise<void> {
  await (
    await getDb()
  ).resourceDefinition.update({ where: { id }, data: { headCheckedAt: new Date(), refreshError: message.slice(0, 2000), refreshErrorCode: code } });
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

/**
 * A resources-table row's one-resource actions (issue 21): links to the resource page that open
 * its "Sync this resource" or "Revert drift" confirmation (role and production rules apply there).
 */
import Link from "next/link";

export function RowActions({ href, syncStatus, drifted }: { href: string; syncStatus: string; drifted: boolean }) {
  const canSync = syncStatus === "OutOfSync" || syncStatus === "Missing";
  if (!canSync && !drifted) return null;
  return (
    <span className="flex gap-2 text-xs" data-testid="row-actions">
      {canSync || drifted ? (
        <Link href={`${href}?action=sync`} className="text-sky-700 underline dark:text-sky-300">
          Sync…
        </Link>
      ) : null}
      {drifted ? (
        <Link href={`${href}?action=revert`} className="text-sky-700 underline dark:text-sky-300">
          Revert drift…
        </Link>
      ) : null}
    </span>
  );
}

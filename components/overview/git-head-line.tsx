/**
 * What the screen knows about Git, with its age (issue 21): "Git main @ sha · message · checked
 * 12 s ago", "Applied sha (N behind)", a pin with how far the branch moved past it, and a Git
 * failure as a state with its cause and an "Add secret" action. For cards and the definition header.
 */
import Link from "next/link";
import type { GitHeadView } from "@/lib/api/git-head";
import { CopySha } from "@/components/ui/copy-sha";
import { RelativeTime } from "@/components/ui/relative-time";

function commits(n: number): string {
  return `${n} commit${n === 1 ? "" : "s"}`;
}

export function GitHeadLine({ git, role }: { git: GitHeadView | null; role?: string }) {
  if (!git) return null;
  const base = git.pinned ?? git.applied;
  return (
    <div className="space-y-0.5 text-sm" data-testid="git-head">
      <p className="flex flex-wrap items-center gap-x-1.5 text-slate-700 dark:text-slate-300">
        <span>
          Git <code className="font-mono">{git.branch}</code> @
        </span>
        <span data-testid="git-head-sha" data-sha={git.head ?? ""}>
          {git.head ? <CopySha sha={git.head} /> : <span className="text-slate-500">{git.checkedAt ? "unknown" : "not checked yet"}</span>}
        </span>
        {git.headMessage ? <span className="max-w-md truncate text-slate-600 dark:text-slate-400">· {git.headMessage}</span> : null}
        {git.checkedAt ? (
          <span className="text-slate-500">
            · {git.head ? "checked" : "last tried"} <RelativeTime iso={git.checkedAt} />
          </span>
        ) : null}
      </p>
      <p className="flex flex-wrap items-center gap-x-1.5">
        <span className="text-slate-500">Applied</span>
        <span data-testid="git-applied">{git.applied ? <CopySha sha={git.applied} /> : <span className="text-slate-500">nothing yet</span>}</span>
        {git.pinned ? (
          <span data-testid="git-ahead" className="text-amber-800 dark:text-amber-300">
            · pinned; {git.headMoved ? `${git.branch} is ${git.behind !== null ? commits(git.behind) : "some commits"} ahead` : `${git.branch} is at the pin`}
          </span>
        ) : base && git.head ? (
          <span data-testid="git-behind" className={git.headMoved ? "text-amber-800 dark:text-amber-300" : "text-slate-500"}>
            ({git.headMoved ? (git.behind !== null ? `${git.behind} behind` : "behind") : "at the head"})
          </span>
        ) : null}
      </p>
      {git.error ? (
        <p role="status" data-testid="git-error" data-cause={git.error.cause} className="text-red-800 dark:text-red-300">
          <span className="font-medium">⚠ Git error: {git.error.causeText}</span>
          <span className="block break-all text-xs">{git.error.message}</span>
          {git.error.offerSecret && role === "admin" ? (
            <Link href="/admin/secrets" className="text-xs font-medium text-sky-700 underline dark:text-sky-300">
              Add secret{git.error.secretName ? ` ${git.error.secretName}` : ""}
            </Link>
          ) : git.error.offerSecret ? (
            <span className="text-xs"> An admin can add the Git secret{git.error.secretName ? ` ${git.error.secretName}` : ""}.</span>
          ) : null}
        </p>
      ) : null}
    </div>
  );
}

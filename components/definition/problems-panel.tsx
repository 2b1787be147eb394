/**
 * Problems where decisions are made (issue 21): invalid resources, files the last run could not
 * read and a Git failure, with links to where each is explained. Nothing is shown when there are none.
 */
import Link from "next/link";
import type { DefinitionSummary } from "@/lib/api/views";
import { problemCounts } from "@/lib/api/overview";

export function ProblemsPanel({ summary: d }: { summary: DefinitionSummary }) {
  const c = problemCounts(d);
  if (c.invalid + c.files + c.git === 0) return null;
  const base = `/definitions/${encodeURIComponent(d.name)}`;
  return (
    <section
      aria-labelledby="problems-title"
      data-testid="problems-panel"
      className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm dark:border-amber-700 dark:bg-amber-950"
    >
      <h2 id="problems-title" className="font-semibold text-amber-900 dark:text-amber-200">
        Problems ({c.invalid + c.files + c.git})
      </h2>
      <ul className="mt-1 list-disc space-y-0.5 pl-5 text-amber-900 dark:text-amber-200">
        {d.git?.error ? (
          <li data-testid="problem-git">
            Git: {d.git.error.causeText} — <span className="break-all">{d.git.error.message}</span>
          </li>
        ) : null}
        {c.invalid > 0 ? (
          <li data-testid="problem-invalid">
            <Link href={`${base}?status=Error`} className="underline">
              {c.invalid} invalid resource{c.invalid === 1 ? "" : "s"}
            </Link>{" "}
            refused by the schema (not applied; a live one keeps its last good spec)
          </li>
        ) : null}
        {c.files > 0 && d.lastRun ? (
          <li data-testid="problem-files">
            <Link href={`/runs/${d.lastRun.id}#errors`} className="underline">
              {c.files} file{c.files === 1 ? "" : "s"} could not be read
            </Link>{" "}
            in the last run (their resources were skipped)
          </li>
        ) : null}
      </ul>
    </section>
  );
}

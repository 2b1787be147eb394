"use client";
/**
 * Compare two points of a definition's history: both sides (run, commit, message, author), the
 * counts, and each changed resource in the diff page's Monaco side-by-side review (from on the
 * left, to on the right).
 */
import Link from "next/link";
import { useState } from "react";
import type { CompareReviewData } from "@/lib/api/history";
import { ChangeDiff } from "@/components/diff/change-diff";
import { PlanCounts } from "@/components/definition/plan-summary";
import { CompareSide } from "@/components/compare/compare-side";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

const OPEN_BY_DEFAULT = 15;

function sideName(s: CompareReviewData["from"]): string {
  if (s.type === "live") return "live";
  return s.run ? `run ${s.run.id.slice(0, 8)}` : (s.commit?.slice(0, 7) ?? s.ref);
}

export function CompareReview({ data: d }: { data: CompareReviewData }) {
  const [sideBySide, setSideBySide] = useState(true);
  const base = `/definitions/${encodeURIComponent(d.definition)}`;
  const q = (mode: string) => `${base}/compare?from=${encodeURIComponent(d.from.ref)}&to=${encodeURIComponent(d.to.ref)}&mode=${mode}`;
  const sides: [string, string] = [`From: ${sideName(d.from)}`, `To: ${sideName(d.to)}`];
  return (
    <div className="space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/" className="hover:underline">
          Definitions
        </Link>{" "}
        /{" "}
        <Link href={base} className="hover:underline">
          {d.definition}
        </Link>{" "}
        /{" "}
        <Link href={`${base}/runs`} className="hover:underline">
          Runs
        </Link>{" "}
        / <span>Compare</span>
      </nav>
      <header className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Compare history</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {d.mode === "desired" ? "What Git said at each side (the desired states)." : "The store after each side's run, from the recorded changes."}{" "}
          <Link href={q(d.mode === "desired" ? "applied" : "desired")} className="text-sky-700 underline dark:text-sky-300" data-testid="switch-mode">
            Compare {d.mode === "desired" ? "the applied stores" : "the desired states"} instead
          </Link>
        </p>
      </header>
      <div className="flex flex-col gap-3 md:flex-row">
        <CompareSide label="From" side={d.from} />
        <CompareSide label="To" side={d.to} />
      </div>
      {d.fileProblems.length > 0 ? (
        <Alert kind="error" title={`${d.fileProblems.length} file problem(s) at the "to" commit`}>
          <ul className="mt-1 space-y-0.5 font-mono text-xs">
            {d.fileProblems.slice(0, 20).map((p, i) => (
              <li key={i}>
                {p.path}
                {p.line ? `:${p.line}` : ""}: {p.message}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}
      <section className="flex flex-wrap items-center gap-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <PlanCounts counts={d.counts} />
        <div className="ml-auto">
          <Button onClick={() => setSideBySide(!sideBySide)} aria-pressed={!sideBySide}>
            {sideBySide ? "Inline view" : "Side-by-side view"}
          </Button>
        </div>
      </section>
      <section aria-label="Changed resources" className="space-y-2" data-testid="changes">
        <h2 className="text-lg font-semibold">
          Changes <span className="text-sm font-normal text-slate-500">{d.changedTotal}</span>
        </h2>
        {d.changedTotal === 0 ? <p className="text-slate-500">No changes between the two.</p> : null}
        {d.changes.map((c, i) => (
          <ChangeDiff key={`${c.namespace}/${c.name}`} change={c} defaultOpen={i < OPEN_BY_DEFAULT} sideBySide={sideBySide} sides={sides} />
        ))}
        {d.changedTotal > d.changes.length ? <p className="text-sm text-slate-500">…and {d.changedTotal - d.changes.length} more changes not shown.</p> : null}
      </section>
      {d.unchangedTotal > 0 ? (
        <details className="rounded-lg border border-slate-200 bg-white p-3 text-sm dark:border-slate-800 dark:bg-slate-900" data-testid="unchanged">
          <summary className="cursor-pointer font-medium">{d.unchangedTotal} unchanged resources</summary>
          <ul className="mt-2 columns-1 font-mono text-xs sm:columns-2 lg:columns-3">
            {d.unchanged.map((k) => (
              <li key={k}>{k}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

"use client";
import { useState } from "react";
import { YamlDiff } from "@/components/editor/lazy-editors";
import { shortSha } from "@/lib/client/format";

/** Live manifest vs the Git manifest at the last fetched commit, side by side or inline. */
export function YamlDiffPanel({ live, git, commit }: { live: string; git: string; commit: string | null }) {
  const [sideBySide, setSideBySide] = useState(true);
  return (
    <section aria-label="Manifests" className="rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" data-testid="diff-editor">
      <header className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-3 py-2 text-sm dark:border-slate-800">
        <h2 className="font-semibold">Live (store) ↔ Git{commit ? ` at ${shortSha(commit)}` : ""}</h2>
        {live === git ? <span className="text-emerald-700 dark:text-emerald-300">✓ identical</span> : null}
        <button type="button" className="ml-auto text-xs text-sky-700 hover:underline dark:text-sky-300" onClick={() => setSideBySide(!sideBySide)}>
          {sideBySide ? "Inline view" : "Side by side"}
        </button>
      </header>
      <YamlDiff original={live} modified={git} sideBySide={sideBySide} />
    </section>
  );
}

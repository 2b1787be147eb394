"use client";
/** One changed resource: header with action and key, its YAML diff in Monaco (side by side or inline). */
import { useState } from "react";
import { YamlDiff } from "@/components/editor/lazy-editors";
import { StatusBadge, DriftBadge } from "@/components/ui/status-badge";
import type { ChangeLike } from "@/lib/api/views";

export function ChangeDiff({
  change: c,
  defaultOpen = false,
  sideBySide: sbs,
  sides = ["Live (store)", "Desired (Git)"],
}: {
  change: ChangeLike;
  defaultOpen?: boolean;
  sideBySide?: boolean;
  /** the column labels (the compare page names its two sides) */
  sides?: readonly [string, string];
}) {
  const [open, setOpen] = useState(defaultOpen);
  const [localSbs, setLocalSbs] = useState(true);
  const sideBySide = sbs ?? localSbs;
  const key = `${c.namespace ? `${c.namespace}/` : ""}${c.name}`;
  const hasYaml = Boolean(c.liveYaml || c.desiredYaml);
  // a create has nothing to diff against (and a delete nothing to diff to): show the one side as plain YAML
  const oneSide = !c.liveYaml ? c.desiredYaml : !c.desiredYaml ? c.liveYaml : null;
  return (
    <article
      data-testid="change"
      data-key={key}
      data-action={c.action}
      className="rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
    >
      <header className="flex flex-wrap items-center gap-2 px-3 py-2">
        <button
          type="button"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
          className="flex min-w-0 items-center gap-2 text-left font-medium hover:underline"
        >
          <span aria-hidden className="w-3 text-slate-500">
            {open ? "▾" : "▸"}
          </span>
          <StatusBadge status={c.action} />
          <span className="truncate font-mono text-sm">
            {c.kind} {key}
          </span>
        </button>
        {c.drifted ? <DriftBadge /> : null}
        {c.sourcePath ? (
          <span className="font-mono text-xs text-slate-600 dark:text-slate-400">
            {c.sourcePath}
            {c.sourceLine ? `:${c.sourceLine}` : ""}
          </span>
        ) : null}
        {open && hasYaml && !oneSide && sbs === undefined ? (
          <button type="button" className="ml-auto text-xs text-sky-700 hover:underline dark:text-sky-300" onClick={() => setLocalSbs(!localSbs)}>
            {localSbs ? "Inline view" : "Side by side"}
          </button>
        ) : null}
      </header>
      {c.error ? (
        <p
          className="mx-3 mb-2 whitespace-pre-wrap break-words rounded bg-red-50 px-2 py-1 font-mono text-xs text-red-800 dark:bg-red-950 dark:text-red-200"
          data-testid="change-error"
        >
          {c.error}
        </p>
      ) : null}
      {open && oneSide ? (
        <div className="border-t border-slate-200 dark:border-slate-800">
          <p className="px-3 py-1 text-xs text-slate-600 dark:text-slate-400">{c.liveYaml ? "Live (store), removed from Git" : "Desired (Git), new"}</p>
          <pre
            className="max-h-96 overflow-auto px-3 pb-3 font-mono text-xs whitespace-pre"
            data-testid="plain-yaml"
            tabIndex={0}
            aria-label={`YAML of ${c.kind} ${key}`}
          >
            {oneSide}
          </pre>
        </div>
      ) : open && hasYaml ? (
        <div className="border-t border-slate-200 dark:border-slate-800" data-testid="diff-editor">
          <div className="grid grid-cols-2 px-3 py-1 text-xs text-slate-600 dark:text-slate-400">
            <span>{sides[0]}</span>
            <span>{sides[1]}</span>
          </div>
          <YamlDiff original={c.liveYaml ?? ""} modified={c.desiredYaml ?? ""} sideBySide={sideBySide} ariaLabel={`${c.kind} ${key}`} />
        </div>
      ) : null}
    </article>
  );
}

"use client";
import { useState } from "react";
import { shortSha } from "@/lib/client/format";

/** A short SHA that copies the full one on click (keyboard: Enter/Space on the button). */
export function CopySha({ sha }: { sha: string | null | undefined }) {
  const [copied, setCopied] = useState(false);
  if (!sha) return <span className="text-slate-500">—</span>;
  return (
    <button
      type="button"
      data-sha={sha}
      title={copied ? "Copied" : `${sha} — click to copy`}
      aria-label={`Commit ${shortSha(sha)}, copy full SHA`}
      className="rounded px-1 font-mono text-xs text-sky-700 hover:bg-sky-50 dark:text-sky-300 dark:hover:bg-sky-950"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(sha);
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        } catch {
          /* clipboard may be denied (insecure context): the full SHA is in the tooltip */
        }
      }}
    >
      {shortSha(sha)}
      {copied ? <span className="ml-1 text-emerald-600">✓</span> : null}
    </button>
  );
}

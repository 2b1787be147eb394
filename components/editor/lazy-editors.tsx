"use client";
/** Lazy, client-only entry points to Monaco: the big bundle loads only where an editor shows. */
import dynamic from "next/dynamic";

function EditorLoading() {
  return (
    <div className="flex h-32 items-center justify-center rounded border border-dashed border-slate-300 text-sm text-slate-500 dark:border-slate-700">
      Loading editor…
    </div>
  );
}

export const YamlDiff = dynamic(() => import("@/components/editor/monaco").then((m) => m.MonacoDiffEditor), { ssr: false, loading: EditorLoading });
export const CodeEditor = dynamic(() => import("@/components/editor/monaco").then((m) => m.MonacoCodeEditor), { ssr: false, loading: EditorLoading });

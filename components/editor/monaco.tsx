"use client";
/**
 * The only module that imports monaco-editor. It is bundled with the app (never a CDN: the
 * dashboard must work offline) and loaded lazily through ./lazy-editors (next/dynamic, ssr:false).
 */
import * as monaco from "monaco-editor";
import { DiffEditor, Editor, loader } from "@monaco-editor/react";
import { useEffect, useState } from "react";
import { usePrefersDark } from "@/lib/client/use-now";

loader.config({ monaco });
if (typeof self !== "undefined") {
  (self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
    getWorker: () => new Worker(new URL("monaco-editor/esm/vs/editor/editor.worker.js", import.meta.url), { type: "module" }),
  };
}

function heightFor(text: string, min = 120, max = 560): number {
  const lines = text.split("\n").length;
  return Math.max(min, Math.min(max, lines * 19 + 24));
}

export interface YamlDiffProps {
  original: string;
  modified: string;
  sideBySide: boolean;
  language?: string;
  height?: number;
  /** what screen readers announce for the two panes, e.g. "web-1" (→ "Live YAML of web-1") */
  ariaLabel?: string;
}

export function MonacoDiffEditor({ original, modified, sideBySide, language = "yaml", height, ariaLabel }: YamlDiffProps) {
  const dark = usePrefersDark();
  const originalLabel = `Live YAML${ariaLabel ? ` of ${ariaLabel}` : ""} (store)`;
  const modifiedLabel = `Desired YAML${ariaLabel ? ` of ${ariaLabel}` : ""} (Git)`;
  return (
    <DiffEditor
      onMount={(editor) => {
        // the diff editor does not hand originalAriaLabel/modifiedAriaLabel to its panes' text
        // areas (axe: "label"), and Monaco creates them lazily: label them, and any it adds later
        const panes = [
          [editor.getOriginalEditor(), originalLabel],
          [editor.getModifiedEditor(), modifiedLabel],
        ] as const;
        const label = () => {
          for (const [pane, text] of panes) {
            pane
              .getDomNode()
              ?.querySelectorAll("textarea")
              .forEach((el) => {
                if (el.getAttribute("aria-label") !== text) el.setAttribute("aria-label", text);
                if (el.title !== text) el.title = text;
              });
          }
        };
        for (const [pane, text] of panes) pane.updateOptions({ ariaLabel: text });
        label();
        const root = editor.getContainerDomNode();
        const observer = new MutationObserver(label);
        observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ["aria-label"] });
        editor.onDidDispose(() => observer.disconnect());
      }}
      height={height ?? heightFor(original.length > modified.length ? original : modified)}
      language={language}
      original={original}
      modified={modified}
      theme={dark ? "vs-dark" : "light"}
      options={{
        readOnly: true,
        originalEditable: false,
        renderSideBySide: sideBySide,
        useInlineViewWhenSpaceIsLimited: true,
        automaticLayout: true,
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        renderOverviewRuler: false,
        fontSize: 13,
        hideUnchangedRegions: { enabled: false },
        // a textarea instead of the EditContext element, so screen readers get the aria labels
        editContext: false,
        originalAriaLabel: originalLabel,
        modifiedAriaLabel: modifiedLabel,
      }}
    />
  );
}

export interface CodeEditorProps {
  value: string;
  onChange?: (v: string) => void;
  language?: string;
  readOnly?: boolean;
  height?: number | string;
  /** 1-based lines to mark as errors, with messages */
  markers?: { line: number; message: string }[];
  ariaLabel?: string;
}

export function MonacoCodeEditor({ value, onChange, language = "json", readOnly, height = 480, markers, ariaLabel }: CodeEditorProps) {
  const dark = usePrefersDark();
  const [model, setModel] = useState<monaco.editor.ITextModel | null>(null);
  useEffect(() => {
    if (!model) return;
    monaco.editor.setModelMarkers(
      model,
      "syncline",
      (markers ?? []).map((m) => ({
        severity: monaco.MarkerSeverity.Error,
        message: m.message,
        startLineNumber: m.line,
        endLineNumber: m.line,
        startColumn: 1,
        endColumn: model.getLineMaxColumn(Math.min(m.line, model.getLineCount())),
      })),
    );
  }, [model, markers]);
  return (
    <Editor
      height={height}
      language={language}
      value={value}
      theme={dark ? "vs-dark" : "light"}
      onChange={(v) => onChange?.(v ?? "")}
      onMount={(editor) => setModel(editor.getModel())}
      options={{
        readOnly,
        automaticLayout: true,
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        fontSize: 13,
        tabSize: 2,
        ariaLabel: ariaLabel ?? "Editor",
        editContext: false,
      }}
    />
  );
}

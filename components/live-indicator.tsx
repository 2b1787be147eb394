"use client";
/** The header's "live / polling" dot: whether pages follow the event stream or poll every 5 s. */
import { useLiveMode } from "@/lib/client/live-events";

const looks = {
  live: { dot: "bg-emerald-500", text: "live", title: "Pages update as things happen (event stream open)" },
  polling: { dot: "bg-amber-500", text: "polling", title: "The event stream is not available; pages refresh every 5 seconds" },
  connecting: { dot: "bg-slate-400 animate-pulse", text: "connecting", title: "Opening the event stream" },
  off: { dot: "bg-slate-300", text: "offline", title: "Not following updates" },
} as const;

export function LiveIndicator() {
  const mode = useLiveMode();
  const l = looks[mode];
  return (
    <span data-testid="live-indicator" data-mode={mode} title={l.title} className="inline-flex items-center gap-1.5 text-xs text-slate-500 dark:text-slate-400">
      <span aria-hidden className={`h-2 w-2 rounded-full ${l.dot}`} />
      {l.text}
    </span>
  );
}

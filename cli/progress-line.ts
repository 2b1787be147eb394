/**
 * Shows a running sync: on a terminal one line redrawn in place with "\r"; in a pipe or CI
 * log, plain lines, printed only when something changed, so logs stay readable.
 */
import type { Out } from "./output";
import type { RunDetailView } from "./api-types";

export class ProgressLine {
  private lastPlain = "";
  private logShown = 0;
  private drawn = false;
  private width = 0;

  constructor(private readonly out: Out) {}

  update(run: RunDetailView): void {
    if (this.out.isTTY) this.redraw(describe(run));
    else this.plain(run);
  }

  /** Leaves the terminal on a fresh line (and flushes the log lines not yet shown). */
  finish(run: RunDetailView): void {
    if (this.out.isTTY) {
      if (this.drawn) this.out.write("\r" + " ".repeat(this.width) + "\r");
    } else this.plain(run, true);
  }

  private redraw(text: string): void {
    const cols = Math.max(20, (process.stdout.columns || 80) - 1);
    const clipped = text.length > cols ? text.slice(0, cols - 1) + "…" : text;
    this.out.write("\r" + clipped.padEnd(this.width));
    this.width = clipped.length;
    this.drawn = true;
  }

  private plain(run: RunDetailView, final = false): void {
    for (const l of (run.log ?? []).slice(this.logShown)) this.out.line(`  ${l}`);
    this.logShown = Math.max(this.logShown, run.log?.length ?? 0);
    if (final) return;
    const text = describe(run);
    if (text !== this.lastPlain) this.out.line(text);
    this.lastPlain = text;
  }
}

function describe(run: RunDetailView): string {
  const p = run.progress;
  const done = p?.done ?? run.done;
  const total = p?.total ?? run.total;
  const counter = total > 0 ? ` ${done}/${total}` : "";
  const step = p?.phase ? ` ${p.phase}` : "";
  const msg = p?.message ?? run.log?.[run.log.length - 1];
  return `${run.phase}${step}${counter}${msg ? ` — ${msg}` : ""}`;
}

/**
 * Sync windows (issue 15): when a definition may sync. Pure apart from the clock it is given.
 *
 * A window opens at every tick of its 5-field cron `schedule` (in `timeZone`, DST included, via
 * croner) and stays open for `duration`. Argo CD's rules:
 *   - with any allow window defined, syncing is allowed only inside an open allow window;
 *   - an open deny window wins over allow;
 *   - `manualSync: true` lets a person's sync through (a deny, or outside the allow windows);
 *     an automated sync never passes it.
 * `evaluateGate` answers open/closed, why, and until when (the next opening when closed, within a
 * year; the next closing when open, within a month).
 */
import { Cron } from "croner";
import { z } from "zod";

export const SYNC_WINDOW_KINDS = ["allow", "deny"] as const;
export type SyncWindowKind = (typeof SYNC_WINDOW_KINDS)[number];

export interface SyncWindow {
  kind: SyncWindowKind;
  schedule: string;
  duration: string;
  timeZone?: string;
  manualSync?: boolean;
  reason?: string;
}

/** Global windows carry which definitions they apply to. */
export interface GlobalSyncWindow extends SyncWindow {
  id: string;
  match: { definitions?: string[]; production?: boolean };
}

export interface Gate {
  open: boolean;
  /** why closed (or, when open, the window that lets it through); null when no window applies */
  reason: string | null;
  /** ISO time: when closed, the next opening (null if none within a year); when open, the next closing if known */
  until: string | null;
}

const DURATION_RE = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const MAX_DURATION_MS = 366 * 24 * 3600_000;

/** "1h30m", "2d", "45m", "30s" → milliseconds; null when it does not read as a positive duration. */
export function parseDuration(text: string): number | null {
  const m = DURATION_RE.exec(text.trim());
  if (!m || text.trim() === "") return null;
  const [d = 0, h = 0, min = 0, s = 0] = m.slice(1).map((x) => (x ? Number(x) : 0));
  const ms = (((d * 24 + h) * 60 + min) * 60 + s) * 1000;
  return ms > 0 ? ms : null;
}

export function checkTimeZone(tz: string): string | null {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return null;
  } catch {
    return `unknown time zone "${tz}" (use an IANA name such as Europe/Amsterdam)`;
  }
}

export function checkCron(schedule: string): string | null {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) return `schedule must be a 5-field cron expression (minute hour day-of-month month day-of-week), got ${fields.length} fields`;
  try {
    new Cron(schedule, { paused: true });
    return null;
  } catch (err) {
    return `schedule is not a valid cron expression: ${(err as Error).message}`;
  }
}

const durationField = z.string().superRefine((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === null) ctx.addIssue({ code: "custom", message: `duration "${v}" must be positive, such as "1h30m", "45m" or "2d"` });
  else if (ms > MAX_DURATION_MS) ctx.addIssue({ code: "custom", message: "duration must be at most 366d" });
});

/** One window, as written in spec.syncWindows[i] or a global window. */
export const syncWindowSchema = z.strictObject({
  kind: z.enum(SYNC_WINDOW_KINDS, { error: 'kind must be "allow" or "deny"' }),
  schedule: z
    .string()
    .max(200)
    .superRefine((v, ctx) => {
      const e = checkCron(v);
      if (e) ctx.addIssue({ code: "custom", message: e });
    }),
  duration: durationField,
  timeZone: z
    .string()
    .max(100)
    .superRefine((v, ctx) => {
      const e = checkTimeZone(v);
      if (e) ctx.addIssue({ code: "custom", message: e });
    })
    .optional(),
  manualSync: z.boolean("manualSync must be true or false").optional(),
  reason: z.string().max(500).optional(),
});

export const syncWindowsSchema = z.array(syncWindowSchema).max(50, "at most 50 sync windows");

export const approvalSpecSchema = z.strictObject({
  required: z.number().int("required must be a whole number").min(1, "required must be at least 1").max(5, "required must be at most 5"),
  expiresAfter: durationField.optional(),
});
export type ApprovalSpec = z.output<typeof approvalSpecSchema>;

const cronCache = new Map<string, Cron>();
function cronOf(w: SyncWindow): Cron {
  const key = `${w.timeZone ?? "UTC"}\u0000${w.schedule}`;
  let c = cronCache.get(key);
  if (!c) {
    c = new Cron(w.schedule, { timezone: w.timeZone ?? "UTC", paused: true });
    if (cronCache.size > 1000) cronCache.clear();
    cronCache.set(key, c);
  }
  return c;
}

/** The open interval of `w` that contains `at` ([start, end), merging back-to-back ticks), or null. */
export function activeInterval(w: SyncWindow, at: Date): { start: Date; end: Date } | null {
  const dur = parseDuration(w.duration);
  if (!dur) return null;
  const cron = cronOf(w);
  // the first tick after (at - duration] is the only one that can still be open at `at`
  const start = cron.nextRun(new Date(at.getTime() - dur));
  if (!start || start.getTime() > at.getTime()) return null;
  let end = start.getTime() + dur;
  // overlapping ticks extend the window
  for (let i = 0; i < 1000; i++) {
    const next = cron.nextRun(new Date(end - dur));
    if (!next || next.getTime() > end) break;
    end = next.getTime() + dur;
  }
  return { start, end: new Date(end) };
}

function nextStart(w: SyncWindow, after: Date): Date | null {
  return parseDuration(w.duration) ? cronOf(w).nextRun(after) : null;
}

const label = (w: SyncWindow) => `${w.kind} window "${w.schedule}"${w.timeZone ? ` (${w.timeZone})` : ""}${w.reason ? `: ${w.reason}` : ""}`;

interface Instant {
  open: boolean;
  reason: string | null;
  /** when this answer can change next */
  changesAt: number | null;
}

function evaluateAt(windows: SyncWindow[], at: Date, manual: boolean): Instant {
  const allows = windows.filter((w) => w.kind === "allow");
  const denies = windows.filter((w) => w.kind === "deny");
  const activeDeny = denies.map((w) => ({ w, i: activeInterval(w, at) })).filter((x) => x.i !== null);
  const activeAllow = allows.map((w) => ({ w, i: activeInterval(w, at) })).filter((x) => x.i !== null);
  const boundaries: number[] = [];
  for (const x of [...activeDeny, ...activeAllow]) boundaries.push(x.i!.end.getTime());
  for (const w of windows) {
    const n = nextStart(w, at);
    if (n) boundaries.push(n.getTime());
  }
  const changesAt = boundaries.length ? Math.min(...boundaries) : null;

  const blockingDeny = activeDeny.find((x) => !(manual && x.w.manualSync));
  if (blockingDeny) return { open: false, reason: `sync window closed: ${label(blockingDeny.w)}`, changesAt };
  if (allows.length > 0 && activeAllow.length === 0) {
    if (manual && allows.some((w) => w.manualSync)) return { open: true, reason: "outside the allow windows; manualSync lets a person sync", changesAt };
    const why = allows.find((w) => w.reason)?.reason;
    return { open: false, reason: `sync window closed: outside every allow window${why ? ` (${why})` : ""}`, changesAt };
  }
  const deny = activeDeny[0];
  if (deny) return { open: true, reason: `manualSync lets a person sync through ${label(deny.w)}`, changesAt };
  const allow = activeAllow[0];
  if (allow) return { open: true, reason: `inside ${label(allow.w)}`, changesAt };
  return { open: true, reason: null, changesAt };
}

/**
 * The gate at `now` for a manual (a person's) or automated sync. When closed, `until` is the
 * first moment within a year at which it opens (found by walking the windows' boundaries).
 */
export function evaluateGate(windows: SyncWindow[], now: Date, opts: { manual: boolean }): Gate {
  if (windows.length === 0) return { open: true, reason: null, until: null };
  const first = evaluateAt(windows, now, opts.manual);
  // the next opening is looked for within a year, the next closing within a month
  const horizon = now.getTime() + (first.open ? 31 : 366) * 24 * 3600_000;
  let at = first.changesAt;
  for (let i = 0; i < 2000 && at !== null && at <= horizon; i++) {
    const next = evaluateAt(windows, new Date(at), opts.manual);
    if (next.open !== first.open) return { open: first.open, reason: first.reason, until: new Date(at).toISOString() };
    at = next.changesAt !== null && next.changesAt > at ? next.changesAt : at + 60_000;
  }
  return { open: first.open, reason: first.reason, until: null };
}

/** picomatch-free glob for definition names: `*` matches any run of characters, `?` one. */
export function nameMatches(glob: string, name: string): boolean {
  const re = new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  return re.test(name);
}

/** Does a global window apply to this definition? Both parts of `match` must hold when given. */
export function globalWindowApplies(w: GlobalSyncWindow, def: { name: string; production: boolean }): boolean {
  const globs = w.match.definitions;
  if (globs && globs.length > 0 && !globs.some((g) => nameMatches(g, def.name))) return false;
  if (w.match.production !== undefined && w.match.production !== def.production) return false;
  return true;
}

export const globalSyncWindowInputSchema = syncWindowSchema.extend({
  match: z
    .strictObject({
      definitions: z.array(z.string().min(1).max(253)).max(100).optional(),
      production: z.boolean("production must be true or false").optional(),
    })
    .prefault({}),
});

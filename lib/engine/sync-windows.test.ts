import { describe, expect, it } from "vitest";
import { activeInterval, evaluateGate, globalWindowApplies, parseDuration, type GlobalSyncWindow, type SyncWindow } from "./sync-windows";
import { parseDefinitionInput } from "./definition-input";

const at = (iso: string) => new Date(iso);
const allow = (schedule: string, duration: string, timeZone?: string, extra: Partial<SyncWindow> = {}): SyncWindow => ({
  kind: "allow",
  schedule,
  duration,
  ...(timeZone ? { timeZone } : {}),
  ...extra,
});
const deny = (schedule: string, duration: string, timeZone?: string, extra: Partial<SyncWindow> = {}): SyncWindow => ({
  ...allow(schedule, duration, timeZone, extra),
  kind: "deny",
});

describe("window evaluation across DST in two zones", () => {
  // Europe/Amsterdam: CET (+1) → CEST (+2) on 2027-03-28 01:00Z, back on 2027-10-31 01:00Z.
  // America/New_York: EST (-5) → EDT (-4) on 2027-03-14 07:00Z, back on 2027-11-07 06:00Z.
  const cases: { name: string; windows: SyncWindow[]; now: string; manual?: boolean; open: boolean; until: string | null }[] = [
    {
      name: "AMS 09:00 window, winter: 08:30Z is 09:30 CET",
      windows: [allow("0 9 * * *", "1h", "Europe/Amsterdam")],
      now: "2027-03-27T08:30:00Z",
      open: true,
      until: "2027-03-27T09:00:00.000Z",
    },
    {
      name: "AMS 09:00 window, winter: 07:30Z is before it",
      windows: [allow("0 9 * * *", "1h", "Europe/Amsterdam")],
      now: "2027-03-27T07:30:00Z",
      open: false,
      until: "2027-03-27T08:00:00.000Z",
    },
    {
      name: "AMS 09:00 window the day after spring forward opens at 07:00Z",
      windows: [allow("0 9 * * *", "1h", "Europe/Amsterdam")],
      now: "2027-03-29T06:30:00Z",
      open: false,
      until: "2027-03-29T07:00:00.000Z",
    },
    {
      name: "AMS 09:00 window, summer: 08:30Z is 10:30 CEST, closed",
      windows: [allow("0 9 * * *", "1h", "Europe/Amsterdam")],
      now: "2027-03-29T08:30:00Z",
      open: false,
      until: "2027-03-30T07:00:00.000Z",
    },
    {
      name: "AMS 01:30 window of 2h across spring forward ends 2h later in real time",
      windows: [allow("30 1 * * *", "2h", "Europe/Amsterdam")],
      now: "2027-03-28T02:15:00Z",
      open: true,
      until: "2027-03-28T02:30:00.000Z",
    },
    {
      name: "AMS fall back: the 09:00 window on 2027-11-01 opens at 08:00Z",
      windows: [allow("0 9 * * *", "1h", "Europe/Amsterdam")],
      now: "2027-10-31T23:00:00Z",
      open: false,
      until: "2027-11-01T08:00:00.000Z",
    },
    {
      name: "NY 09:00 window before spring forward opens 14:00Z",
      windows: [allow("0 9 * * *", "1h", "America/New_York")],
      now: "2027-03-13T13:00:00Z",
      open: false,
      until: "2027-03-13T14:00:00.000Z",
    },
    {
      name: "NY 09:00 window after spring forward opens 13:00Z",
      windows: [allow("0 9 * * *", "1h", "America/New_York")],
      now: "2027-03-15T13:10:00Z",
      open: true,
      until: "2027-03-15T14:00:00.000Z",
    },
    {
      name: "NY deny Fri 17:00 for 64h (weekend freeze) across fall back lasts 64 real hours",
      windows: [deny("0 17 * * 5", "64h", "America/New_York")],
      now: "2027-11-07T12:00:00Z",
      open: false,
      until: "2027-11-08T13:00:00.000Z",
    },
    {
      name: "NY deny, the Monday after: open",
      windows: [deny("0 17 * * 5", "64h", "America/New_York")],
      now: "2027-11-08T13:00:00Z",
      open: true,
      until: "2027-11-12T22:00:00.000Z",
    },
    // combinations
    { name: "no windows: open, no reason", windows: [], now: "2027-01-01T00:00:00Z", open: true, until: null },
    {
      name: "deny wins over allow",
      windows: [allow("0 * * * *", "1h"), deny("0 12 * * *", "30m")],
      now: "2027-01-04T12:10:00Z",
      open: false,
      until: "2027-01-04T12:30:00.000Z",
    },
    {
      name: "manualSync lets a person through a deny (and it never closes for them)",
      windows: [deny("0 12 * * *", "30m", undefined, { manualSync: true })],
      now: "2027-01-04T12:10:00Z",
      manual: true,
      open: true,
      until: null,
    },
    {
      name: "manualSync never lets an automated sync through",
      windows: [deny("0 12 * * *", "30m", undefined, { manualSync: true })],
      now: "2027-01-04T12:10:00Z",
      manual: false,
      open: false,
      until: "2027-01-04T12:30:00.000Z",
    },
    {
      name: "outside every allow window: closed until the next one",
      windows: [allow("0 8 * * 1-5", "2h", "UTC")],
      now: "2027-01-02T12:00:00Z",
      open: false,
      until: "2027-01-04T08:00:00.000Z",
    },
    {
      name: "outside allow, manualSync allow lets a person through",
      windows: [allow("0 8 * * 1-5", "2h", "UTC", { manualSync: true })],
      now: "2027-01-02T12:00:00Z",
      manual: true,
      open: true,
      until: null,
    },
    {
      name: "deny inside an allow: opens when the deny ends",
      windows: [allow("0 8 * * *", "8h"), deny("0 9 * * *", "1h")],
      now: "2027-01-04T09:30:00Z",
      open: false,
      until: "2027-01-04T10:00:00.000Z",
    },
    {
      name: "deny ends outside allow: opens at the next allow",
      windows: [allow("0 8 * * *", "2h"), deny("0 9 * * *", "3h")],
      now: "2027-01-04T09:30:00Z",
      open: false,
      until: "2027-01-05T08:00:00.000Z",
    },
  ];
  it.each(cases)("$name", (c) => {
    const g = evaluateGate(c.windows, at(c.now), { manual: c.manual ?? false });
    expect({ open: g.open, until: g.until }).toEqual({ open: c.open, until: c.until });
    if (!g.open) expect(g.reason).toMatch(/sync window closed/);
  });

  it("back-to-back ticks merge into one interval", () => {
    const i = activeInterval(allow("0,20 * * * *", "30m"), at("2027-01-04T10:25:00Z"));
    expect(i?.start.toISOString()).toBe("2027-01-04T10:00:00.000Z");
    expect(i?.end.toISOString()).toBe("2027-01-04T10:50:00.000Z");
    expect(activeInterval(allow("0,20 * * * *", "30m"), at("2027-01-04T10:55:00Z"))).toBeNull();
  });

  it("a closed gate names the window's reason", () => {
    const g = evaluateGate([deny("0 0 20 12 *", "336h", "Europe/Amsterdam", { reason: "holiday freeze" })], at("2027-12-24T10:00:00Z"), { manual: true });
    expect(g.open).toBe(false);
    expect(g.reason).toContain("holiday freeze");
    expect(g.until).toBe("2028-01-02T23:00:00.000Z");
  });
});

describe("durations and matching", () => {
  it.each([
    ["1h30m", 5_400_000],
    ["2d", 172_800_000],
    ["45m", 2_700_000],
    ["0m", null],
    ["-1h", null],
    ["", null],
    ["1x", null],
  ])("parseDuration(%s)", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it("global windows match by glob and production", () => {
    const w: GlobalSyncWindow = { id: "x", ...deny("* * * * *", "1h"), match: { definitions: ["*.prod.example.io"], production: true } };
    expect(globalWindowApplies(w, { name: "apps.prod.example.io", production: true })).toBe(true);
    expect(globalWindowApplies(w, { name: "apps.prod.example.io", production: false })).toBe(false);
    expect(globalWindowApplies(w, { name: "apps.dev.example.io", production: true })).toBe(false);
    expect(globalWindowApplies({ ...w, match: {} }, { name: "anything", production: false })).toBe(true);
  });
});

describe("save-time validation names the window index and field", () => {
  const body = (spec: Record<string, unknown>) => ({
    metadata: { name: "apps.example.io" },
    spec: { group: "example.io", version: "v1", names: { kind: "App", plural: "apps" }, scope: "Namespaced", ...spec },
  });
  it.each([
    [{ kind: "allow", schedule: "0 9 * *", duration: "1h" }, "spec.syncWindows.1.schedule", /5-field/],
    [{ kind: "allow", schedule: "61 9 * * *", duration: "1h" }, "spec.syncWindows.1.schedule", /not a valid cron/],
    [{ kind: "allow", schedule: "0 9 * * *", duration: "1h", timeZone: "Mars/Olympus" }, "spec.syncWindows.1.timeZone", /unknown time zone/],
    [{ kind: "allow", schedule: "0 9 * * *", duration: "0h" }, "spec.syncWindows.1.duration", /positive/],
    [{ kind: "allow", schedule: "0 9 * * *", duration: "-2h" }, "spec.syncWindows.1.duration", /positive/],
    [{ kind: "maybe", schedule: "0 9 * * *", duration: "1h" }, "spec.syncWindows.1.kind", /allow.*deny/],
  ])("%j", (bad, path, message) => {
    const r = parseDefinitionInput(body({ syncWindows: [{ kind: "deny", schedule: "0 0 * * 6", duration: "48h" }, bad] }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.path).toBe(path);
    expect(r.errors[0]?.message).toMatch(message);
  });
  it("approval.required is 1..5", () => {
    expect(parseDefinitionInput(body({ approval: { required: 2, expiresAfter: "24h" } })).ok).toBe(true);
    const r = parseDefinitionInput(body({ approval: { required: 6 } }));
    expect(!r.ok && r.errors[0]?.path).toBe("spec.approval.required");
  });
});

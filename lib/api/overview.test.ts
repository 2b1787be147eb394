import { describe, expect, it } from "vitest";
import { OVERVIEW_FILTERS, OVERVIEW_PAGE_SIZE, overviewHref, overviewPage, parseOverviewQuery } from "@/lib/api/overview";
import type { DefinitionSummary } from "@/lib/api/views";

function summary(name: string, patch: Partial<DefinitionSummary> = {}): DefinitionSummary {
  return {
    name,
    kind: "Widget",
    gitops: null,
    automated: false,
    production: false,
    pinnedRevision: null,
    pinnedBy: null,
    suspendedReason: null,
    headCommit: null,
    syncedCommit: null,
    appliedOffBranch: null,
    lastRefreshAt: null,
    status: "Synced",
    counts: { Synced: 1, OutOfSync: 0, Missing: 0, Orphaned: 0, Error: 0, Unknown: 0, drifted: 0 } as DefinitionSummary["counts"],
    total: 1,
    lastRun: null,
    activeRun: null,
    git: null,
    ...patch,
  };
}

const run = (phase: string, at: string) => ({ phase, finishedAt: at, createdAt: at, counts: {} }) as unknown as DefinitionSummary["lastRun"];

describe("overview filters, sort and URL", () => {
  const all = [
    summary("b-prod", { production: true, automated: true }),
    summary("a-broken", { status: "OutOfSync", counts: { ...summary("x").counts, Error: 2 }, lastRun: run("Failed", "2026-12-01T10:00:00Z") }),
    summary("c-drift", { status: "OutOfSync", counts: { ...summary("x").counts, drifted: 1 }, lastRun: run("Succeeded", "2026-12-02T10:00:00Z") }),
    summary("d-pinned", { pinnedRevision: "abc", suspendedReason: "freeze" }),
  ];

  it("every filter has a unique id and label", () => {
    expect(new Set(OVERVIEW_FILTERS.map((f) => f.id)).size).toBe(OVERVIEW_FILTERS.length);
  });

  it("problems, health and gate filters (issues 21, 14, 15) test the summary's own fields", () => {
    const rows = [
      summary("git-broken", { git: { error: { cause: "auth failed" } } as unknown as DefinitionSummary["git"] }),
      summary("file-broken", { lastRun: { ...run("Succeeded", "2026-12-02T10:00:00Z"), counts: { fileProblems: 2 } } as DefinitionSummary["lastRun"] }),
      summary("sick", { health: { status: "Degraded", counts: { Degraded: 1 } } }),
      summary("rolling", { health: { status: "Progressing", counts: { Progressing: 3 } } }),
      summary("frozen", { gate: { open: false, reason: "holiday freeze", until: null } as DefinitionSummary["gate"] }),
      summary("fine", { health: { status: "Healthy", counts: { Healthy: 1 } }, gate: { open: true } as DefinitionSummary["gate"] }),
    ];
    const names = (filter: string) => overviewPage(rows, parseOverviewQuery({ filter })).rows.map((d) => d.name);
    expect(names("problems")).toEqual(["file-broken", "git-broken"]);
    expect(names("degraded")).toEqual(["sick"]);
    expect(names("progressing")).toEqual(["rolling"]);
    expect(names("blocked")).toEqual(["frozen"]);
  });

  it("combines filters, counts each against the others, and searches", () => {
    const q = parseOverviewQuery({ filter: "error,failed,bogus" });
    expect(q.filters).toEqual(["error", "failed"]);
    const p = overviewPage(all, q);
    expect(p.rows.map((d) => d.name)).toEqual(["a-broken"]);
    expect(p.filterCounts.error).toBe(1);
    expect(p.filterCounts.drifted).toBe(0);
    expect(overviewPage(all, parseOverviewQuery({ filter: "pinned" })).rows.map((d) => d.name)).toEqual(["d-pinned"]);
    expect(overviewPage(all, parseOverviewQuery({ filter: "suspended" })).matching).toBe(1);
    expect(overviewPage(all, parseOverviewQuery({ filter: "production,automated" })).rows.map((d) => d.name)).toEqual(["b-prod"]);
    expect(overviewPage(all, parseOverviewQuery({ q: "DRI" })).rows.map((d) => d.name)).toEqual(["c-drift"]);
  });

  it("sorts by name, last sync (newest first, never-run last) and status (worst first)", () => {
    const names = (sort: string) => overviewPage(all, parseOverviewQuery({ sort })).rows.map((d) => d.name);
    expect(names("name")).toEqual(["a-broken", "b-prod", "c-drift", "d-pinned"]);
    expect(names("synced")).toEqual(["c-drift", "a-broken", "b-prod", "d-pinned"]);
    expect(names("status")).toEqual(["a-broken", "c-drift", "b-prod", "d-pinned"]);
  });

  it("round-trips the URL and pages at the page size", () => {
    const q = parseOverviewQuery({ q: "web", filter: "drifted", sort: "status", view: "table", page: "2" });
    expect(overviewHref(q, {})).toBe("/?q=web&filter=drifted&sort=status&view=table");
    expect(parseOverviewQuery(Object.fromEntries(new URLSearchParams(overviewHref(q, { page: 3 }).slice(2))))).toEqual({ ...q, page: 3 });
    const many = Array.from({ length: OVERVIEW_PAGE_SIZE + 5 }, (_, i) => summary(`d${String(i).padStart(3, "0")}`));
    const p2 = overviewPage(many, parseOverviewQuery({ page: "2" }));
    expect(p2.pages).toBe(2);
    expect(p2.rows).toHaveLength(5);
    expect(overviewPage(many, parseOverviewQuery({ page: "99" })).query.page).toBe(2);
  });
});

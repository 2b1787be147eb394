/**
 * `ui.*` (issue 17): pages measured in a real browser. A production build (built when stale,
 * scripts/build-if-stale.mjs; SYNCLINE_DIST_DIR picks the dist dir) served by `next start`
 * (test/support/app-server.ts), Chromium driven by Playwright, logged in with a session cookie,
 * every load cold (a new browser context: no HTTP cache, no client router cache).
 *
 *   overviewMs    /                      with 1,000 definitions (the 10,000-resource one, synced,
 *                                        and 999 more created through the API, not synced)
 *   definitionMs  /definitions/big       the 10,000-resource definition
 *   runMs         /runs/<its first sync> 10,000 creates
 *
 * Each: navigation start → the first row visible, one warm-up load (route and store caches on
 * the server), then the median of 5.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "@playwright/test";
import { definitionBody } from "@/test/support/definition-body";
import { issueToken, signInCookie, startAppServer, type AppServer } from "@/test/support/app-server";

const root = path.resolve(import.meta.dirname, "..");
const DEFS = Number(process.env.BENCH_UI_DEFS ?? 1000);
const RUNS = 5;

/** where one page's time goes (medians of the measured loads, from the browser's Performance entries) */
export interface UiBreakdown {
  /** navigation start → the first byte of the document (the server's render up to its first flush) */
  ttfbMs: number;
  /** navigation start → the whole document (HTML and the inlined RSC payload) */
  documentMs: number;
  htmlBytes: number;
  /** scripts loaded (decoded bytes) and how many */
  jsBytes: number;
  scripts: number;
  /** fetch/XHR requests the page made before its first row showed */
  fetches: number;
  /** CPU the server's processes used during the load (user + system, from /proc): what the page costs the server, whatever the machine's load */
  serverCpuMs: number;
}

/** user + system CPU (ms) of the server's processes: those with its data dir in their environment (Linux /proc; 0 elsewhere) */
function serverCpuMs(dataDir: string): number {
  const mark = `SYNCLINE_DATA_DIR=${dataDir}\0`;
  let ticks = 0;
  try {
    for (const pid of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (!fs.readFileSync(`/proc/${pid}/environ`, "latin1").includes(mark)) continue;
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        ticks += Number(f[11]) + Number(f[12]);
      } catch {
        /* gone, or not ours to read */
      }
    }
  } catch {
    return 0;
  }
  return (ticks * 1000) / 100;
}

export interface UiFigures {
  overviewMs: number;
  definitionMs: number;
  runMs: number;
  all: Record<string, number[]>;
  breakdown: Record<string, UiBreakdown>;
  setupMs: number;
  /** the big definition's first sync */
  runId: string;
}

async function call(server: AppServer, token: string, method: string, p: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`${server.url}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json().catch(() => null) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** the big definition synced, and DEFS - 1 more created through the API; answers its first run */
async function setUp(server: AppServer, repoURL: string, schema: Record<string, unknown>): Promise<{ id: string }> {
  const token = await issueToken(server, "admin", "bench-ui");
  const created = await call(server, token, "POST", "/api/v1/definitions", definitionBody({ name: "big", kind: "Widget", repoURL, schema }));
  if (created.status !== 201) throw new Error(`create big: ${created.status} ${JSON.stringify(created.body)}`);
  const run = await call(server, token, "POST", "/api/v1/definitions/big/sync?wait=true", {});
  const runBody = run.body as { id: string; phase: string };
  if (run.status !== 200 || runBody.phase !== "Succeeded") throw new Error(`sync big: ${run.status} ${JSON.stringify(run.body)}`);
  // 999 more definitions, 8 requests at a time
  let next = 1;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < DEFS) {
        const i = next++;
        const r = await call(
          server,
          token,
          "POST",
          "/api/v1/definitions",
          definitionBody({ name: `d${i}s.example.io`, kind: `D${i}`, repoURL, path: `/apps/d${i}`, interval: 3600 }),
        );
        if (r.status !== 201) throw new Error(`create d${i}: ${r.status} ${JSON.stringify(r.body)}`);
      }
    }),
  );
  return runBody;
}

/**
 * `repoURL`: a repository with 10,000 Widget files under /resources (the sync bench's).
 * `reuse`: a data dir to keep the store in; with `runId` (a store set up by an earlier call) the
 * setup is skipped, so the pages can be measured again after a change without a new 10,000-resource sync.
 */
export async function measureUi(repoURL: string, schema: Record<string, unknown>, reuse?: { dataDir: string; runId?: string }): Promise<UiFigures> {
  const build = spawnSync(process.execPath, [path.join(root, "scripts", "build-if-stale.mjs")], { cwd: root, stdio: "inherit", env: process.env });
  if (build.status !== 0) throw new Error("the production build failed");
  const server = await startAppServer({ env: { SYNCLINE_SCHEDULER: "0", LOG_LEVEL: "warn" }, ...(reuse ? { dataDir: reuse.dataDir } : {}) });
  let browser: Browser | undefined;
  try {
    const tSetup = performance.now();
    const runBody = reuse?.runId ? { id: reuse.runId } : await setUp(server, repoURL, schema);
    const setupMs = performance.now() - tSetup;
    if (process.env.BENCH_LOG) console.log(`ui setup: ${Math.round(setupMs)} ms`);

    const cookies = (await signInCookie(server)).split("; ").map((c) => {
      const [name, value] = c.split(/=(.*)/s) as [string, string];
      return { name, value, url: server.url };
    });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    const b = browser;
    const coldLoad = async (p: string, selector: string): Promise<{ ms: number; b: UiBreakdown }> => {
      const context = await b.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        await context.addCookies(cookies);
        const page = await context.newPage();
        const cpu0 = serverCpuMs(server.dataDir);
        const t0 = performance.now();
        await page.goto(`${server.url}${p}`, { waitUntil: "commit", timeout: 180_000 });
        await page.locator(selector).first().waitFor({ state: "visible", timeout: 180_000 });
        const ms = performance.now() - t0;
        const cpuMs = serverCpuMs(server.dataDir) - cpu0;
        const nav = await page.evaluate(() => {
          const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
          const res = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
          const scripts = res.filter((r) => r.initiatorType === "script");
          return {
            ttfbMs: Math.round(nav.responseStart),
            documentMs: Math.round(nav.responseEnd),
            htmlBytes: nav.decodedBodySize,
            jsBytes: scripts.reduce((a, r) => a + r.decodedBodySize, 0),
            scripts: scripts.length,
            fetches: res.filter((r) => r.initiatorType === "fetch" || r.initiatorType === "xmlhttprequest").length,
          };
        });
        const b: UiBreakdown = { ...nav, serverCpuMs: Math.round(cpuMs) };
        if (process.env.BENCH_LOG) console.log(`ui ${p}: ${Math.round(ms)} ms ${JSON.stringify(b)}`);
        return { ms, b };
      } finally {
        await context.close();
      }
    };
    const breakdown: Record<string, UiBreakdown> = {};
    const measure = async (name: string, p: string, selector: string): Promise<number[]> => {
      await coldLoad(p, selector); // warm-up
      const loads: { ms: number; b: UiBreakdown }[] = [];
      for (let i = 0; i < RUNS; i++) loads.push(await coldLoad(p, selector));
      const keys = Object.keys(loads[0]!.b) as (keyof UiBreakdown)[];
      breakdown[name] = Object.fromEntries(keys.map((k) => [k, median(loads.map((l) => l.b[k]))])) as unknown as UiBreakdown;
      return loads.map((l) => Math.round(l.ms));
    };
    const all = {
      overview: await measure("overview", "/", '[data-testid="definition-row"]'),
      definition: await measure("definition", "/definitions/big", '[data-testid="resource-row"]'),
      run: await measure("run", `/runs/${runBody.id}`, '[data-testid="change"]'),
    };
    return {
      overviewMs: median(all.overview),
      definitionMs: median(all.definition),
      runMs: median(all.run),
      all,
      breakdown,
      setupMs: Math.round(setupMs),
      runId: runBody.id,
    };
  } finally {
    await browser?.close();
    await server.stop();
  }
}

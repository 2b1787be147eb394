/**
 * Hardening — L6 of issue 19: viewers ran unthrottled, unaudited full refreshes through the
 * Refresh server action (the REST refresh needs operator), and `diff?revision=<unknown>` let a
 * viewer make the server fetch history. Now refresh is operator work everywhere, coalesced per
 * definition and audited; fetching for a revision not yet in the store is operator-only, so a
 * viewer's unknown revision is a 403 that sends nothing to the Git server beyond the branch check.
 * Against the real server (roles and server actions are what is tested), a real Git server
 * whose pull request sits on refs/pull/1/head.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken, signInCookie, startAppServer, type AppServer } from "@/test/support/app-server";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles, git } from "@/test/support/git-repo";
import { definitionBody } from "@/test/support/definition-body";

const NAME = "web.refresh.io";

describe("hardening: refresh and deepening by role (real server process)", () => {
  let server: AppServer;
  let fx: GitFixture;
  let admin: string;
  let viewer: string;
  let operator: string;
  let viewerCookie: string;
  let operatorCookie: string;
  let pr: string;

  const api = (p: string, token: string) => fetch(`${server.url}${p}`, { headers: { authorization: `Bearer ${token}` } });
  const signIn = (username: string, password: string) => signInCookie(server, username, password);
  /** posts a server action of lib/actions/definitions.ts by its id from the build's manifest, as a page would */
  const postAction = async (cookie: string, exportedName: string, args: unknown[]) => {
    const manifestPath = path.resolve(process.env.SYNCLINE_DIST_DIR ?? ".next", "server", "server-reference-manifest.json");
    const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as { node: Record<string, { filename: string; exportedName: string }> };
    const id = Object.entries(manifest.node).find(([, v]) => v.exportedName === exportedName && v.filename === "lib/actions/definitions.ts")?.[0];
    expect(id, `action ${exportedName} in the manifest`).toBeTruthy();
    const res = await fetch(`${server.url}/definitions/${NAME}`, {
      method: "POST",
      headers: { cookie, "Next-Action": id!, "Content-Type": "text/plain;charset=UTF-8", Accept: "text/x-component", Origin: server.url },
      body: JSON.stringify(args),
    });
    return res.text();
  };
  const refreshAudits = async () =>
    (
      (await (await api("/api/v1/audit?limit=500", admin)).json()) as {
        items: Array<{ actor: string; action: string; result: string; target: string | null; details: Record<string, unknown> }>;
      }
    ).items.filter((e) => e.action === "definition.refresh" && (e.target === NAME || e.result === "denied"));

  beforeAll(async () => {
    fx = await startGitFixture();
    const repo = fx.repo("web");
    commitFiles(repo.dir, { "resources/a.json": JSON.stringify({ kind: "Web", metadata: { name: "a", namespace: "p" }, spec: { replicas: 1 } }) }, "one");
    git(repo.dir, ["checkout", "-q", "-b", "contributor"]);
    pr = commitFiles(
      repo.dir,
      { "resources/a.json": JSON.stringify({ kind: "Web", metadata: { name: "a", namespace: "p" }, spec: { replicas: 9 } }) },
      "unmerged pull request",
    );
    git(repo.dir, ["update-ref", "refs/pull/1/head", pr]);
    git(repo.dir, ["checkout", "-q", "main"]);
    git(repo.dir, ["branch", "-q", "-D", "contributor"]);
    server = await startAppServer({ env: { SYNCLINE_SCHEDULER: "0" } });
    admin = await issueToken(server, "admin");
    viewer = await issueToken(server, "viewer");
    operator = await issueToken(server, "operator");
    const d = await fetch(`${server.url}/api/v1/definitions`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify(definitionBody({ name: NAME, kind: "Web", repoURL: repo.url, schema: { type: "object" } })),
    });
    expect(d.status).toBe(201);
    for (const [username, role] of [
      ["vera", "viewer"],
      ["otto", "operator"],
    ] as const) {
      const u = await fetch(`${server.url}/api/v1/users`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
        body: JSON.stringify({ username, password: `${role}-password-1`, role }),
      });
      expect([200, 201]).toContain(u.status);
    }
    viewerCookie = await signIn("vera", "viewer-password-1");
    operatorCookie = await signIn("otto", "operator-password-1");
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await fx?.close();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it("the Refresh server action needs the operator role (as the REST refresh); an operator's burst is coalesced into one refresh, every request audited", async () => {
    const forged = await postAction(viewerCookie, "refreshAction", [{ name: NAME }]);
    expect(forged).toContain("FORBIDDEN");
    expect((await refreshAudits()).filter((e) => e.actor.includes("vera") && e.result === "denied")).toHaveLength(1);
    expect((await refreshAudits()).filter((e) => e.result === "ok")).toHaveLength(0);

    fx.server.resetCounters();
    const burst = await Promise.all(Array.from({ length: 5 }, () => postAction(operatorCookie, "refreshAction", [{ name: NAME }])));
    for (const b of burst) expect(b).toContain('"create":1');
    const oneRefresh = fx.server.requests;
    // and once more within the reuse window: answered from the last refresh, no Git traffic
    expect(await postAction(operatorCookie, "refreshAction", [{ name: NAME }])).toContain('"create":1');
    expect(fx.server.requests).toBe(oneRefresh);
    const ok = (await refreshAudits()).filter((e) => e.result === "ok");
    expect(ok).toHaveLength(6);
    expect(ok.filter((e) => e.details.coalesced === undefined)).toHaveLength(1);
    expect(ok.every((e) => e.actor.includes("otto") && e.details.via === "action")).toBe(true);
  }, 120_000);

  it("a viewer's diff at a revision not in the store is a 403 that fetches nothing; an operator's fetches it", async () => {
    expect((await api(`/api/v1/definitions/${NAME}/diff`, viewer)).status).toBe(200);
    fx.server.resetCounters();
    expect((await api(`/api/v1/definitions/${NAME}/diff`, viewer)).status).toBe(200);
    const branchCheckOnly = fx.server.requests;

    fx.server.resetCounters();
    const refused = await api(`/api/v1/definitions/${NAME}/diff?revision=${pr}`, viewer);
    expect(refused.status, server.output().slice(-2000)).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/not in this server's copy.*operator role/);
    // the same Git traffic as a diff of the branch head: the pull request was not fetched
    expect(fx.server.requests).toBe(branchCheckOnly);
    // the diff page, the same rule
    const page = await fetch(`${server.url}/definitions/${NAME}/diff?revision=${pr}`, { headers: { cookie: viewerCookie } });
    const html = await page.text();
    expect(html, server.output().slice(-3000)).toMatch(/operator role/);

    const fetched = await api(`/api/v1/definitions/${NAME}/diff?revision=${pr}`, operator);
    expect(fetched.status).toBe(200);
    expect(((await fetched.json()) as { commit: string }).commit).toBe(pr);
    // now in the store: a viewer may read it without any fetch
    expect((await api(`/api/v1/definitions/${NAME}/diff?revision=${pr}`, viewer)).status).toBe(200);
  }, 120_000);
});

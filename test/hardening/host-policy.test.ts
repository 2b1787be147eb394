/**
 * Hardening — the host allow/deny lists and the metadata block list hold for every address
 * form and for notifications too (issue 19 M5 and its "Also"). Real Git server, real store,
 * real HTTP receivers on loopback addresses; DNS is the one thing replaced (a resolver that
 * answers differently on each call, as a rebinding attacker's would).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { IsomorphicGitClient } from "@/lib/server/git/isomorphic-git-client";
import { setGitClientForTests } from "@/lib/server/services/git-source";
import { addChannel, listDeliveries } from "@/lib/server/services/notifications";
import { notify } from "@/lib/server/notifications/notify";
import { deliverDueNotifications, setNotificationLookupForTests } from "@/lib/server/notifications/deliver";
import { resetEnvForTests } from "@/lib/env";
import type { Principal } from "@/lib/server/auth/principal";
import { defineWidgets, makeAdmin, syncNow, widget } from "./support";

interface Receiver {
  url: string;
  port: number;
  got: string[];
  close(): Promise<void>;
}

async function receiver(host: string, port = 0): Promise<Receiver> {
  const got: string[] = [];
  const server = http.createServer((req, res) => {
    got.push(req.url ?? "");
    req.resume();
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const p = (server.address() as AddressInfo).port;
  return { url: `http://${host}:${p}`, port: p, got, close: () => new Promise((r) => server.close(() => r())) };
}

describe("hardening: host policy", () => {
  let store: TestStore;
  let fx: GitFixture;
  let admin: Principal;

  beforeAll(async () => {
    store = await openTestStore();
    fx = await startGitFixture();
    admin = await makeAdmin();
  });

  afterAll(async () => {
    setGitClientForTests(undefined);
    setNotificationLookupForTests(undefined);
    delete process.env.SYNCLINE_DENY_HOSTS;
    resetEnvForTests();
    await fx?.close();
    await store?.close();
  });

  afterEach(() => {
    delete process.env.SYNCLINE_DENY_HOSTS;
    resetEnvForTests();
  });

  it("a repoURL in IPv4-mapped form (http://[::ffff:127.0.0.1]/, which the URL parser rewrites to [::ffff:7f00:1]) is refused by denyHosts 127.0.0.0/8 at sync", async () => {
    const repo = fx.repo("mapped");
    commitFiles(repo.dir, { "resources/a.json": widget("p", "a", { replicas: 1 }, "Mapped") }, "x");
    setGitClientForTests(new IsomorphicGitClient({ cacheDir: path.join(store.dataDir, "git"), denyHosts: ["127.0.0.0/8"] }));
    try {
      for (const [i, host] of ["[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[64:ff9b::7f00:1]"].entries()) {
        const name = `mapped${i}.example.io`;
        await defineWidgets({ name, kind: `Mapped${i}`, repoURL: repo.url.replace("127.0.0.1", host) }, admin);
        const run = await syncNow(name, admin);
        expect(run.phase, host).toBe("Failed");
        expect(run.error, host).toMatch(/\(127\.0\.0\.1\) is in denyHosts/);
      }
    } finally {
      setGitClientForTests(undefined);
    }
  });

  it("NAT64 and mapped forms of 169.254.169.254, and Azure's 168.63.129.16, are refused at sync as metadata addresses", async () => {
    const cases = ["http://[64:ff9b::a9fe:a9fe]/repo.git", "http://[::ffff:a9fe:a9fe]/repo.git", "http://168.63.129.16/repo.git"];
    for (const [i, url] of cases.entries()) {
      const name = `nat64-${i}.example.io`;
      await defineWidgets({ name, kind: `Nat${i}`, repoURL: url }, admin);
      const run = await syncNow(name, admin);
      expect(run.phase, url).toBe("Failed");
      expect(run.error, url).toMatch(/refused: .*link-local \/ cloud metadata address/);
    }
  });

  it("a notification to a host in SYNCLINE_DENY_HOSTS (plain or IPv4-mapped) is refused naming denyHosts; the receiver gets nothing", async () => {
    const r = await receiver("127.0.0.1");
    try {
      process.env.SYNCLINE_DENY_HOSTS = "127.0.0.0/8";
      resetEnvForTests();
      await addChannel({ name: "denied-plain", url: `${r.url}/hook/plain`, definition: null, events: ["run.failed"] }, admin);
      await addChannel({ name: "denied-mapped", url: `http://[::ffff:127.0.0.1]:${r.port}/hook/mapped`, definition: null, events: ["run.failed"] }, admin);
      expect(await notify({ event: "run.failed", definition: "denied.example.io", summary: "sync failed" })).toBe(2);
      expect(await deliverDueNotifications()).toBe(2);
      expect(r.got).toEqual([]);
      const deliveries = (await listDeliveries()).filter((d) => d.definition === "denied.example.io");
      expect(deliveries).toHaveLength(2);
      for (const d of deliveries) expect(d.lastError).toMatch(/notification URL http:\/\/.* refused: .*127\.0\.0\.1\)? is in denyHosts/);
    } finally {
      await r.close();
    }
  });

  it("DNS rebinding: a name that resolves to an allowed address at the check and to a denied one afterwards is delivered to the vetted address only", async () => {
    // the allowed receiver on 127.0.0.2, the denied one on 127.0.0.1, same port
    const good = await receiver("127.0.0.2");
    let bad: Receiver | undefined;
    try {
      bad = await receiver("127.0.0.1", good.port);
      process.env.SYNCLINE_DENY_HOSTS = "127.0.0.1";
      resetEnvForTests();
      let calls = 0;
      setNotificationLookupForTests(async (host) => {
        if (host !== "rebind.hardening.test") throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
        return ++calls === 1 ? ["127.0.0.2"] : ["127.0.0.1"];
      });
      await addChannel({ name: "rebind", url: `http://rebind.hardening.test:${good.port}/hook/rebind`, definition: null, events: ["sync.succeeded"] }, admin);
      expect(await notify({ event: "sync.succeeded", definition: "rebind.example.io", summary: "synced" })).toBe(1);
      expect(await deliverDueNotifications()).toBe(1);
      expect(good.got).toEqual(["/hook/rebind"]);
      expect(bad.got).toEqual([]);
      expect(calls).toBe(1);
      // the same name answering the denied address at the check is refused
      calls = 1;
      expect(await notify({ event: "sync.succeeded", definition: "rebind.example.io", summary: "synced again" })).toBe(1);
      expect(await deliverDueNotifications()).toBe(1);
      expect(bad.got).toEqual([]);
      const last = (await listDeliveries()).find((d) => d.definition === "rebind.example.io" && d.status !== "delivered");
      expect(last?.lastError).toMatch(/127\.0\.0\.1 is in denyHosts/);
    } finally {
      setNotificationLookupForTests(undefined);
      await good.close();
      await bad?.close();
    }
  });
});

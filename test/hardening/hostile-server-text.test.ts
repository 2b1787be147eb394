/**
 * Hardening — text from a hostile Git server never reaches a run or a notification
 * (issue 19 L5). Run errors are read by viewers and sent to notification receivers; a server
 * controls its HTTP reason phrase, its pkt-lines, its ERR and side-band error messages. Each
 * becomes one of our fixed sentences (with the status code or a stable name). The hostile
 * server proxies ref discovery to a real git http-backend and misbehaves only where it is
 * told to.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { addChannel } from "@/lib/server/services/notifications";
import { subscribeNotifications } from "@/lib/server/notifications/notify";
import { deliverDueNotifications } from "@/lib/server/notifications/deliver";
import { getDb } from "@/lib/server/db";
import type { Principal } from "@/lib/server/auth/principal";
import { defineWidgets, dumpStore, logOf, makeAdmin, syncNow, widget } from "./support";

const MARK = "EVIL-MARKER";
const HOSTILE = `<script>alert('${MARK}')</script><img src=x onerror=alert(1)> please visit https://evil.example/${MARK} ${"x".repeat(300)}`;

type Mode = "reason-phrase" | "advertisement-garbage" | "err-line" | "side-band-error" | "malformed-pkt-line";

function pkt(payload: string | Buffer): Buffer {
  const b = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  return Buffer.concat([Buffer.from((b.length + 4).toString(16).padStart(4, "0")), b]);
}

/** Proxies to the real server, except for the misbehaviour `mode` names. */
async function hostileServer(upstream: string, mode: Mode): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (mode === "reason-phrase") {
        res.writeHead(500, HOSTILE);
        return res.end(HOSTILE);
      }
      // the refs a client is told about: the advertisement, or a protocol v2 ls-refs asked directly
      const isRefListing = req.url?.includes("/info/refs") || (req.method === "POST" && body.includes(Buffer.from("command=ls-refs")));
      if (mode === "advertisement-garbage" && isRefListing) {
        res.writeHead(200, { "content-type": "application/x-git-upload-pack-advertisement" });
        return res.end(`zz${HOSTILE}`);
      }
      const isFetch = req.method === "POST" && body.includes(Buffer.from("want "));
      if (isFetch && mode !== "advertisement-garbage") {
        res.writeHead(200, { "content-type": "application/x-git-upload-pack-result" });
        if (mode === "err-line") return res.end(pkt(`ERR ${HOSTILE}\n`));
        if (mode === "side-band-error") return res.end(Buffer.concat([pkt("NAK\n"), pkt(Buffer.concat([Buffer.from([3]), Buffer.from(HOSTILE)]))]));
        return res.end(`zz${HOSTILE}`);
      }
      // everything else goes to the real git http-backend
      const target = new URL(req.url ?? "/", upstream);
      const fwd = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      fwd.on("error", () => res.destroy());
      fwd.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/hostile.git`, close: () => new Promise((r) => server.close(() => r())) };
}

describe("hardening: text from a hostile Git server", () => {
  let store: TestStore;
  let fx: GitFixture;
  let admin: Principal;
  let upstream: string;
  let receiver: http.Server;
  const received: string[] = [];

  beforeAll(async () => {
    store = await openTestStore();
    fx = await startGitFixture();
    admin = await makeAdmin();
    const repo = fx.repo("hostile.git");
    commitFiles(repo.dir, { "resources/a.json": widget("p", "a", { replicas: 1 }, "Hostile") }, "x");
    upstream = repo.url.replace(/hostile\.git$/, "");
    receiver = http.createServer((req, res) => {
      let data = "";
      req.on("data", (d) => (data += d));
      req.on("end", () => {
        received.push(data);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    subscribeNotifications();
    await addChannel(
      { name: "failures", url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, definition: null, events: ["run.failed"] },
      admin,
    );
  });

  afterAll(async () => {
    await new Promise((r) => receiver?.close(r));
    await fx?.close();
    await store?.close();
  });

  const cases: Array<[Mode, RegExp]> = [
    ["reason-phrase", /^the Git server at http:\/\/127\.0\.0\.1:\d+\/hostile\.git answered HTTP 500$/],
    ["advertisement-garbage", /^git operation on http:\/\/127\.0\.0\.1:\d+\/hostile\.git failed \([A-Za-z]+\): the server's answer is not valid Git protocol$/],
    ["err-line", /^the Git server refused the fetch \(its message is not shown: server text is not trusted\)$/],
    ["side-band-error", /^the Git server aborted the fetch \(its message is not shown: server text is not trusted\)$/],
    ["malformed-pkt-line", /^the Git server sent a malformed upload-pack response \(bad pkt-line length\)$/],
  ];
  for (const [mode, fixed] of cases) {
    it(`${mode}: the run fails with our fixed message only; the run log and the run.failed notification carry none of the server's text`, async () => {
      const srv = await hostileServer(upstream, mode);
      try {
        const name = `${mode}.example.io`;
        await defineWidgets({ name, kind: `H${mode.replace(/-/g, "")}`, repoURL: srv.url }, admin);
        const run = await syncNow(name, admin);
        expect(run.phase).toBe("Failed");
        expect(run.error).toMatch(fixed);
        expect(logOf(run)).not.toContain(MARK);
        // the run.failed notification is queued by an event subscriber: wait for it, then send it
        const db = await getDb();
        for (let i = 0; i < 100 && (await db.notificationDelivery.count({ where: { definition: name } })) === 0; i++)
          await new Promise((r) => setTimeout(r, 50));
        expect(await deliverDueNotifications()).toBe(1);
      } finally {
        await srv.close();
      }
    });
  }

  it("nothing the servers sent is stored anywhere: runs, changes, audit, queued notification payloads, what receivers got", async () => {
    expect(await dumpStore()).not.toContain(MARK);
    const deliveries = await (await getDb()).notificationDelivery.findMany();
    expect(deliveries.length).toBe(cases.length);
    expect(JSON.stringify(deliveries)).not.toContain(MARK);
    expect(received.length).toBe(cases.length);
    expect(received.join("\n")).not.toContain(MARK);
    expect(received.join("\n")).not.toContain("<script>");
  });
});

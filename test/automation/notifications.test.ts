/** Notifications in process: channel selection (global vs per definition, by event), formats, retries with backoff, redaction. */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { createUser } from "@/lib/server/services/users";
import { addChannel, listChannels, listDeliveries } from "@/lib/server/services/notifications";
import { notify } from "@/lib/server/notifications/notify";
import { deliverDueNotifications } from "@/lib/server/notifications/deliver";
import type { Principal } from "@/lib/server/auth/principal";

describe("notifications", () => {
  let store: TestStore;
  let admin: Principal;
  let receiver: http.Server;
  let base = "";
  const got: { path: string; body: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    process.env.SYNCLINE_NOTIFY_BACKOFF_BASE_MS = "100";
    process.env.SYNCLINE_NOTIFY_MAX_ATTEMPTS = "3";
    store = await openTestStore();
    const u = await createUser({ username: "admin", password: "correct horse", role: "admin" });
    admin = { via: "session", userId: u.id, username: "admin", role: "admin" };
    receiver = http.createServer((req, res) => {
      let data = "";
      req.on("data", (d) => (data += d));
      req.on("end", () => {
        got.push({ path: req.url ?? "", body: JSON.parse(data) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    delete process.env.SYNCLINE_NOTIFY_BACKOFF_BASE_MS;
    delete process.env.SYNCLINE_NOTIFY_MAX_ATTEMPTS;
    await new Promise((r) => receiver?.close(r));
    await store?.close();
  });

  it("sends to global and per-definition channels that want the event, in generic JSON", async () => {
    await addChannel({ name: "all-drift", url: `${base}/all?token=abcd1234secret`, events: ["drift.detected"] }, admin);
    await expect(addChannel({ name: "bad", url: "ftp://x/y" }, admin)).rejects.toThrow(/http/);
    await expect(addChannel({ name: "nodef", url: `${base}/x`, definition: "missing.example.io" }, admin)).rejects.toThrow(/not found/);
    expect(JSON.stringify(await listChannels())).not.toContain("abcd1234secret");

    expect(await notify({ event: "drift.detected", definition: "a.example.io", drifted: 2, summary: "2 resource(s) changed outside Git" })).toBe(1);
    expect(await notify({ event: "run.failed", definition: "a.example.io", summary: "sync failed" })).toBe(0);
    expect(await deliverDueNotifications()).toBe(1);
    expect(got).toHaveLength(1);
    expect(got[0]!.path).toBe("/all?token=abcd1234secret");
    expect(got[0]!.body).toMatchObject({ event: "drift.detected", definition: "a.example.io", drifted: 2 });
  });

  it("retries a failing receiver with backoff, gives up after the maximum, and never stores the URL's secret", async () => {
    await addChannel({ name: "down", kind: "slack", url: "http://127.0.0.1:9/services/T1/B2/tokensecret99", events: ["run.failed"] }, admin);
    expect(await notify({ event: "run.failed", definition: "b.example.io", summary: "sync failed", error: "boom" })).toBe(1);
    const attempts: number[] = [];
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const n = await deliverDueNotifications();
      if (n > 0) attempts.push(Date.now());
      const d = (await listDeliveries()).find((x) => x.definition === "b.example.io");
      if (d?.status === "failed") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const d = (await listDeliveries()).find((x) => x.definition === "b.example.io")!;
    expect(d.status).toBe("failed");
    expect(d.attempts).toBe(3);
    expect(attempts).toHaveLength(3);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThan(attempts[1]! - attempts[0]!);
    expect(d.lastError ?? "").not.toContain("tokensecret99");
  });
});

/**
 * The Syncline side of `npm run bench`, in its own process (as the server would be), so its
 * peak RSS is the sync's and not the benchmark driver's (repo generation, the floor's blobs,
 * Vitest). Started by `sync.bench-run.ts` with `fork`; takes one command at a time over IPC
 * and answers with its timing.
 *
 *   node --conditions=react-server --import tsx bench/sync-worker.ts
 */
import v8 from "node:v8";
// the opt-in full collection after large runs, as a memory-limited installation would run
process.env.SYNCLINE_FORCE_GC ??= "1";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { definitionBody } from "@/test/support/definition-body";
import { createUser } from "@/lib/server/services/users";
import { addDefinition } from "@/lib/server/services/definitions";
import { putSecret } from "@/lib/server/services/secrets";
import { computeDiff, startSync } from "@/lib/server/services/sync";
import { listResources } from "@/lib/server/services/resources";
import { addKnownHost } from "@/lib/server/services/ssh-known-hosts";
import { findDefinition } from "@/lib/server/data/definitions";
import { subscribeMemoryRelease } from "@/lib/server/memory";
import type { Principal } from "@/lib/server/auth/principal";

export type WorkerCommand =
  | {
      op: "setup";
      url: string;
      store: "pglite" | "postgres";
      schema: unknown;
      /** age identities: the definition decrypts SOPS documents */ identities?: string;
      /** an SSH repository: the deploy key (a git-ssh secret) and the server's host key (trusted) */
      ssh?: { privateKey: string; host: string; port: number; hostKey: string };
    }
  | { op: "sync"; dryRun?: boolean }
  | { op: "diff" }
  | { op: "firstRows" }
  | { op: "heapSnapshot"; file: string }
  | { op: "close" };

export type WorkerReply =
  { ok: true; ms: number; detail: string; log?: string[]; rssMiB: number; peakRssMiB: number; memory: string } | { ok: false; error: string };

const DEFINITION = "widgets.example.io";
let store: TestStore | undefined;
let who: Principal | undefined;

const mib = (bytes: number) => Math.round(bytes / 1048576);
const memory = () => {
  const m = process.memoryUsage();
  return `rss ${mib(m.rss)} MiB: JS heap ${mib(m.heapUsed)}/${mib(m.heapTotal)}, external ${mib(m.external)} (array buffers ${mib(m.arrayBuffers)})`;
};

async function handle(cmd: WorkerCommand): Promise<{ detail: string; log?: string[] }> {
  switch (cmd.op) {
    case "setup": {
      store = await openTestStore({ postgres: cmd.store === "postgres" });
      const u = await createUser({ username: "bench", password: "bench-password", role: "admin" });
      who = { via: "token", userId: u.id, username: "bench", role: "admin" };
      if (cmd.identities) await putSecret({ name: "sops-keys", type: "sops-age", identities: cmd.identities }, who);
      if (cmd.ssh) {
        await putSecret({ name: "bench-ssh", type: "git-ssh", privateKey: cmd.ssh.privateKey }, who);
        await addKnownHost({ host: cmd.ssh.host, port: cmd.ssh.port, key: cmd.ssh.hostKey }, who);
      }
      await addDefinition(
        definitionBody({
          name: DEFINITION,
          kind: "Widget",
          repoURL: cmd.url,
          schema: cmd.schema as Record<string, unknown>,
          decryptionSecret: cmd.identities ? "sops-keys" : undefined,
          ...(cmd.ssh ? { secretName: "bench-ssh" } : {}),
        }),
        who,
      );
      subscribeMemoryRelease();
      return { detail: `store: ${store.kind}` };
    }
    case "sync": {
      const { done } = await startSync({ definition: DEFINITION, trigger: "api", who: who!, dryRun: cmd.dryRun });
      const run = await done;
      if (run.phase !== "Succeeded") throw new Error(`run ${run.phase}: ${run.error}`);
      return { detail: JSON.stringify(run.counts), log: run.log as string[] };
    }
    case "diff": {
      const diff = await computeDiff(DEFINITION);
      return { detail: `${diff.counts.update} to update` };
    }
    case "firstRows": {
      const def = await findDefinition(DEFINITION);
      const page = await listResources({ definitionId: def!.id, limit: 50 });
      return { detail: `${page.items.length} rows` };
    }
    case "heapSnapshot":
      (globalThis as { gc?: () => void }).gc?.();
      return { detail: v8.writeHeapSnapshot(cmd.file) };
    case "close":
      await store?.close();
      return { detail: "closed" };
  }
}

process.on("message", (cmd: WorkerCommand) => {
  const t0 = performance.now();
  // monotonic µs, the clock of V8 CPU profiles: lets a profile be cut to one command
  if (process.env.BENCH_PROF) console.log(`[prof] ${cmd.op} starts at ${process.hrtime.bigint() / 1000n}`);
  handle(cmd).then(
    (r) => {
      const reply: WorkerReply = {
        ok: true,
        ms: performance.now() - t0,
        ...r,
        rssMiB: mib(process.memoryUsage().rss),
        memory: memory(),
        peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      };
      process.send!(reply, () => {
        if (cmd.op === "close") process.exit(0);
      });
    },
    (err: Error) => process.send!({ ok: false, error: err.stack ?? err.message } satisfies WorkerReply),
  );
});
process.send!({ ok: true, ms: 0, detail: "ready", rssMiB: mib(process.memoryUsage().rss), peakRssMiB: 0, memory: memory() } satisfies WorkerReply);

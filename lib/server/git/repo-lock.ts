/**
 * Two fetches into one git store must not interleave (isomorphic-git writes the shallow file,
 * packs and refs in separate steps). Inside the process a promise chain per store serialises
 * them; a lock file created with O_EXCL also keeps a second process (a CLI script next to the
 * server) out. The file is removed in `finally`, and a file left by a dead process or older
 * than `staleMs` is taken over, so a crash never wedges a repository.
 */
import fs from "node:fs";
import path from "node:path";
import { GitError } from "./git-client";

const chains = new Map<string, Promise<unknown>>();

export const LOCK_FILE_NAME = "syncline-fetch.lock";

export async function withRepoLock<T>(storeDir: string, fn: () => Promise<T>, opts: { staleMs?: number; waitMs?: number } = {}): Promise<T> {
  const previous = chains.get(storeDir) ?? Promise.resolve();
  const run = previous
    .catch(() => undefined)
    .then(async () => {
      const release = await acquireFileLock(storeDir, opts.staleMs ?? 10 * 60_000, opts.waitMs ?? 5 * 60_000);
      try {
        return await fn();
      } finally {
        release();
      }
    });
  chains.set(storeDir, run);
  try {
    return await run;
  } finally {
    if (chains.get(storeDir) === run) chains.delete(storeDir);
  }
}

async function acquireFileLock(storeDir: string, staleMs: number, waitMs: number): Promise<() => void> {
  fs.mkdirSync(storeDir, { recursive: true });
  const file = path.join(storeDir, LOCK_FILE_NAME);
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      fs.writeFileSync(file, JSON.stringify({ pid: process.pid, at: new Date().toISOString() }), { flag: "wx" });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    if (isStale(file, staleMs)) {
      fs.rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > until) throw new GitError("TIMEOUT", `git store is locked by another process (waited ${Math.round(waitMs / 1000)} s)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function isStale(file: string, staleMs: number): boolean {
  try {
    const { pid } = JSON.parse(fs.readFileSync(file, "utf8")) as { pid?: number };
    if (pid === process.pid) return true; // our own leftover: the in-process chain already serialises us
    if (typeof pid === "number" && !isAlive(pid)) return true;
    return Date.now() - fs.statSync(file).mtimeMs > staleMs;
  } catch {
    return true;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

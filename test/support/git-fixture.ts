/**
 * One place for the boilerplate every Git test repeats: a temp root served over smart HTTP,
 * a fresh client cache, and cleanup. Keeps each test about the behaviour it checks.
 */
import fs from "node:fs";
import path from "node:path";
import { startGitHttpServer, type GitHttpServer } from "./git-http-server";
import { createRepo, makeTempDir } from "./git-repo";

export interface GitFixture {
  root: string;
  server: GitHttpServer;
  cacheDir: string;
  /** creates `root/<name>` as a non-bare repo served at server.url(name) */
  repo(name: string, opts?: { branch?: string }): { dir: string; url: string };
  close(): Promise<void>;
}

export async function startGitFixture(opts: { auth?: { username: string; password: string } } = {}): Promise<GitFixture> {
  const root = makeTempDir("syncline-served-");
  const cacheDir = makeTempDir("syncline-cache-");
  const server = await startGitHttpServer({ root, auth: opts.auth });
  return {
    root,
    server,
    cacheDir,
    repo(name, o = {}) {
      const dir = createRepo(path.join(root, name), o);
      return { dir, url: server.url(name) };
    },
    async close() {
      await server.close();
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

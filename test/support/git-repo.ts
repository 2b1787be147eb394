/**
 * Builds real Git repositories for tests with the git CLI, so fixtures have the same object
 * layout (packs, loose objects, annotated tags, symlinks, gitlinks) a real host produces.
 * Author, committer and dates are fixed (the date advances one minute per commit), and the
 * user's own git config is ignored, so the same calls give the same SHAs on every machine.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** A file body, `null` to delete, a symlink, or a gitlink (submodule) pointing at a commit. */
export type FileChange = string | Uint8Array | null | { symlink: string } | { gitlink: string };

const BASE_TIME = Date.UTC(2024, 0, 1, 12, 0, 0) / 1000;

export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // cast: Next's types make NODE_ENV mandatory on ProcessEnv; git needs no NODE_ENV
  return {
    PATH: process.env.PATH,
    HOME: os.tmpdir(),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_AUTHOR_NAME: "Syncline Test",
    GIT_AUTHOR_EMAIL: "test@syncline.invalid",
    GIT_COMMITTER_NAME: "Syncline Test",
    GIT_COMMITTER_EMAIL: "test@syncline.invalid",
    GIT_TERMINAL_PROMPT: "0",
    ...extra,
  } as unknown as NodeJS.ProcessEnv;
}

/** Runs git in `dir` and returns trimmed stdout. */
export function git(dir: string, args: string[], opts: { input?: string | Buffer; env?: Record<string, string> } = {}): string {
  return execFileSync("git", args, {
    cwd: dir,
    env: gitEnv(opts.env),
    input: opts.input,
    maxBuffer: 1024 * 1024 * 1024,
    stdio: ["pipe", "pipe", "pipe"],
  })
    .toString("utf8")
    .trim();
}

export function makeTempDir(prefix = "syncline-git-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function createRepo(dir: string, opts: { branch?: string; bare?: boolean } = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  git(dir, ["init", "-q", "-b", opts.branch ?? "main", ...(opts.bare ? ["--bare"] : [])]);
  return dir;
}

/** Applies `files` to the working tree, commits everything, returns the new commit SHA. */
export function commitFiles(dir: string, files: Record<string, FileChange>, message: string): string {
  for (const [rel, change] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    if (change === null) {
      fs.rmSync(abs, { recursive: true, force: true });
      continue;
    }
    if (typeof change === "object" && "gitlink" in change) continue; // staged below
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.rmSync(abs, { recursive: true, force: true });
    if (typeof change === "object" && "symlink" in change) fs.symlinkSync(change.symlink, abs);
    else fs.writeFileSync(abs, change);
  }
  git(dir, ["add", "-A"]);
  for (const [rel, change] of Object.entries(files)) {
    if (change && typeof change === "object" && "gitlink" in change) {
      git(dir, ["update-index", "--add", "--cacheinfo", `160000,${change.gitlink},${rel}`]);
    }
  }
  const count = Number(git(dir, ["rev-list", "--count", "--all"]) || "0");
  const date = `@${BASE_TIME + count * 60} +0000`;
  git(dir, ["commit", "-q", "--allow-empty", "-m", message], { env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
  return headSha(dir);
}

/** Creates a tag; annotated when `message` is given. */
export function tag(dir: string, name: string, ref = "HEAD", message?: string): void {
  const date = `@${BASE_TIME} +0000`;
  git(dir, message ? ["tag", "-a", name, ref, "-m", message] : ["tag", name, ref], {
    env: { GIT_COMMITTER_DATE: date },
  });
}

export function headSha(dir: string, ref = "HEAD"): string {
  return git(dir, ["rev-parse", `${ref}^{commit}`]);
}

/** Blob paths under `subdir` at `ref`, as native git lists them (the reference for counts). */
export function lsTreeFiles(dir: string, ref: string, subdir = ""): string[] {
  const out = git(dir, ["ls-tree", "-r", "--name-only", ref, ...(subdir ? ["--", subdir] : [])]);
  return out ? out.split("\n") : [];
}

/** A blob's exact bytes (no trimming), the reference for content checks. */
export function catBlob(dir: string, oid: string): Buffer {
  return execFileSync("git", ["cat-file", "blob", oid], { cwd: dir, env: gitEnv(), maxBuffer: 1024 * 1024 * 1024 });
}

/** `git clone --bare` of a bundle or repository into `dest`. */
export function cloneBare(source: string, dest: string): string {
  execFileSync("git", ["clone", "-q", "--bare", source, dest], { env: gitEnv(), stdio: "pipe" });
  return dest;
}

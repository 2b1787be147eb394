/**
 * Shared by the Git micro-benchmark and `npm run bench`: a generator for large repositories
 * (git fast-import, so 10k files take well under a second to create) and the native-git
 * "floor" — shallow clone without checkout + ls-tree + cat-file --batch — that our reader is
 * compared with.
 */
import { execFile, execFileSync, spawn } from "node:child_process";
import { promisify } from "node:util";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createRepo, gitEnv } from "./git-repo";

export interface BenchRepoOptions {
  files?: number; // default 10_000
  folders?: number; // default 50
  fileBytes?: number; // default ~1024
  /** file index → content to commit instead of the generated one (e.g. its SOPS-encrypted form) */
  replace?: ReadonlyMap<number, string>;
}

/** The generated content of file `i` (the first commit), e.g. to encrypt it. */
export function benchFileContent(i: number, opts: BenchRepoOptions = {}): string {
  return benchContent(i, 0, opts.fileBytes ?? 1024);
}

const BASE_TIME = Date.UTC(2024, 0, 1) / 1000;

/** Creates a bare repo at `dir` with one commit of generated YAML/JSON resources; returns the branch head. */
export function generateBenchRepo(dir: string, opts: BenchRepoOptions = {}): string {
  createRepo(dir, { bare: true });
  const files = opts.files ?? 10_000;
  const folders = opts.folders ?? 50;
  const bytes = opts.fileBytes ?? 1024;
  const changes: Array<[string, string]> = [];
  for (let i = 0; i < files; i++) changes.push([benchPath(i, folders), opts.replace?.get(i) ?? benchContent(i, 0, bytes)]);
  return fastImportCommit(dir, changes, "generated resources", 0);
}

/** Rewrites `count` files (spread over the folders) in a new commit on main; returns its SHA. */
export function changeBenchFiles(dir: string, count: number, round: number, opts: BenchRepoOptions = {}): string {
  const files = opts.files ?? 10_000;
  const folders = opts.folders ?? 50;
  const bytes = opts.fileBytes ?? 1024;
  const changes: Array<[string, string]> = [];
  const step = Math.max(1, Math.floor(files / count));
  for (let k = 0; k < count; k++) {
    const i = (k * step) % files;
    changes.push([benchPath(i, folders), benchContent(i, round, bytes)]);
  }
  return fastImportCommit(dir, changes, `change ${count} files (round ${round})`, round);
}

function benchPath(i: number, folders: number): string {
  const ext = i % 5 < 3 ? "yaml" : "json";
  return `resources/folder-${String(i % folders).padStart(2, "0")}/item-${String(i).padStart(5, "0")}.${ext}`;
}

function benchContent(i: number, round: number, bytes: number): string {
  let noise = "";
  for (let j = 0; noise.length < bytes; j++) noise += crypto.createHash("sha256").update(`${i}:${round}:${j}`).digest("hex");
  const name = `item-${i}`;
  if (i % 5 < 3) {
    const head = `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: ${name}\n  namespace: team-${i % 7}\nspec:\n  replicas: ${i % 9}\n  note: "`;
    return `${head}${noise.slice(0, Math.max(0, bytes - head.length - 2))}"\n`;
  }
  const doc = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name, namespace: `team-${i % 7}` }, spec: { replicas: i % 9, note: "" } };
  const base = JSON.stringify(doc, null, 2).length;
  doc.spec.note = noise.slice(0, Math.max(0, bytes - base - 1));
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function fastImportCommit(dir: string, changes: Array<[string, string]>, message: string, round: number): string {
  const parts: Buffer[] = [];
  const time = `${BASE_TIME + round * 60} +0000`;
  const hasHead = (() => {
    try {
      execFileSync("git", ["rev-parse", "--verify", "-q", "refs/heads/main"], { cwd: dir, env: gitEnv(), stdio: "pipe" });
      return true;
    } catch {
      return false;
    }
  })();
  parts.push(Buffer.from(`commit refs/heads/main\nauthor Bench <bench@syncline.invalid> ${time}\ncommitter Bench <bench@syncline.invalid> ${time}\n`));
  const msg = Buffer.from(message);
  parts.push(Buffer.from(`data ${msg.length}\n`), msg, Buffer.from("\n"));
  if (hasHead) parts.push(Buffer.from("from refs/heads/main^0\n"));
  for (const [p, content] of changes) {
    const body = Buffer.from(content);
    parts.push(Buffer.from(`M 100644 inline ${p}\ndata ${body.length}\n`), body, Buffer.from("\n"));
  }
  parts.push(Buffer.from("\n"));
  execFileSync("git", ["fast-import", "--quiet"], { cwd: dir, env: gitEnv(), input: Buffer.concat(parts), stdio: ["pipe", "pipe", "pipe"] });
  return execFileSync("git", ["rev-parse", "refs/heads/main"], { cwd: dir, env: gitEnv() }).toString().trim();
}

export interface FloorTimings {
  cloneMs: number;
  lsTreeMs: number;
  catFileMs: number;
  totalMs: number;
  files: number;
  bytes: number;
}

const execFileAsync = promisify(execFile);

/**
 * Native git: `clone --depth 1 --no-checkout`, `ls-tree -r`, `cat-file --batch` of every blob.
 * Async on purpose: the server is usually in this same process, and a sync child would deadlock it.
 */
export async function measureNativeFloor(url: string, workDir: string): Promise<FloorTimings> {
  const dest = path.join(workDir, `floor-${Date.now()}`);
  const env = gitEnv();
  const t0 = performance.now();
  await execFileAsync("git", ["clone", "-q", "--depth", "1", "--no-checkout", url, dest], { env });
  const t1 = performance.now();
  const tree = execFileSync("git", ["ls-tree", "-r", "HEAD"], { cwd: dest, env, maxBuffer: 1 << 30 }).toString();
  const oids = tree
    .split("\n")
    .filter((l) => l.includes(" blob "))
    .map((l) => l.split(/\s+/)[2]!);
  const t2 = performance.now();
  const bytes = await new Promise<number>((resolve, reject) => {
    const cat = spawn("git", ["cat-file", "--batch"], { cwd: dest, env });
    let n = 0;
    cat.stdout.on("data", (d: Buffer) => (n += d.length));
    cat.on("error", reject);
    cat.on("close", () => resolve(n));
    cat.stdin.end(`${oids.join("\n")}\n`);
  });
  const t3 = performance.now();
  fs.rmSync(dest, { recursive: true, force: true });
  return { cloneMs: t1 - t0, lsTreeMs: t2 - t1, catFileMs: t3 - t2, totalMs: t3 - t0, files: oids.length, bytes };
}

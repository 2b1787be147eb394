/**
 * PGlite is single-process: two processes on one data directory would corrupt it.
 * A lock file created with O_EXCL holds the directory; a lock whose process is gone is stale
 * and taken over. A live holder makes the second process stop with a message saying what to do.
 */
import fs from "node:fs";
import path from "node:path";
import { ensurePrivateDir } from "@/lib/server/private-dir";

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The data directory ${dir} is in use by another Syncline process (pid ${pid}). ` +
        `The embedded database allows one process; stop the other one, use another SYNCLINE_DATA_DIR, ` +
        `or set DATABASE_URL to a PostgreSQL server to run several replicas.`,
    );
    this.name = "DataDirLockedError";
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

/** Returns a release function. Throws DataDirLockedError when another live process holds it. */
export function lockDataDir(dir: string): () => void {
  ensurePrivateDir(dir);
  const file = path.join(dir, "syncline.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, "wx", 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      const release = () => {
        try {
          if (fs.readFileSync(file, "utf8").trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once("exit", release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number.parseInt(fs.readFileSync(file, "utf8").trim(), 10);
      if (pid === process.pid) return () => undefined;
      if (Number.isFinite(pid) && pid > 0 && isAlive(pid)) throw new DataDirLockedError(dir, pid);
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`Could not lock the data directory ${dir}`);
}

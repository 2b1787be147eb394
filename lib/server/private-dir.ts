/**
 * Directories that hold the store, the Git cache and the secret key are the server's alone
 * (issue 19 L8: the Git cache was world-readable). Created 0700; an existing directory from an
 * older release is narrowed to 0700 too. With the data directory at 0700 nothing under it can be
 * reached by another local user, whatever modes libraries give the files inside.
 */
import fs from "node:fs";

export const PRIVATE_DIR_MODE = 0o700;

export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if ((fs.statSync(dir).mode & 0o777) !== PRIVATE_DIR_MODE) fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

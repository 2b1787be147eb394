/**
 * Where the CLI finds its server and token. Order: flag → environment → the file written by
 * `syncline login` → default. The stored token is only sent to the server it was issued by,
 * so `--server other` never leaks it. The file holds a bearer token, hence mode 0600.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CliError } from "./cli-error";

export const DEFAULT_SERVER = "http://localhost:3000";

export interface StoredConfig {
  server: string;
  token: string;
}

export interface Connection {
  server: string;
  token: string | undefined;
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SYNCLINE_CONFIG) return path.resolve(env.SYNCLINE_CONFIG);
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), ".config");
  return path.join(base, "syncline", "config.json");
}

export function readConfig(file = configPath()): StoredConfig | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CliError(`cannot read the config file ${file}: ${(err as Error).message}`);
  }
  try {
    const v = JSON.parse(text) as Partial<StoredConfig>;
    if (typeof v.server === "string" && typeof v.token === "string") return { server: v.server, token: v.token };
  } catch {
    /* fall through */
  }
  throw new CliError(`the config file ${file} is not valid; run \`syncline login\` again or delete it`);
}

/** Written to a temp file with mode 0600 and renamed, so a reader never sees half a token. */
export function writeConfig(cfg: StoredConfig, file = configPath()): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(cfg, null, 2) + "\n", { mode: 0o600 });
  fs.chmodSync(tmp, 0o600); // umask cannot widen it, but an existing tmp file keeps its old mode
  fs.renameSync(tmp, file);
}

export function normalizeServer(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new CliError(`--server must be a URL such as ${DEFAULT_SERVER} (got "${raw}")`, 2);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new CliError(`--server must be an http:// or https:// URL (got "${raw}")`, 2);
  return u.origin + u.pathname.replace(/\/+$/, "");
}

export function resolveConnection(flags: { server?: string; token?: string }, env: NodeJS.ProcessEnv = process.env): Connection {
  const stored = readConfig(configPath(env));
  const server = normalizeServer(flags.server || env.SYNCLINE_SERVER || stored?.server || DEFAULT_SERVER);
  const storedToken = stored && normalizeServer(stored.server) === server ? stored.token : undefined;
  return { server, token: flags.token || env.SYNCLINE_TOKEN || storedToken };
}

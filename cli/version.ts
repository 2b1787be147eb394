/** The CLI's version, and the global options that take a value: what `main.ts` needs before commander is loaded. */
import fs from "node:fs";
import path from "node:path";

/** global options that take a value (the word after them is not a command) */
export const VALUE_OPTIONS = new Set(["--server", "--token"]);

export function packageVersion(): string {
  // cli/ when run from source, cli/dist/ or cli/dist/chunks/ when built
  for (const up of ["..", "../..", "../../.."]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, up, "package.json"), "utf8")) as { name?: string; version: string };
      if (pkg.name === "syncline") return pkg.version;
    } catch {
      /* try the next level */
    }
  }
  return "unknown";
}

/** `syncline --version` (or `-V`), alone or with global options: answered without loading commander or any command. */
export function onlyAsksVersion(argv: string[]): boolean {
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-V" || a === "--version") version = true;
    else if (VALUE_OPTIONS.has(a)) i++;
    else if (![...VALUE_OPTIONS].some((o) => a.startsWith(`${o}=`))) return false;
  }
  return version;
}

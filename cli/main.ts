/**
 * The CLI's entry (built to cli/dist/main.js, run by bin/syncline.js). Kept small on purpose:
 * a cold start loads only this file, then the command tree (`program.ts`, commander) and the
 * one command module the command line names; `--version` loads nothing else.
 */
import { onlyAsksVersion, packageVersion } from "./version";

export async function main(argv: string[]): Promise<number> {
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0); // `syncline … | head` is fine
    throw err;
  });
  if (onlyAsksVersion(argv)) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const { runProgram } = await import("./program");
  return runProgram(argv);
}

/**
 * The CLI's production confirmation (issue 21), the dashboard's rule on a terminal: a real sync
 * of a production definition asks for its name typed; without a terminal it needs `--yes`.
 */
import readline from "node:readline/promises";
import { CliError } from "./cli-error";

export interface ConfirmIo {
  isTTY: boolean;
  /** asks on the terminal, answers what was typed */
  ask(question: string): Promise<string>;
}

export const terminalIo = (): ConfirmIo => ({
  isTTY: Boolean(process.stdin.isTTY),
  async ask(question) {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
});

/** Resolves when the sync may go ahead; throws a CliError (exit 2) otherwise. */
export async function confirmProductionSync(definition: string, opts: { production: boolean; dryRun: boolean; yes: boolean }, io: ConfirmIo): Promise<void> {
  if (!opts.production || opts.dryRun || opts.yes) return;
  if (!io.isTTY) throw new CliError(`${definition} is marked production: confirm with --yes (no terminal to type its name on)`, 2);
  const typed = (await io.ask(`${definition} is marked production. Type its name to sync: `)).trim();
  if (typed !== definition) throw new CliError(`confirmation did not match ${definition}: nothing was synced`, 2);
}

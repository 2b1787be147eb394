/**
 * The `syncline` command tree (names follow the seed's `colonies resource …`) and the one
 * place errors become output: a CliError is one `error: …` line on stderr and its exit code;
 * usage mistakes exit 2; only a real bug prints a stack trace.
 */
import fs from "node:fs";
import path from "node:path";
import { Command, CommanderError } from "commander";
import { CliError } from "./cli-error";
import { DEFAULT_SERVER } from "./config";
import { definitionCommand } from "./commands/definition";
import { diffCommand } from "./commands/diff";
import { historyCommand, runCommand } from "./commands/history";
import { loginCommand } from "./commands/login";
import { resourceCrudCommands } from "./commands/resources";
import { resumeCommand, rollbackCommand } from "./commands/rollback";
import { syncCommand } from "./commands/sync";
import { secretCommand } from "./commands/secret";
import { knownHostCommand } from "./commands/known-host";
import { approvalCommand } from "./commands/approval";

export function buildProgram(): Command {
  const program = new Command("syncline")
    .description("Syncline CLI: sync declarative resources from Git and inspect them, over the server's /api/v1")
    .version(packageVersion(), "-V, --version")
    .option("--server <url>", `Syncline server (env SYNCLINE_SERVER, else the one from \`syncline login\`, else ${DEFAULT_SERVER})`)
    .option("--token <token>", "API token (env SYNCLINE_TOKEN, else the one from `syncline login`)")
    .addHelpText(
      "after",
      `
Examples:
  $ syncline login --server http://localhost:3000 --username admin
  $ syncline resource definition add --spec deployments.example.io.json
  $ syncline resource sync --definition deployments.example.io --dry-run
  $ syncline resource sync --definition deployments.example.io
  $ syncline resource ls --kind Deployment`,
    );

  const resource = new Command("resource")
    .alias("resources")
    .description("definitions, resources and their sync from Git")
    .addHelpText(
      "after",
      "\nExamples:\n  $ syncline resource diff --definition deployments.example.io\n  $ syncline resource get Deployment my-app -n production",
    );
  resource.addCommand(definitionCommand());
  resource.addCommand(syncCommand());
  resource.addCommand(diffCommand());
  for (const c of resourceCrudCommands()) resource.addCommand(c);
  resource.addCommand(historyCommand());
  resource.addCommand(rollbackCommand());
  resource.addCommand(resumeCommand());

  program.addCommand(loginCommand());
  program.addCommand(resource);
  program.addCommand(runCommand());
  program.addCommand(secretCommand());
  program.addCommand(knownHostCommand());
  program.addCommand(approvalCommand());

  // Let errors reach main() instead of commander calling process.exit mid-output.
  const override = (c: Command) => {
    c.exitOverride();
    c.showHelpAfterError("(add --help for usage)");
    c.configureOutput({ outputError: (s, write) => write(s) });
    c.commands.forEach(override);
  };
  override(program);
  return program;
}

function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "..", "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

export async function main(argv: string[]): Promise<number> {
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0); // `syncline … | head` is fine
    throw err;
  });
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" to commander; its message is already printed
      return err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof CliError) {
      process.stderr.write(`error: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`error: unexpected failure (a bug in the CLI): ${(err as Error)?.stack ?? String(err)}\n`);
    return 70;
  }
}

/**
 * The `syncline` command tree (names follow the seed's `colonies resource …`) and the one
 * place errors become output: a CliError is one `error: …` line on stderr and its exit code;
 * usage mistakes exit 2; only a real bug prints a stack trace. Loaded by `main.ts` once a
 * command line needs commander (everything but `--version`).
 */
import { Command, CommanderError } from "commander";
import { CliError } from "./cli-error";
import { DEFAULT_SERVER } from "./config";
import { packageVersion, VALUE_OPTIONS } from "./version";

/**
 * The command modules, loaded lazily: only the one named on the command line is imported
 * (every one for help or an unknown word), so a cold `syncline resource ls` loads little.
 * A new command is one line here: `under: "resource"` for `syncline resource <name>`, none for
 * a top-level command; `names` are its name and aliases (as the module's Command declares them).
 * The build (scripts/build-cli.mjs) follows these imports, one chunk per module.
 */
interface LazyCommand {
  under?: "resource";
  names: string[];
  load: () => Promise<Command | Command[]>;
}

export const COMMANDS: LazyCommand[] = [
  { under: "resource", names: ["definition", "definitions", "def"], load: async () => (await import("./commands/definition")).definitionCommand() },
  { under: "resource", names: ["sync"], load: async () => (await import("./commands/sync")).syncCommand() },
  { under: "resource", names: ["diff"], load: async () => (await import("./commands/diff")).diffCommand() },
  {
    under: "resource",
    names: ["ls", "list", "get", "apply", "delete", "rm", "wait"],
    load: async () => (await import("./commands/resources")).resourceCrudCommands(),
  },
  { under: "resource", names: ["history"], load: async () => (await import("./commands/history")).historyCommand() },
  { under: "resource", names: ["compare"], load: async () => (await import("./commands/compare")).compareCommand() },
  { under: "resource", names: ["rollback"], load: async () => (await import("./commands/rollback")).rollbackCommand() },
  { under: "resource", names: ["resume"], load: async () => (await import("./commands/rollback")).resumeCommand() },
  { names: ["login"], load: async () => (await import("./commands/login")).loginCommand() },
  { names: ["run"], load: async () => (await import("./commands/history")).runCommand() },
  { names: ["secret", "secrets"], load: async () => (await import("./commands/secret")).secretCommand() },
  { names: ["approval", "approvals"], load: async () => (await import("./commands/approval")).approvalCommand() },
  { names: ["known-host", "known-hosts"], load: async () => (await import("./commands/known-host")).knownHostCommand() },
];

const RESOURCE_NAMES = ["resource", "resources"];

/** The entries a command line needs: the named command, else (help, no command, a typo) every one. */
export function commandsFor(argv: string[]): LazyCommand[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const a = argv[i]!;
    if (a === "--") break;
    if (a.startsWith("-")) {
      if (VALUE_OPTIONS.has(a)) i++;
      continue;
    }
    words.push(a);
  }
  const [top, sub] = words;
  const picked = RESOURCE_NAMES.includes(top ?? "")
    ? COMMANDS.filter((c) => c.under === "resource" && sub !== undefined && c.names.includes(sub))
    : COMMANDS.filter((c) => c.under === undefined && top !== undefined && c.names.includes(top));
  if (picked.length > 0) return picked;
  return RESOURCE_NAMES.includes(top ?? "") ? COMMANDS.filter((c) => c.under === "resource") : COMMANDS;
}

/** The command tree for `argv` (only the command modules it names are loaded; all of them for help). */
export async function buildProgram(argv: string[] = []): Promise<Command> {
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
  const add = async (parent: Command, entries: LazyCommand[]) => {
    for (const e of entries) {
      const loaded = await e.load();
      for (const c of Array.isArray(loaded) ? loaded : [loaded]) parent.addCommand(c);
    }
  };
  const entries = commandsFor(argv);
  await add(
    program,
    entries.filter((e) => e.under === undefined && e.names[0] === "login"),
  );
  program.addCommand(resource);
  await add(
    resource,
    entries.filter((e) => e.under === "resource"),
  );
  await add(
    program,
    entries.filter((e) => e.under === undefined && e.names[0] !== "login"),
  );

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

/** Parses and runs `argv`; answers the exit code. */
export async function runProgram(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv)).parseAsync(argv, { from: "user" });
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

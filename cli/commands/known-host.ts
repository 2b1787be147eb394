/**
 * `syncline known-host add HOST[:PORT] --key "ssh-ed25519 AAAA…" | --scan`, `known-host ls`,
 * `known-host rm ID`: Syncline's trusted SSH host keys. `--scan` asks the server what the host
 * presents (the server is where fetches come from), prints the fingerprint, and trusts it only
 * after a yes on the terminal (or `--yes`), and only if the host still presents that key.
 */
import readline from "node:readline/promises";
import { Command } from "commander";
import { contextFor, enc } from "../context";
import { CliError } from "../cli-error";
import { outputOption, printData, printTable } from "../output";
import type { SshKnownHostView } from "@/lib/api/views";

type KnownHost = SshKnownHostView;

export function parseHostPort(s: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(s.trim());
  const port = m?.[2] === undefined ? 22 : Number(m[2]);
  if (!m || port < 1 || port > 65535 || m[1]!.startsWith("-"))
    throw new CliError(`HOST[:PORT] expected (e.g. github.com or git.example.com:2222), got "${s}"`, 2);
  return { host: m[1]!.replace(/^\[(.*)\]$/, "$1"), port };
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new CliError("no terminal to confirm on: compare the fingerprint, then add --yes (or give the key with --key)", 2);
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export function knownHostCommand(): Command {
  const cmd = new Command("known-host")
    .alias("known-hosts")
    .description("trusted SSH host keys (admin): fetches over SSH accept only these (or a secret's knownHosts)")
    .addHelpText("after", "\nExamples:\n  $ syncline known-host add git.example.com:2222 --scan\n  $ syncline known-host ls");
  cmd.addCommand(
    new Command("add")
      .description("trust an SSH host key")
      .argument("<host[:port]>", "the Git host, as in the repository URL")
      .option("--key <key>", 'the key, as known_hosts or ssh-keyscan print it ("ssh-ed25519 AAAA…")')
      .option("--scan", "read the key the host presents now, show its fingerprint and ask before trusting it")
      .option("--yes", "with --scan: trust without asking (compare the printed fingerprint yourself)")
      .addOption(outputOption())
      .addHelpText(
        "after",
        `
Examples:
  $ syncline known-host add github.com --key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
  $ syncline known-host add git.example.com:2222 --scan`,
      )
      .action(async (target: string, opts: { key?: string; scan?: boolean; yes?: boolean }, c: Command) => {
        if (!!opts.key === !!opts.scan) throw new CliError("give exactly one of --key or --scan", 2);
        const { host, port } = parseHostPort(target);
        const { api, out, format } = contextFor(c);
        let body: Record<string, unknown> = { host, port, key: opts.key };
        if (opts.scan) {
          const seen = await api.get<{ keyType: string; fingerprint: string }>("/api/v1/ssh-known-hosts/scan", { host, port });
          process.stderr.write(`${host}:${port} presents ${seen.keyType} ${seen.fingerprint}\n`);
          if (!opts.yes && !(await confirm("Trust this key? Compare the fingerprint with the one your Git host publishes [y/N] "))) {
            throw new CliError("not trusted", 1);
          }
          body = { host, port, fingerprint: seen.fingerprint };
        }
        const added = await api.post<KnownHost>("/api/v1/ssh-known-hosts", body);
        if (format !== "text") return printData(out, format, added);
        out.line(`Trusted ${added.keyType} ${added.fingerprint} for ${added.host}:${added.port} (id ${added.id}).`);
      }),
  );
  cmd.addCommand(
    new Command("ls")
      .description("list trusted SSH host keys")
      .addOption(outputOption())
      .addHelpText("after", "\nExamples:\n  $ syncline known-host ls\n  $ syncline known-host ls -o json")
      .action(async (_o: unknown, c: Command) => {
        const { api, out, format } = contextFor(c);
        const r = await api.get<{ items: KnownHost[] }>("/api/v1/ssh-known-hosts");
        if (format !== "text") return printData(out, format, r.items);
        printTable(
          out,
          ["ID", "HOST", "PORT", "TYPE", "FINGERPRINT", "ADDED BY"],
          r.items.map((k) => [k.id, k.host, String(k.port), k.keyType, k.fingerprint, k.addedBy]),
        );
      }),
  );
  cmd.addCommand(
    new Command("rm")
      .description("stop trusting an SSH host key")
      .argument("<id>", "id from `known-host ls`")
      .addHelpText("after", "\nExamples:\n  $ syncline known-host rm 0b7f3c1e-2d7a-4f5e-9a51-6c0f4b8f0d21")
      .action(async (id: string, _o: unknown, c: Command) => {
        const { api, out } = contextFor(c);
        await api.delete(`/api/v1/ssh-known-hosts/${enc(id)}`);
        out.line(`Removed trusted host key ${id}.`);
      }),
  );
  return cmd;
}

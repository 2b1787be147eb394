/**
 * `syncline secret create git-ssh NAME --private-key-file PATH [--known-hosts-file PATH]` and
 * `syncline secret ls`. The private key goes from the file to the server and nowhere else; the
 * passphrase comes from SYNCLINE_SSH_PASSPHRASE or a prompt that does not echo (never a flag,
 * which would land in shell history and `ps`). The server answers the public key and its
 * fingerprint, to register as a deploy key.
 */
import fs from "node:fs";
import { Command } from "commander";
import { contextFor } from "../context";
import { CliError } from "../cli-error";
import { outputOption, printData, printTable } from "../output";
import { promptPassword } from "../read-password";

function readFile(path: string, what: string): string {
  try {
    return fs.readFileSync(path, "utf8");
  } catch (err) {
    throw new CliError(`${what} ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`, 2);
  }
}

async function passphraseFor(privateKey: string): Promise<string | undefined> {
  const fromEnv = process.env.SYNCLINE_SSH_PASSPHRASE;
  if (fromEnv !== undefined) return fromEnv || undefined;
  // an OpenSSH key says whether it is encrypted only inside its body; PEM says so in a header
  const encrypted = /ENCRYPTED/.test(privateKey) || (/OPENSSH PRIVATE KEY/.test(privateKey) && !/AAAABG5vbmUAAAAEbm9uZQ/.test(privateKey.replace(/\s/g, "")));
  if (!encrypted) return undefined;
  if (!process.stdin.isTTY) throw new CliError("the private key is encrypted: set SYNCLINE_SSH_PASSPHRASE or run in a terminal to be asked", 2);
  return (await promptPassword("Passphrase of the private key: ")) || undefined;
}

export function secretCommand(): Command {
  const secret = new Command("secret")
    .alias("secrets")
    .description("named secrets (admin): Git credentials, SSH deploy keys, webhook secrets")
    .addHelpText("after", "\nExamples:\n  $ syncline secret create git-ssh github-deploy --private-key-file deploy_key\n  $ syncline secret ls");
  const create = new Command("create")
    .description("create or replace a secret")
    .addHelpText("after", "\nExamples:\n  $ syncline secret create git-ssh github-deploy --private-key-file deploy_key");
  create.addCommand(
    new Command("git-ssh")
      .description("an SSH deploy key for ssh:// and user@host:path repositories")
      .argument("<name>", "secret name (refer to it from gitops.secretName)")
      .requiredOption("--private-key-file <path>", "the private key (ed25519, ECDSA or RSA; OpenSSH or PEM)")
      .option("--known-hosts-file <path>", "known_hosts lines for the Git host (else trust its key with `syncline known-host add`)")
      .addOption(outputOption())
      .addHelpText(
        "after",
        `
The passphrase of an encrypted key is read from SYNCLINE_SSH_PASSPHRASE, else asked on the terminal.

Examples:
  $ ssh-keygen -t ed25519 -N "" -f deploy_key     # add deploy_key.pub to the repository as a read-only deploy key
  $ syncline secret create git-ssh github-deploy --private-key-file deploy_key
  $ syncline secret create git-ssh gitlab-deploy --private-key-file id_ecdsa --known-hosts-file gitlab_known_hosts`,
      )
      .action(async (name: string, opts: { privateKeyFile: string; knownHostsFile?: string }, c: Command) => {
        const privateKey = readFile(opts.privateKeyFile, "--private-key-file");
        const knownHosts = opts.knownHostsFile ? readFile(opts.knownHostsFile, "--known-hosts-file") : undefined;
        const passphrase = await passphraseFor(privateKey);
        const { api, out, format } = contextFor(c);
        const saved = await api.post<{ name: string; type: string; publicKey?: string; fingerprint?: string }>("/api/v1/secrets", {
          name,
          type: "git-ssh",
          privateKey,
          ...(passphrase ? { passphrase } : {}),
          ...(knownHosts ? { knownHosts } : {}),
        });
        if (format !== "text") return printData(out, format, saved);
        out.line(`Saved secret ${saved.name} (${saved.type}).`);
        if (saved.fingerprint) out.line(`Public key fingerprint: ${saved.fingerprint}`);
        if (saved.publicKey) out.line(`Public key (add it as a read-only deploy key):\n${saved.publicKey}`);
      }),
  );
  secret.addCommand(create);
  secret.addCommand(
    new Command("ls")
      .description("secret names and types; values are never shown")
      .addOption(outputOption())
      .addHelpText("after", "\nExamples:\n  $ syncline secret ls\n  $ syncline secret ls -o json")
      .action(async (_opts: unknown, c: Command) => {
        const { api, out, format } = contextFor(c);
        const r = await api.get<{ items: { name: string; type: string; updatedAt: string }[] }>("/api/v1/secrets");
        if (format !== "text") return printData(out, format, r.items);
        printTable(
          out,
          ["NAME", "TYPE", "UPDATED"],
          r.items.map((s) => [s.name, s.type, s.updatedAt]),
        );
      }),
  );
  return secret;
}

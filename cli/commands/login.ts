/**
 * `syncline login`: trades a username and password (HTTP Basic, once) for an API token and
 * stores {server, token} in the config file, so later commands need neither.
 */
import os from "node:os";
import { Command, Option } from "commander";
import { configPath, DEFAULT_SERVER, normalizeServer, readConfig, writeConfig } from "../config";
import { ApiClient } from "../http-client";
import { CliError } from "../cli-error";
import { promptPassword, readPasswordFromStdin } from "../read-password";
import { stdout } from "../output";
import { roles } from "@/lib/api/roles";

interface IssuedToken {
  id: string;
  name: string;
  role: string;
  token: string;
}

export function loginCommand(): Command {
  return new Command("login")
    .description("sign in with a username and password and store an API token for later commands")
    .requiredOption("-u, --username <name>", "account to sign in as")
    .option("--password-stdin", "read the password from stdin instead of prompting")
    .addOption(new Option("--role <role>", "role of the new token (at most your own; default: your role)").choices(roles))
    .option("--token-name <name>", "name shown in the token list", `syncline-cli@${os.hostname()}`)
    .addHelpText(
      "after",
      `
The token is written to ${configPath()} (mode 0600; override with SYNCLINE_CONFIG)
and is only sent to the server it was issued by.

Examples:
  $ syncline login --server https://syncline.example.com --username admin
  $ echo "$SYNCLINE_PASSWORD" | syncline login --username ci --password-stdin --role operator`,
    )
    .action(async (opts: { username: string; passwordStdin?: boolean; role?: string; tokenName: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<{ server?: string }>();
      const server = normalizeServer(globals.server || process.env.SYNCLINE_SERVER || safeStoredServer() || DEFAULT_SERVER);
      const password = opts.passwordStdin ? await readPasswordFromStdin() : await promptPassword(`Password for ${opts.username}@${server}: `);
      const api = new ApiClient({ server, token: undefined });
      const issued = await api.request<IssuedToken>("POST", "/api/v1/tokens", {
        basic: { username: opts.username, password },
        body: { name: opts.tokenName, ...(opts.role ? { role: opts.role } : {}) },
      });
      if (!issued?.token) throw new CliError(`${server} did not return a token`);
      const file = configPath();
      writeConfig({ server, token: issued.token }, file);
      stdout.line(`Logged in to ${server} as ${opts.username} (token "${issued.name}", role ${issued.role}); saved to ${file}`);
    });
}

/** A broken config file must not stop the user from logging in again to fix it. */
function safeStoredServer(): string | undefined {
  try {
    return readConfig()?.server;
  } catch {
    return undefined;
  }
}

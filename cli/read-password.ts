/**
 * Gets the password for `syncline login` without it landing in shell history or `ps`:
 * all of stdin with --password-stdin (CI), otherwise a prompt that does not echo.
 */
import { CliError } from "./cli-error";

export async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const pw = Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
  if (!pw) throw new CliError("--password-stdin: nothing was read from stdin", 2);
  return pw;
}

export async function promptPassword(prompt = "Password: "): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new CliError("no terminal to ask for the password on; pipe it in with --password-stdin", 2);
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let pw = "";
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stderr.write("\n");
      if (err) reject(err);
      else resolve(pw);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003") return done(new CliError("cancelled", 130));
        if (ch === "\u007f" || ch === "\b") pw = pw.slice(0, -1);
        else pw += ch;
      }
    };
    stdin.on("data", onData);
  });
}

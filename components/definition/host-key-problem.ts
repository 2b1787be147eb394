/**
 * Reads an SSH host-key failure out of a run's error text (the transport's fixed wording,
 * lib/server/git/ssh-transport.ts `hostKeyError`), for the definition page's host-key panel.
 */
export interface HostKeyProblem {
  code: "SSH_HOST_KEY_UNKNOWN" | "SSH_HOST_KEY_MISMATCH";
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
  trusted: string[];
}

const FP = "SHA256:[A-Za-z0-9+/]{43}";

export function parseHostKeyProblem(error: string | null | undefined): HostKeyProblem | null {
  if (!error) return null;
  const unknown = new RegExp(`SSH_HOST_KEY_UNKNOWN: the SSH host key of (\\S+):(\\d+) is not trusted \\((\\S+) (${FP})\\)`).exec(error);
  if (unknown)
    return { code: "SSH_HOST_KEY_UNKNOWN", host: unknown[1]!, port: Number(unknown[2]), keyType: unknown[3]!, fingerprint: unknown[4]!, trusted: [] };
  const changed = new RegExp(`SSH_HOST_KEY_MISMATCH: the SSH host key of (\\S+):(\\d+) changed: trusted ((?:${FP}(?:, )?)+), presented (\\S+) (${FP})`).exec(
    error,
  );
  if (changed)
    return {
      code: "SSH_HOST_KEY_MISMATCH",
      host: changed[1]!,
      port: Number(changed[2]),
      keyType: changed[4]!,
      fingerprint: changed[5]!,
      trusted: changed[3]!.split(", "),
    };
  return null;
}

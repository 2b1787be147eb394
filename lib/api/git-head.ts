/**
 * What the screen says about Git (issue 21, "honest status"): the branch head, when it was
 * checked, the applied commit and how far behind it is, and a Git failure as a state with its
 * cause. Built by lib/server/views/git-head.ts, shown by components/overview/git-head-line.tsx.
 */

/** Why Git failed, in the words the card shows; "secret-missing" and "auth" offer "Add secret". */
export type GitErrorCause = "auth" | "not-found" | "host-refused" | "host-key" | "secret-missing" | "other";

export interface GitErrorView {
  message: string;
  cause: GitErrorCause;
  /** the cause in a few words: "authentication failed", "repository or branch not found", … */
  causeText: string;
  /** the definition's gitops.secretName, if any */
  secretName: string | null;
  /** an "Add secret" action helps (credentials missing, refused or unknown) */
  offerSecret: boolean;
}

export interface GitHeadView {
  branch: string;
  /** the branch head at the last check; null before any */
  head: string | null;
  /** its message's first line, when its objects were fetched */
  headMessage: string | null;
  /** when the head was last asked for (ISO) */
  checkedAt: string | null;
  /** the commit the store holds (last real sync) */
  applied: string | null;
  /** commits the applied commit (or the pin) is behind the head: 0 at the head, null when not counted yet */
  behind: number | null;
  /** the head moved past the applied commit (or the pin) */
  headMoved: boolean;
  pinned: string | null;
  error: GitErrorView | null;
}

const CAUSE_BY_CODE: Record<string, GitErrorCause> = {
  AUTH_FAILED: "auth",
  SSH_AUTH_FAILED: "auth",
  NOT_FOUND: "not-found",
  BRANCH_NOT_FOUND: "not-found",
  NETWORK: "host-refused",
  TIMEOUT: "host-refused",
  URL_REFUSED: "host-refused",
  SSH_HOST_KEY_UNKNOWN: "host-key",
  SSH_HOST_KEY_MISMATCH: "host-key",
};

const CAUSE_TEXT: Record<GitErrorCause, string> = {
  auth: "authentication failed",
  "not-found": "repository or branch not found",
  "host-refused": "host refused or unreachable",
  "host-key": "SSH host key not trusted",
  "secret-missing": "the Git secret is missing or of the wrong type",
  other: "Git failed",
};

/** A stored failure (message + GitError code, or null for other errors) → its cause. */
export function gitErrorView(message: string, code: string | null, secretName: string | null): GitErrorView {
  let cause: GitErrorCause = (code && CAUSE_BY_CODE[code]) || "other";
  if (cause === "other" && /^secret .* (not found|is a .* secret, not git credentials)/.test(message)) cause = "secret-missing";
  return {
    message,
    cause,
    causeText: CAUSE_TEXT[cause],
    secretName,
    // a private repository often answers "not found" to a caller without credentials
    offerSecret: cause === "auth" || cause === "secret-missing" || (cause === "not-found" && !secretName),
  };
}

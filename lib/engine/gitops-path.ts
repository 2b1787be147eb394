/**
 * The `gitops.path` of a definition names a folder inside the cloned repository.
 * It comes from users, so it is normalised to one form ("/a/b") and refused when
 * it could step outside the repository: "..", encoded dots/slashes, backslashes
 * and control characters. Paths are always repo-relative: "/etc" means
 * "<repo>/etc", never the host's /etc; the git layer resolves them against the
 * repository tree, not the file system.
 */

export const MAX_GITOPS_PATH_LENGTH = 1024;

export type GitopsPathResult = { ok: true; path: string } | { ok: false; reason: string };

// %2e ".", %2f "/", %5c "\" and %25 "%" (double encoding like %252e).
const ENCODED_SEPARATOR = /%(2e|2f|5c|25)/i;
// C0 controls, DEL and C1 controls.
const CONTROL_CHAR = /[\u0000-\u001f\u007f-\u009f]/;

export function normalizeGitopsPath(input: string): GitopsPathResult {
  if (typeof input !== "string") return { ok: false, reason: "path must be a string" };
  if (input.length > MAX_GITOPS_PATH_LENGTH) {
    return { ok: false, reason: `path is longer than ${MAX_GITOPS_PATH_LENGTH} characters` };
  }
  if (CONTROL_CHAR.test(input)) return { ok: false, reason: "path contains control characters" };
  if (input.includes("\\")) return { ok: false, reason: "path contains a backslash; use '/' as separator" };
  if (ENCODED_SEPARATOR.test(input)) {
    return { ok: false, reason: "path contains a URL-encoded '.', '/', '\\' or '%'; write it plainly" };
  }
  const segments: string[] = [];
  for (const segment of input.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") return { ok: false, reason: "path must not contain '..' segments" };
    segments.push(segment);
  }
  return { ok: true, path: "/" + segments.join("/") };
}

/**
 * Whether a repo-relative file path ("a/b.yaml" or "/a/b.yaml") lies under a
 * normalised gitops path ("/a"). The gitops path itself counts as inside, so a
 * path may also name a single file.
 */
export function isInsidePath(filePath: string, gitopsPath: string): boolean {
  const base = gitopsPath.replace(/^\/+/, "").replace(/\/+$/, "");
  const file = filePath.replace(/^\/+/, "");
  if (file.split("/").some((segment) => segment === ".." || segment === ".")) return false;
  if (base === "") return true;
  return file === base || file.startsWith(base + "/");
}

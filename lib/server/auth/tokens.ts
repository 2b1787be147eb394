/**
 * API tokens for scripts: random, shown once, stored as a SHA-256 hash (a 256-bit random
 * token needs no slow hash), looked up by hash, revocable.
 */
import crypto from "node:crypto";

export const TOKEN_PREFIX = "sl_";

export function newApiToken(): { token: string; hash: string; prefix: string } {
  const token = TOKEN_PREFIX + crypto.randomBytes(32).toString("base64url");
  return { token, hash: hashApiToken(token), prefix: token.slice(0, 10) };
}

export function hashApiToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

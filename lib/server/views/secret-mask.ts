/**
 * The one server-side mask for spec values a definition marks secret (`spec.secretPaths`):
 * each value becomes "<secret:xxxxxxxx>", a keyed fingerprint (crypto/secret-box), so equal
 * values mask equally and a changed secret still shows as a change. The engine does the
 * masking walk (lib/engine/redact.ts); the key stays here, on the server. Planning takes the
 * mask as an input (both sides are masked before the one diff); pages and the API mask
 * stored specs with the same function.
 */
import "server-only";
import { maskSecrets, type SpecMask } from "@/lib/engine/redact";
import { fingerprint } from "@/lib/server/crypto/secret-box";

export type { SpecMask };

/** The mask for these secret paths; undefined when there are none (nothing to copy or hash). */
export function secretMask(secretPaths: readonly string[] | null | undefined): SpecMask | undefined {
  if (!secretPaths || secretPaths.length === 0) return undefined;
  const paths = [...secretPaths];
  return (spec) => maskSecrets(spec, paths, fingerprint);
}

/** `spec` as shown: the values at `secretPaths` masked (a deep copy when any path is given). */
export function maskSpec<T>(spec: T, secretPaths: readonly string[] | null | undefined): T {
  const mask = secretMask(secretPaths);
  return mask ? (mask(spec) as T) : spec;
}

/**
 * The one server-side mask for spec values a definition marks secret (`spec.secretPaths`):
 * each value becomes "<secret:xxxxxxxx>", a keyed fingerprint (crypto/secret-box) salted with
 * the definition, the resource (kind/namespace/name) and the value's path. So the same value in
 * the same place masks the same between runs (an unchanged secret stays unchanged in a diff,
 * a changed one shows as a change), while equal values in two resources or two paths mask
 * differently: a mask is no oracle for guessing a value set elsewhere (issue 19 L4). The
 * engine does the masking walk (lib/engine/redact.ts); the key stays here, on the server.
 * Planning takes the mask as an input (both sides are masked before the one diff); pages and
 * the API mask stored specs with the same function.
 */
import "server-only";
import { maskSecrets, type SpecMask } from "@/lib/engine/redact";
import type { ResourceKey } from "@/lib/engine/types";
import { fingerprint } from "@/lib/server/crypto/secret-box";

export type { SpecMask };

/**
 * The mask for these secret paths of definition `definition` (its name); undefined when there
 * are none (nothing to copy or hash).
 */
export function secretMask(definition: string, secretPaths: readonly string[] | null | undefined): SpecMask | undefined {
  if (!secretPaths || secretPaths.length === 0) return undefined;
  const paths = [...secretPaths];
  return (spec, key) => maskSecrets(spec, paths, (json, pointer) => fingerprint(json, [definition, key.kind, key.namespace, key.name, pointer]));
}

/** `spec` of resource `key` as shown: the values at `secretPaths` masked (a deep copy when any path is given). */
export function maskSpec<T>(spec: T, definition: string, key: ResourceKey, secretPaths: readonly string[] | null | undefined): T {
  const mask = secretMask(definition, secretPaths);
  return mask ? (mask(spec, key) as T) : spec;
}

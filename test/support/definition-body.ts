/**
 * The body of a ResourceDefinition as the API and `addDefinition` take it, for tests and the
 * benchmark: group example.io, version v1, a Namespaced kind whose plural is `<kind>s`.
 * Optional parts are left out when not given, so each caller states only what it tests.
 */
export interface DefinitionBodyOptions {
  name: string;
  kind: string;
  repoURL: string;
  group?: string;
  scope?: "Namespaced" | "Cluster";
  schema?: Record<string, unknown>;
  path?: string;
  branch?: string;
  interval?: number;
  secretName?: string;
  /** spec.gitops.decryption = { provider: "sops", secretName } */
  decryptionSecret?: string;
  secretPaths?: string[];
  syncPolicy?: Record<string, boolean>;
  production?: boolean;
}

export function definitionBody(o: DefinitionBodyOptions) {
  return {
    metadata: { name: o.name },
    spec: {
      group: o.group ?? "example.io",
      version: "v1",
      names: { kind: o.kind, plural: `${o.kind.toLowerCase()}s` },
      scope: o.scope ?? "Namespaced",
      ...(o.schema ? { schema: o.schema } : {}),
      gitops: {
        repoURL: o.repoURL,
        path: o.path ?? "/resources",
        ...(o.branch ? { branch: o.branch } : {}),
        ...(o.interval !== undefined ? { interval: o.interval } : {}),
        ...(o.secretName ? { secretName: o.secretName } : {}),
        ...(o.decryptionSecret ? { decryption: { provider: "sops", secretName: o.decryptionSecret } } : {}),
      },
      ...(o.secretPaths ? { secretPaths: o.secretPaths } : {}),
      ...(o.syncPolicy ? { syncPolicy: o.syncPolicy } : {}),
      ...(o.production !== undefined ? { production: o.production } : {}),
    },
  };
}

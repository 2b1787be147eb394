import { requireAdminPage } from "@/app/(dashboard)/admin/require-admin";
import { DefinitionEditor } from "@/components/admin/definition-editor";
import { decryptionSecretNames } from "@/lib/server/views/admin-pages";

const template = {
  metadata: { name: "widgets.example.io" },
  spec: {
    group: "example.io",
    version: "v1",
    names: { kind: "Widget", plural: "widgets", singular: "widget" },
    scope: "Namespaced",
    schema: { type: "object", properties: { replicas: { type: "integer", minimum: 0 } } },
    gitops: { repoURL: "https://git.example.com/team/widgets.git", branch: "main", path: "/resources", interval: 300 },
    syncPolicy: { automated: false, prune: false, selfHeal: false },
    production: false,
  },
};

export default async function NewDefinitionPage() {
  await requireAdminPage();
  return <DefinitionEditor name={null} initialJson={JSON.stringify(template, null, 2)} sopsSecrets={await decryptionSecretNames()} />;
}

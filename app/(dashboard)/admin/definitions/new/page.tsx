import { requireAdminPage } from "@/app/(dashboard)/admin/require-admin";
import { DefinitionEditor } from "@/components/admin/definition-editor";
import { decryptionSecretNames, gitSecretNames } from "@/lib/server/views/admin-pages";

// Starts without a name (never one that may already exist): the form fills it in.
const template = {
  metadata: { name: "" },
  spec: {
    group: "",
    version: "v1",
    names: { kind: "", plural: "" },
    scope: "Namespaced",
    gitops: { repoURL: "", branch: "main", path: "/", interval: 300 },
    syncPolicy: { automated: false, prune: false, selfHeal: false },
    production: false,
  },
};

export default async function NewDefinitionPage() {
  await requireAdminPage();
  const [sopsSecrets, gitSecrets] = await Promise.all([decryptionSecretNames(), gitSecretNames()]);
  return <DefinitionEditor name={null} initialJson={JSON.stringify(template, null, 2)} sopsSecrets={sopsSecrets} gitSecrets={gitSecrets} />;
}

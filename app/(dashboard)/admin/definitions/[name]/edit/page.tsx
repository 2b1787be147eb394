import { notFound } from "next/navigation";
import { requireAdminPage } from "@/app/(dashboard)/admin/require-admin";
import { decryptionSecretNames, definitionDeleteInfo, definitionEditorView, gitSecretNames } from "@/lib/server/views/admin-pages";
import { DefinitionEditor } from "@/components/admin/definition-editor";

export default async function EditDefinitionPage({ params }: { params: Promise<{ name: string }> }) {
  await requireAdminPage();
  const { name } = await params;
  const [json, deleteInfo, sopsSecrets, gitSecrets] = await Promise.all([
    definitionEditorView(name),
    definitionDeleteInfo(name),
    decryptionSecretNames(),
    gitSecretNames(),
  ]);
  if (json === null || !deleteInfo) notFound();
  return <DefinitionEditor name={name} initialJson={json} sopsSecrets={sopsSecrets} gitSecrets={gitSecrets} deleteInfo={deleteInfo} />;
}

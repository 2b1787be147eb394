import { notFound } from "next/navigation";
import { requireAdminPage } from "@/app/(dashboard)/admin/require-admin";
import { decryptionSecretNames, definitionEditorView } from "@/lib/server/views/admin-pages";
import { DefinitionEditor } from "@/components/admin/definition-editor";

export default async function EditDefinitionPage({ params }: { params: Promise<{ name: string }> }) {
  await requireAdminPage();
  const { name } = await params;
  const json = await definitionEditorView(name);
  if (json === null) notFound();
  return <DefinitionEditor name={name} initialJson={json} sopsSecrets={await decryptionSecretNames()} />;
}

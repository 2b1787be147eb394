import { notFound } from "next/navigation";
import { requireAdminPage } from "@/app/(dashboard)/admin/require-admin";
import { findDefinition, rowToDefinition } from "@/lib/server/data/definitions";
import { DefinitionEditor } from "@/components/admin/definition-editor";

export default async function EditDefinitionPage({ params }: { params: Promise<{ name: string }> }) {
  await requireAdminPage();
  const { name } = await params;
  const row = await findDefinition(name);
  if (!row) notFound();
  const def = rowToDefinition(row);
  return <DefinitionEditor name={name} initialJson={JSON.stringify(def, null, 2)} />;
}

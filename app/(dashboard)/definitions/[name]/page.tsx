import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { requirePagePrincipal } from "@/lib/server/auth/page-auth";
import { definitionPageView } from "@/lib/server/views/definition-page";
import { DefinitionView } from "@/components/definition/definition-view";

export default async function DefinitionPage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [me, { name }, sp] = await Promise.all([requirePagePrincipal(), params, searchParams]);
  const view = await definitionPageView(name, sp, (await headers()).get("host"));
  if (!view) notFound();
  return <DefinitionView {...view} role={me.role} />;
}

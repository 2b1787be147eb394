import { notFound } from "next/navigation";
import { requirePagePrincipal } from "@/lib/server/auth/page-auth";
import { comparePageView, compareSidesOf } from "@/lib/server/views/compare-page";
import { roleAtLeast } from "@/lib/api/roles";
import { CompareReview } from "@/components/compare/compare-review";
import { CompareError } from "@/components/compare/compare-error";

type Search = { from?: string | string[]; to?: string | string[]; pick?: string | string[]; mode?: string };

export default async function ComparePage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<Search> }) {
  const [me, { name }, sp] = await Promise.all([requirePagePrincipal(), params, searchParams]);
  const mode = sp.mode === "applied" ? "applied" : "desired";
  const sides = compareSidesOf(sp);
  if ("error" in sides) return <CompareError definition={name} message={sides.error} />;
  const view = await comparePageView(name, { ...sides, mode }, roleAtLeast(me.role, "operator"));
  if (!view) notFound();
  if (view.kind === "error") return <CompareError definition={name} message={view.message} />;
  return <CompareReview data={view.data} />;
}

import { route } from "@/lib/server/http/route";
import { explainSourceFiles } from "@/lib/server/services/source-files";

export const dynamic = "force-dynamic";

/** why a file is or is not read: include / exclude globs and .sourceignore files (issue 20) */
export const GET = route<{ name: string }>({ role: "viewer" }, ({ params, url }) => explainSourceFiles(params.name, url.searchParams.get("q") ?? ""));

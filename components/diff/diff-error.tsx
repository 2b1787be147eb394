import Link from "next/link";
import { Alert } from "@/components/ui/alert";

export function DiffError({ definition, message, revision }: { definition: string; message: string; revision: string | null }) {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">
        Diff of {definition}
        {revision ? ` at ${revision}` : ""}
      </h1>
      <Alert title="The plan could not be computed">{message}</Alert>
      <Link href={`/definitions/${encodeURIComponent(definition)}`} className="text-sky-700 underline dark:text-sky-300">
        Back to {definition}
      </Link>
    </div>
  );
}

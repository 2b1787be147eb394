import Link from "next/link";
import { Alert } from "@/components/ui/alert";

export function CompareError({ definition, message }: { definition: string; message: string }) {
  const base = `/definitions/${encodeURIComponent(definition)}`;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Compare history of {definition}</h1>
      <Alert title="The comparison could not be made">
        <span data-testid="compare-error">{message}</span>
      </Alert>
      <Link href={`${base}/runs`} className="text-sky-700 underline dark:text-sky-300">
        Back to the run history
      </Link>
    </div>
  );
}

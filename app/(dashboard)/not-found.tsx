import Link from "next/link";

export default function NotFound() {
  return (
    <div className="space-y-3 py-10 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">Not found</h1>
      <p className="text-slate-600 dark:text-slate-400">There is nothing here, or you do not have access to it.</p>
      <Link href="/" className="text-sky-700 underline dark:text-sky-300">
        Back to the definitions
      </Link>
    </div>
  );
}

/** Comparable history (issue 16): compare two points (compare.ts), the path-filtered commits (commits.ts). */
export { compareHistory, type CompareOptions } from "@/lib/server/services/history/compare";
export { listDefinitionCommits, DEFAULT_COMMITS_LIMIT, MAX_COMMITS_LIMIT } from "@/lib/server/services/history/commits";

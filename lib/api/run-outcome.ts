/** The run-problems rule (lib/engine/run-problems.ts), for client code and the CLI (which import only lib/api). */
export * from "@/lib/engine/run-problems";

/** Identifies this process as the owner of the runs it executes and the leases it holds (replicas tell each other apart by it). */
import "server-only";
import crypto from "node:crypto";
import os from "node:os";
import { processSingleton } from "@/lib/server/runtime/singletons";

export const PROCESS_ID: string = processSingleton("process-id", () => `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`);

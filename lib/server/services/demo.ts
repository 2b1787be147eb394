/**
 * The demo: on an empty store, build a real Git repository from examples/demo-repo (one commit
 * per numbered folder) and two definitions on it — staging automated, production manual.
 * Uses isomorphic-git so a fresh machine needs nothing but Node.
 */
import "server-only";
import fs from "node:fs";
import path from "node:path";
import git from "isomorphic-git";
import { countDefinitions } from "@/lib/server/data/definitions";
import { addDefinition } from "@/lib/server/services/definitions";
import { demoRepoDir } from "@/lib/server/services/local-repos";
import type { Principal } from "@/lib/server/auth/principal";

const author = { name: "Syncline Demo", email: "demo@syncline.local" };

function copyTree(from: string, to: string): string[] {
  const written: string[] = [];
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) {
      fs.mkdirSync(dst, { recursive: true });
      written.push(...copyTree(src, dst).map((p) => path.join(entry.name, p)));
    } else {
      fs.copyFileSync(src, dst);
      written.push(entry.name);
    }
  }
  return written;
}

/** Creates <dir> as a Git repo with the demo history; returns the head commit. */
export async function createDemoRepo(sourceDir: string, dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  await git.init({ fs, dir, defaultBranch: "main" });
  const steps = JSON.parse(fs.readFileSync(path.join(sourceDir, "commits.json"), "utf8")) as { dir: string; message: string }[];
  let head = "";
  let t = Math.floor(Date.UTC(2026, 9, 1) / 1000);
  for (const step of steps) {
    for (const file of copyTree(path.join(sourceDir, step.dir), dir)) await git.add({ fs, dir, filepath: file });
    t += 86_400;
    head = await git.commit({ fs, dir, message: step.message, author: { ...author, timestamp: t, timezoneOffset: 0 } });
  }
  return head;
}

export async function seedDemoIfEmpty(dataDir: string, admin: Principal): Promise<boolean> {
  if ((await countDefinitions()) > 0) return false;
  // the one local repository allowed while the demo is on (services/local-repos.ts)
  const repoDir = demoRepoDir(dataDir);
  if (!fs.existsSync(path.join(repoDir, ".git"))) {
    await createDemoRepo(path.join(process.cwd(), "examples", "demo-repo"), repoDir);
  }
  const base = {
    group: "example.io",
    version: "v1",
    names: { kind: "Deployment", plural: "deployments", singular: "deployment" },
    scope: "Namespaced",
    handler: { executorType: "deployment-controller", functionName: "reconcile" },
    // issue 14: judged from what the demo executor (services/demo-executor.ts) reports
    health: {
      inProgress: "self.status.?readyReplicas.orValue(0) < self.spec.replicas && !self.status.?failed.orValue(false)",
      failed: "self.status.?failed.orValue(false)",
      current: "self.status.?readyReplicas.orValue(0) == self.spec.replicas",
      progressDeadlineSeconds: 120,
      staleAfterSeconds: 60,
    },
    schema: {
      type: "object",
      required: ["image", "replicas"],
      properties: {
        image: { type: "string", minLength: 1 },
        replicas: { type: "integer", minimum: 0, maximum: 100 },
      },
    },
  };
  await addDefinition(
    {
      metadata: { name: "deployments-staging.example.io" },
      spec: {
        ...base,
        gitops: { repoURL: repoDir, branch: "main", path: "/staging", interval: 60 },
        syncPolicy: { automated: true, prune: true, selfHeal: true },
      },
    },
    admin,
  );
  await addDefinition(
    {
      metadata: { name: "deployments.example.io" },
      spec: { ...base, production: true, gitops: { repoURL: repoDir, branch: "main", path: "/production", interval: 300 } },
    },
    admin,
  );
  return true;
}

-- Issue 19 M1: a sync may apply a commit that is not on the definition's branch (an admin, or a
-- definition with spec.gitops.allowAnyRevision). The page and the API then say so instead of
-- "Synced"; decided when the commit is applied (lib/server/services/sync/revision-gate.ts).
ALTER TABLE "ResourceDefinition" ADD COLUMN "syncedOffBranch" BOOLEAN NOT NULL DEFAULT false;

-- Issue 21 (honest status): file problems kept on their run (the run's Errors box), the branch
-- head's message and how far the applied commit is behind it, and the cause of a Git failure.
ALTER TABLE "SyncRun" ADD COLUMN "fileProblems" JSONB NOT NULL DEFAULT '[]';
ALTER TABLE "ResourceDefinition" ADD COLUMN "headMessage" TEXT;
ALTER TABLE "ResourceDefinition" ADD COLUMN "headBehind" INTEGER;
ALTER TABLE "ResourceDefinition" ADD COLUMN "refreshErrorCode" TEXT;
ALTER TABLE "ResourceDefinition" ADD COLUMN "headCheckedAt" TIMESTAMP(3);

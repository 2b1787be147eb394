-- issue 14: the outcome of a sync that waited for health (waitForHealthy)
ALTER TABLE "SyncRun" ADD COLUMN "health" JSONB;

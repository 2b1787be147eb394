-- A sync stamps the definition once instead of every unchanged resource: rows that every sync
-- since their last write covered (followsDefinition) show the definition's stamps.
-- Existing rows keep their own stamps (followsDefinition = false) until a sync writes them.
ALTER TABLE "ResourceDefinition" ADD COLUMN "lastSyncTime" TIMESTAMP(3);
ALTER TABLE "Resource" ADD COLUMN "followsDefinition" BOOLEAN NOT NULL DEFAULT false;

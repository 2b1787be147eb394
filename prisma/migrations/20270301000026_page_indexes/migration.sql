-- Issue 17 (page figures): the pages' first page and counts read an index, not every row.
-- The resources table's default order (name, namespace, id) within a definition: the first 50 of
-- 10,000 rows without reading and sorting all of them.
CREATE INDEX "Resource_definitionId_name_namespace_id_idx" ON "Resource"("definitionId", "name", "namespace", "id");
-- A run's changes in the run page's order (namespace, name): the first page of 10,000 changes.
CREATE INDEX "SyncRunChange_runId_namespace_name_idx" ON "SyncRunChange"("runId", "namespace", "name");
-- Partial indexes (not expressible in schema.prisma): only the few rows they cover are read.
-- Drift: "Resource_drifted_idx" (migration 20270301000025_sync_drift_index) serves the overview's
-- and the definition page's drift counts too.
-- A run's changes with an error (the run page's Errors box and its count).
CREATE INDEX "SyncRunChange_errors_idx" ON "SyncRunChange"("runId", "namespace", "name") WHERE "error" IS NOT NULL;

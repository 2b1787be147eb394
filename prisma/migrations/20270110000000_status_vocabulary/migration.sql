-- Written by hand (CHECK constraints are not part of the Prisma schema).
-- The status vocabularies of lib/engine/vocabulary.ts, held by the database: a value outside
-- them is refused on write, whichever code path (Prisma or the raw bulk-write channel) sends it.
-- lib/server/data/data-layer.test.ts compares these lists with the engine's arrays.
-- Existing rows: every writer has only ever stored these values (typed by the engine), and
-- Resource.syncStatus is only a cached status (the next refresh recomputes it), so any stray
-- value there becomes Unknown rather than failing the start.
UPDATE "Resource" SET "syncStatus" = 'Unknown'
  WHERE "syncStatus" NOT IN ('Synced', 'OutOfSync', 'Orphaned', 'Error', 'Unknown');

ALTER TABLE "Resource" ADD CONSTRAINT "Resource_syncStatus_check"
  CHECK ("syncStatus" IN ('Synced', 'OutOfSync', 'Orphaned', 'Error', 'Unknown'));

ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_phase_check"
  CHECK ("phase" IN ('Pending', 'Running', 'Succeeded', 'Failed', 'Interrupted'));

ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_trigger_check"
  CHECK ("trigger" IN ('manual', 'auto', 'webhook', 'rollback', 'api', 'cli'));

ALTER TABLE "SyncRunChange" ADD CONSTRAINT "SyncRunChange_action_check"
  CHECK ("action" IN ('create', 'update', 'delete', 'unchanged', 'invalid', 'skipped'));

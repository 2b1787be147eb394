-- Issue 14: health. Executors write "status" (the status subresource); the definition's CEL
-- rules ("ResourceDefinition"."health") turn it into a health stored on the resource.
ALTER TABLE "ResourceDefinition" ADD COLUMN "health" JSONB;

ALTER TABLE "Resource" ADD COLUMN "status" JSONB;
ALTER TABLE "Resource" ADD COLUMN "observedGeneration" INTEGER;
ALTER TABLE "Resource" ADD COLUMN "statusUpdatedAt" TIMESTAMP(3);
ALTER TABLE "Resource" ADD COLUMN "specChangedAt" TIMESTAMP(3) NOT NULL DEFAULT (now() AT TIME ZONE 'UTC');
ALTER TABLE "Resource" ADD COLUMN "health" TEXT;
ALTER TABLE "Resource" ADD COLUMN "healthMessage" TEXT;
ALTER TABLE "Resource" ADD COLUMN "healthTransitionTime" TIMESTAMP(3);
-- when health must be (re)computed: a spec change (now), a progress deadline or a stale timer.
-- Stored, so timers survive restarts; the sweeper claims due rows under a lease (one replica).
ALTER TABLE "Resource" ADD COLUMN "healthDueAt" TIMESTAMP(3);

ALTER TABLE "Resource" ADD CONSTRAINT "Resource_health_check"
  CHECK ("health" IS NULL OR "health" IN ('Healthy', 'Progressing', 'Degraded', 'Unknown', 'Missing', 'Suspended'));

CREATE INDEX "Resource_healthDueAt_idx" ON "Resource"("healthDueAt");
CREATE INDEX "Resource_definitionId_health_idx" ON "Resource"("definitionId", "health");

-- Every write path (the API, a sync's bulk writes) that changes the content stamps the spec
-- change and makes health due now: one rule in the store instead of one per writer.
CREATE OR REPLACE FUNCTION "resource_spec_changed"() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW."liveSpecHash" IS DISTINCT FROM OLD."liveSpecHash" THEN
    NEW."specChangedAt" := (now() AT TIME ZONE 'UTC');
    -- only where the definition has health rules: without them health is not assessed
    IF EXISTS (SELECT 1 FROM "ResourceDefinition" d WHERE d."id" = NEW."definitionId" AND d."health" IS NOT NULL) THEN
      NEW."healthDueAt" := (now() AT TIME ZONE 'UTC');
    END IF;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Resource_spec_changed" BEFORE INSERT OR UPDATE OF "liveSpecHash" ON "Resource"
  FOR EACH ROW EXECUTE FUNCTION "resource_spec_changed"();

-- Health transitions per resource (the last 50 are kept).
CREATE TABLE "ResourceHealthTransition" (
  "id" TEXT NOT NULL,
  "resourceId" TEXT NOT NULL,
  "from" TEXT,
  "to" TEXT NOT NULL,
  "message" TEXT NOT NULL DEFAULT '',
  "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "ResourceHealthTransition_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ResourceHealthTransition_resourceId_at_idx" ON "ResourceHealthTransition"("resourceId", "at");
ALTER TABLE "ResourceHealthTransition" ADD CONSTRAINT "ResourceHealthTransition_resourceId_fkey"
  FOREIGN KEY ("resourceId") REFERENCES "Resource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

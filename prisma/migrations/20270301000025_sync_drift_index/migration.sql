-- Issue 17: a re-sync with nothing changed asks "did anything drift?" (data/sync-status.ts
-- countDrifted). Without an index that is a scan of every resource row of the definition
-- (10,000 rows: 20–70 ms on the embedded store); drifted rows are few, so a partial index on
-- exactly the drift predicate answers it from an (almost) empty index.
CREATE INDEX "Resource_drifted_idx" ON "Resource"("definitionId")
  WHERE "appliedSpecHash" IS NOT NULL AND "appliedSpecHash" <> "liveSpecHash";

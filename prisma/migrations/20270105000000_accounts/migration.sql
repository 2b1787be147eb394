-- Accounts hardening (issue 19 M2, M4, L1, L8, L10).

-- M4: actors and initiators by id, not only by name (a name can change).
ALTER TABLE "AuditEvent" ADD COLUMN "actorId" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "tokenId" TEXT;
CREATE INDEX "AuditEvent_actorId_idx" ON "AuditEvent"("actorId");
ALTER TABLE "SyncRun" ADD COLUMN "initiatorId" TEXT;
ALTER TABLE "SyncRun" ADD COLUMN "initiatorTokenId" TEXT;
-- Past rows: the id of the user who then had that name, where one still does.
UPDATE "AuditEvent" a SET "actorId" = u."id" FROM "user" u WHERE a."actorType" = 'user' AND u."username" = a."actor";
UPDATE "AuditEvent" a SET "actorId" = u."id" FROM "user" u WHERE a."actorType" = 'token' AND a."actor" = u."username" || ' (token)';
UPDATE "SyncRun" r SET "initiatorId" = u."id" FROM "user" u WHERE r."initiator" <> 'system' AND u."username" = r."initiator";

-- L1: every API token expires. Existing tokens get 90 days from their creation, but at least
-- 30 days from this upgrade, so scripts do not break on the day of the upgrade.
ALTER TABLE "ApiToken" ADD COLUMN "expiresAt" TIMESTAMP(3);
UPDATE "ApiToken" SET "expiresAt" = GREATEST("createdAt" + INTERVAL '90 days', CURRENT_TIMESTAMP + INTERVAL '30 days');
ALTER TABLE "ApiToken" ALTER COLUMN "expiresAt" SET NOT NULL;

-- L10: disabled accounts.
ALTER TABLE "user" ADD COLUMN "disabledAt" TIMESTAMP(3);

-- M2: failed password checks, shared by every replica.
CREATE TABLE "LoginThrottle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "lastFailureAt" TIMESTAMP(3) NOT NULL,
    "lockedUntil" TIMESTAMP(3),
    CONSTRAINT "LoginThrottle_pkey" PRIMARY KEY ("key")
);

-- L8: session tokens at rest as SHA-256 hashes. Existing sessions are hashed in place, so the
-- cookies browsers hold keep working (the server hashes the presented token to look it up).
UPDATE "session" SET "token" = encode(sha256(convert_to("token", 'UTF8')), 'hex') WHERE "token" !~ '^[0-9a-f]{64}$';

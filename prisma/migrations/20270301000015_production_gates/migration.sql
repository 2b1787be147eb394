-- Issue 15: production gates (sync windows and approvals).
ALTER TABLE "ResourceDefinition" ADD COLUMN "syncWindows" JSONB;
ALTER TABLE "ResourceDefinition" ADD COLUMN "approval" JSONB;
ALTER TABLE "SyncRun" ADD COLUMN "approvalRequestId" TEXT;

CREATE TABLE "SyncWindow" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "schedule" TEXT NOT NULL,
    "duration" TEXT NOT NULL,
    "timeZone" TEXT,
    "manualSync" BOOLEAN NOT NULL DEFAULT false,
    "reason" TEXT,
    "match" JSONB NOT NULL DEFAULT '{}',
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SyncWindow_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "SyncWindow_kind_check" CHECK ("kind" IN ('allow', 'deny'))
);

CREATE TABLE "ApprovalRequest" (
    "id" TEXT NOT NULL,
    "definitionId" TEXT NOT NULL,
    "definitionName" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'Pending',
    "commit" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "planHash" TEXT NOT NULL,
    "plan" JSONB NOT NULL,
    "required" INTEGER NOT NULL,
    "prune" BOOLEAN NOT NULL DEFAULT false,
    "trigger" TEXT NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "requestedById" TEXT,
    "reason" TEXT,
    "runId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "decidedAt" TIMESTAMP(3),
    CONSTRAINT "ApprovalRequest_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ApprovalRequest_state_check" CHECK ("state" IN ('Pending', 'Approved', 'Applying', 'Applied', 'Rejected', 'Stale', 'Expired', 'Superseded', 'Failed')),
    CONSTRAINT "ApprovalRequest_required_check" CHECK ("required" BETWEEN 1 AND 5)
);
CREATE INDEX "ApprovalRequest_definitionId_createdAt_idx" ON "ApprovalRequest"("definitionId", "createdAt");
CREATE INDEX "ApprovalRequest_state_idx" ON "ApprovalRequest"("state");
ALTER TABLE "ApprovalRequest" ADD CONSTRAINT "ApprovalRequest_definitionId_fkey" FOREIGN KEY ("definitionId") REFERENCES "ResourceDefinition"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "ApprovalVote" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "comment" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ApprovalVote_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ApprovalVote_decision_check" CHECK ("decision" IN ('approve', 'reject'))
);
CREATE UNIQUE INDEX "ApprovalVote_requestId_userId_key" ON "ApprovalVote"("requestId", "userId");
ALTER TABLE "ApprovalVote" ADD CONSTRAINT "ApprovalVote_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "ApprovalRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Issue 12: SSH repositories. Syncline's trusted SSH host keys (admin list, audited); a fetch over
-- SSH accepts a server only when its key is here or in the git-ssh secret's knownHosts.
CREATE TABLE "SshKnownHost" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL DEFAULT 22,
    "keyType" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "addedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SshKnownHost_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "SshKnownHost_port_check" CHECK ("port" BETWEEN 1 AND 65535),
    CONSTRAINT "SshKnownHost_host_check" CHECK ("host" <> '' AND "host" = lower("host") AND left("host", 1) <> '-')
);
CREATE UNIQUE INDEX "SshKnownHost_host_port_key_key" ON "SshKnownHost"("host", "port", "key");

-- Issue 13: SOPS-decrypted values. Resource.spec holds masks at the decrypted paths; the
-- cleartext lives only in "sealedValues", sealed with the secret box (AES-256-GCM, "v1:iv:tag:body").
ALTER TABLE "Resource" ADD COLUMN "sopsPaths" JSONB;
ALTER TABLE "Resource" ADD COLUMN "sealedValues" TEXT;

-- Only a sealed envelope may be stored there, never a cleartext value.
ALTER TABLE "Resource" ADD CONSTRAINT "Resource_sealedValues_check"
  CHECK ("sealedValues" IS NULL OR "sealedValues" LIKE 'v1:%');

-- The executor role (API tokens only): the roles a token may carry.
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_role_check"
  CHECK ("role" IN ('viewer', 'executor', 'operator', 'admin'));

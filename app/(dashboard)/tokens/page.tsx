import { requirePagePrincipal } from "@/lib/server/auth/page-auth";
import { listApiTokens } from "@/lib/server/services/api-tokens";
import { TokensView } from "@/components/tokens-view";

export default async function TokensPage() {
  const me = await requirePagePrincipal();
  const tokens = await listApiTokens(me);
  const now = new Date();
  return (
    <TokensView
      role={me.role}
      tokens={tokens.map((t) => ({
        id: t.id,
        name: t.name,
        prefix: t.prefix,
        role: t.role,
        owner: t.user.username ?? "",
        createdAt: t.createdAt.toISOString(),
        lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
        expiresAt: t.expiresAt.toISOString(),
        expired: t.expiresAt <= now,
        revoked: t.revokedAt !== null,
      }))}
    />
  );
}

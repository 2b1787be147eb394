/** Notification channels for the API: validate, store the URL encrypted, answer with the redacted hint only. */
import "server-only";
import { z } from "zod";
import { encryptSecret } from "@/lib/server/crypto/secret-box";
import { createChannel, deleteChannel, getChannels, getDeliveries } from "@/lib/server/data/notifications";
import { findDefinition } from "@/lib/server/data/definitions";
import { isUniqueViolation } from "@/lib/server/data/errors";
import { AppError, notFound } from "@/lib/server/errors";
import { audit } from "@/lib/server/services/audit";
import type { Principal } from "@/lib/server/auth/principal";
import { notificationEvents } from "@/lib/server/notifications/notify";
import { checkNotificationUrl, redactNotificationUrl } from "@/lib/server/notifications/url";

export const channelInputSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/, "name: lowercase letters, digits, '.' and '-'"),
  kind: z.enum(["generic", "slack"]).default("generic"),
  url: z.string().max(2048),
  definition: z.string().max(253).nullable().optional(),
  events: z
    .array(z.enum(notificationEvents))
    .min(1)
    .default([...notificationEvents]),
});

export interface ChannelView {
  id: string;
  name: string;
  kind: string;
  url: string;
  definition: string | null;
  events: string[];
  enabled: boolean;
  createdAt: string;
}

function view(r: Awaited<ReturnType<typeof getChannels>>[number]): ChannelView {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    url: r.urlHint,
    definition: r.definition,
    events: r.events as string[],
    enabled: r.enabled,
    createdAt: r.createdAt.toISOString(),
  };
}

export async function addChannel(input: unknown, who: Principal): Promise<ChannelView> {
  const parsed = channelInputSchema.safeParse(input);
  if (!parsed.success) {
    // never echo the URL: it may carry a token
    const details = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.path[0] === "url" ? "invalid url" : i.message }));
    throw new AppError("VALIDATION_FAILED", `invalid notification channel: ${details.map((d) => d.path || "(root)").join(", ")}`, details);
  }
  const c = parsed.data;
  const bad = checkNotificationUrl(c.url);
  if (bad) throw new AppError("VALIDATION_FAILED", bad, [{ path: "url", message: bad }]);
  if (c.definition && !(await findDefinition(c.definition))) throw notFound(`definition ${c.definition}`);
  try {
    const row = await createChannel({
      name: c.name,
      kind: c.kind,
      urlCiphertext: encryptSecret(c.url),
      urlHint: redactNotificationUrl(c.url),
      definition: c.definition ?? null,
      events: c.events,
    });
    await audit(who, "notification.create", c.name, "ok", { kind: c.kind, definition: c.definition ?? null, events: c.events, url: row.urlHint });
    return view(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("CONFLICT", `notification channel ${c.name} already exists`);
    throw err;
  }
}

export async function listChannels(): Promise<ChannelView[]> {
  return (await getChannels()).map(view);
}

export async function removeChannel(id: string, who: Principal): Promise<void> {
  if (!(await deleteChannel(id))) throw notFound(`notification channel ${id}`);
  await audit(who, "notification.delete", id);
}

export async function listDeliveries(channelId?: string) {
  return getDeliveries({ channelId, limit: 100 });
}

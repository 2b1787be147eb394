/**
 * The channel live events travel on between replicas. On PostgreSQL: `pg_notify` on one
 * channel, and one dedicated LISTEN connection per process (reconnected with backoff when it
 * drops). On the embedded store there is one process, so the channel is a loopback. Payloads
 * are small signals (ids, counts, statuses), never documents: the receiver loads what it needs.
 */
import "server-only";
import { getEnv } from "@/lib/env";
import { getDbKind, getRawSql } from "@/lib/server/db";

export const LIVE_CHANNEL = "syncline_live";
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more */
export const LIVE_PAYLOAD_MAX_BYTES = 7_500;

export interface LiveChannel {
  kind: "loopback" | "postgres";
  /** sends a payload to every process (this one included) */
  send(payload: string): Promise<void>;
  close(): Promise<void>;
}

export async function openLiveChannel(onMessage: (payload: string) => void, onState?: (connected: boolean) => void): Promise<LiveChannel> {
  if ((await getDbKind()) !== "postgres") {
    return {
      kind: "loopback",
      send: async (payload) => queueMicrotask(() => onMessage(payload)),
      close: async () => undefined,
    };
  }
  const pg = (await import("pg")).default;
  const url = getEnv().DATABASE_URL!;
  let client: InstanceType<typeof pg.Client> | null = null;
  let closed = false;
  let backoff = 250;
  const connect = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client({ connectionString: url, application_name: "syncline-live" });
    c.on("notification", (n) => {
      if (n.channel === LIVE_CHANNEL && n.payload) onMessage(n.payload);
    });
    const retry = () => {
      if (client === c) client = null;
      onState?.(false);
      c.end().catch(() => undefined);
      if (!closed) setTimeout(() => void connect(), backoff).unref();
      backoff = Math.min(backoff * 2, 10_000);
    };
    c.on("error", retry);
    try {
      await c.connect();
      await c.query(`LISTEN ${LIVE_CHANNEL}`);
      client = c;
      backoff = 250;
      onState?.(true);
    } catch {
      retry();
    }
  };
  await connect();
  return {
    kind: "postgres",
    // NOTIFY through the pool (the listening connection only listens)
    send: async (payload) => void (await (await getRawSql()).query("SELECT pg_notify($1, $2)", [LIVE_CHANNEL, payload])),
    close: async () => {
      closed = true;
      await client?.end().catch(() => undefined);
    },
  };
}

import { route } from "@/lib/server/http/route";
import { openEventStream } from "@/lib/server/live/stream";

export const dynamic = "force-dynamic";

/** Server-Sent Events: run.started, run.progress, run.finished, definition.status, resource.changed (lib/api/live-events.ts). */
export const GET = route({ role: "viewer" }, ({ req, principal, url }) =>
  openEventStream({
    principal,
    headers: req.headers,
    definition: url.searchParams.get("definition") || null,
    lastEventId: req.headers.get("last-event-id") ?? url.searchParams.get("lastEventId"),
    signal: req.signal,
  }),
);

/**
 * A Server-Sent Events reader for tests and the bench: fetch + a line parser (what EventSource
 * does, with headers). Keeps every event and comment with the time it arrived.
 */
export interface SseEvent {
  id: string;
  type: string;
  data: unknown;
  raw: string;
  receivedAt: number;
}

export interface SseStream {
  status: number;
  headers: Headers;
  events: SseEvent[];
  comments: string[];
  /** the id last set by the server (an `id:` line, with or without an event) */
  lastId(): string;
  /** everything received so far, as text */
  text(): string;
  /** resolves when the server ends the stream */
  ended: Promise<void>;
  isEnded(): boolean;
  next(match: (e: SseEvent) => boolean, timeoutMs?: number, what?: string): Promise<SseEvent>;
  close(): void;
  /** the error body when the server refused the stream */
  errorBody?: unknown;
}

export async function openSse(url: string, headers: Record<string, string> = {}, opts: { keepText?: boolean } = {}): Promise<SseStream> {
  const ac = new AbortController();
  const r = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: ac.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  let all = "";
  let lastId = "";
  let ended = false;
  const stream: SseStream = {
    status: r.status,
    headers: r.headers,
    events,
    comments,
    lastId: () => lastId,
    text: () => all,
    ended: Promise.resolve(),
    isEnded: () => ended,
    close: () => ac.abort(),
    next: (match, timeoutMs = 15_000, what = "an event") =>
      new Promise<SseEvent>((resolve, reject) => {
        let seen = 0;
        const check = () => {
          for (; seen < events.length; seen++) {
            if (match(events[seen]!)) {
              cleanup();
              return resolve(events[seen]!);
            }
          }
          if (ended) {
            cleanup();
            reject(new Error(`stream ended before ${what}; got: ${events.map((e) => e.type).join(", ")}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got: ${events.map((e) => e.type).join(", ")}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
  };
  if (r.status !== 200 || !r.body) {
    stream.errorBody = await r.json().catch(() => null);
    ended = true;
    return stream;
  }
  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  stream.ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (opts.keepText !== false) all += value;
        buf += value;
        let i: number;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let type = "message";
          let id: string | null = null;
          const data: string[] = [];
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) comments.push(line.slice(1).trim());
            else if (line.startsWith("event:")) type = line.slice(6).trim();
            else if (line.startsWith("id:")) id = line.slice(3).trim();
            else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
          }
          if (id !== null) lastId = id;
          if (data.length > 0) {
            const text = data.join("\n");
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              /* not JSON */
            }
            events.push({ id: id ?? lastId, type, data: parsed, raw: text, receivedAt: Date.now() });
          }
        }
        for (const w of [...waiters]) w();
      }
    } catch {
      /* aborted */
    } finally {
      ended = true;
      for (const w of [...waiters]) w();
    }
  })();
  return stream;
}

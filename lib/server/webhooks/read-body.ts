/**
 * Reads a request body up to a byte cap without buffering more: a declared Content-Length
 * over the cap is refused before reading anything, and a streamed (chunked) body is counted
 * as it arrives and abandoned at the first byte over the cap.
 */
export type CappedBody = { ok: true; bytes: Buffer } | { ok: false; reason: "too-large" };

export async function readCappedBody(req: Request, maxBytes: number): Promise<CappedBody> {
  const declared = req.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    await req.body?.cancel().catch(() => undefined);
    return { ok: false, reason: "too-large" };
  }
  if (!req.body) return { ok: true, bytes: Buffer.alloc(0) };
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, reason: "too-large" };
    }
    parts.push(value);
  }
  return { ok: true, bytes: Buffer.concat(parts) };
}

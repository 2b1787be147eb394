/**
 * Session tokens at rest as SHA-256 hashes (issue 19 L8). better-auth 1.7 stores the session
 * token verbatim in `session.token` and has no option to hash it, so a copy of the database (a
 * backup, the PGlite WAL) held every live session. This wraps the database adapter better-auth
 * is given: the `token` column keeps sha256(token) in hex, every lookup by token hashes the
 * presented value first, and rows found by a token carry that token again (better-auth refreshes
 * and compares sessions by it). A token is 32 random alphanumerics (~190 bits), so a plain
 * SHA-256 is enough; a slow hash would only cost time on every request.
 *
 * Rows listed without a token (a user's sessions) carry the hash. A hash is accepted back only
 * to DELETE a row (better-auth's "revoke other sessions" deletes what it listed); a lookup never
 * matches a hash, so a hash read from the database cannot be presented as a cookie.
 */
import "server-only";
import crypto from "node:crypto";
import type { BetterAuthOptions } from "better-auth";
import type { DBAdapter, Where } from "@better-auth/core/db/adapter";

type Adapter = DBAdapter;
type AdapterFactory = (options: BetterAuthOptions) => Adapter;

const HASHED = /^[0-9a-f]{64}$/;

export function hashSessionToken(token: string): string {
  return crypto.createHash("sha256").update(token, "utf8").digest("hex");
}

type Mode = "lookup" | "delete";

/** The where clause with token values hashed, and hash → presented token for restoring rows. */
function hashWhere(where: Where[] | undefined, mode: Mode): { where: Where[] | undefined; presented: Map<string, string> } {
  const presented = new Map<string, string>();
  if (!where) return { where, presented };
  const one = (v: unknown): unknown => {
    if (typeof v !== "string") return v;
    if (mode === "delete" && HASHED.test(v)) return v;
    const h = hashSessionToken(v);
    presented.set(h, v);
    return h;
  };
  return {
    presented,
    where: where.map((w) => (w.field === "token" ? { ...w, value: (Array.isArray(w.value) ? w.value.map(one) : one(w.value)) as Where["value"] } : w)),
  };
}

function restore<T>(row: T, presented: Map<string, string>): T {
  if (!row || typeof row !== "object") return row;
  const token = (row as { token?: unknown }).token;
  if (typeof token === "string" && presented.has(token)) return { ...row, token: presented.get(token) };
  return row;
}

function hashUpdate(update: Record<string, unknown>): Record<string, unknown> {
  return typeof update.token === "string" ? { ...update, token: hashSessionToken(update.token) } : update;
}

function wrap<A extends Omit<Adapter, "transaction">>(a: A): A {
  const isSession = (model: string) => model === "session";
  return {
    ...a,
    create: async (data) => {
      if (!isSession(data.model)) return a.create(data);
      const raw = (data.data as { token?: unknown }).token;
      if (typeof raw !== "string") return a.create(data);
      const row = await a.create({ ...data, data: { ...data.data, token: hashSessionToken(raw) } });
      return restore(row, new Map([[hashSessionToken(raw), raw]]));
    },
    findOne: async (data) => {
      if (!isSession(data.model)) return a.findOne(data);
      const { where, presented } = hashWhere(data.where, "lookup");
      return restore(await a.findOne({ ...data, where: where! }), presented);
    },
    findMany: async (data) => {
      if (!isSession(data.model)) return a.findMany(data);
      const { where, presented } = hashWhere(data.where, "lookup");
      return (await a.findMany({ ...data, where })).map((r) => restore(r, presented));
    },
    count: async (data) => (isSession(data.model) ? a.count({ ...data, where: hashWhere(data.where, "lookup").where }) : a.count(data)),
    update: async (data) => {
      if (!isSession(data.model)) return a.update(data);
      const { where, presented } = hashWhere(data.where, "lookup");
      return restore(await a.update({ ...data, where: where!, update: hashUpdate(data.update) }), presented);
    },
    updateMany: async (data) =>
      isSession(data.model) ? a.updateMany({ ...data, where: hashWhere(data.where, "lookup").where!, update: hashUpdate(data.update) }) : a.updateMany(data),
    delete: async (data) => (isSession(data.model) ? a.delete({ ...data, where: hashWhere(data.where, "delete").where! }) : a.delete(data)),
    deleteMany: async (data) => (isSession(data.model) ? a.deleteMany({ ...data, where: hashWhere(data.where, "delete").where! }) : a.deleteMany(data)),
    consumeOne: async (data) => {
      if (!isSession(data.model)) return a.consumeOne(data);
      const { where, presented } = hashWhere(data.where, "lookup");
      return restore(await a.consumeOne({ ...data, where: where! }), presented);
    },
    incrementOne: async (data) => {
      if (!isSession(data.model)) return a.incrementOne(data);
      const { where, presented } = hashWhere(data.where, "lookup");
      return restore(await a.incrementOne({ ...data, where: where!, ...(data.set ? { set: hashUpdate(data.set) } : {}) }), presented);
    },
  };
}

/** The adapter factory better-auth is given, with session tokens hashed at rest. */
export function withHashedSessionTokens<F extends AdapterFactory>(factory: F): F {
  return ((options) => {
    const inner = factory(options);
    const outer = wrap(inner) as Adapter;
    outer.transaction = (cb) => inner.transaction((trx) => cb(wrap(trx)));
    return outer;
  }) as F;
}

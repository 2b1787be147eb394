/**
 * The embedded engine's own memory: a bare Node process that creates a PGlite store (as the
 * benchmark's sync process does), runs one query and prints its RSS as JSON. Lets the
 * benchmark show how much of the sync process's RSS is the engine before Syncline loads.
 *
 *   node bench/pglite-alone.mjs <empty dir>
 */
import { PGlite } from "@electric-sql/pglite";

const dir = process.argv[2];
if (!dir) throw new Error("usage: node bench/pglite-alone.mjs <empty dir>");
const pg = new PGlite(dir);
await pg.waitReady;
const { rows } = await pg.query("SELECT current_setting('shared_buffers') AS sb");
const mib = (bytes) => Math.round(bytes / 1048576);
console.log(
  JSON.stringify({
    rssMiB: mib(process.memoryUsage().rss),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    sharedBuffers: rows[0].sb,
  }),
);
await pg.close();

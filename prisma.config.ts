// Prisma CLI config. engine "js" keeps the CLI offline (no native schema-engine download);
// the CLI talks to an in-memory PGlite, which is all `generate` and `migrate diff` need.
// Migrations are applied at runtime by lib/server/migrate.ts, for PGlite and PostgreSQL alike.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";

// The schema's datasource needs a URL to parse; queries always go through a driver adapter.
process.env.DATABASE_URL ??= "postgresql://unused@localhost/unused";

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new PrismaPGlite(new PGlite()),
});

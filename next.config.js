// Security headers on every answer (lib/security-headers.mjs; the status fast path sends them too).
import { securityHeaders } from "./lib/security-headers.mjs";

/** @type {import('next').NextConfig} */
const nextConfig = {
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
  // PGlite ships Wasm + data files that break when bundled; load them from node_modules (ssh2: an optional native addon).
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@prisma/client", "@prisma/adapter-pg", "isomorphic-git", "pino", "pg", "ssh2"],
  // Parallel work (several developers or agents on one checkout) can build into separate dirs.
  distDir: process.env.SYNCLINE_DIST_DIR ?? ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
  // `npm test` runs tsc and ESLint over everything (tests included); the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
  ...(process.env.SYNCLINE_NO_MINIFY ? { experimental: { serverMinification: false } } : {}),
};
export default nextConfig;

/**
 * Security headers on every answer, pages and API alike (issue 19 L3: a same-site page framed a
 * signed-in dashboard with its Sync and Rollback buttons). The CSP is what the app needs and no
 * more: Next's inline bootstrap scripts (no nonces: pages are cached), Monaco's inline styles and
 * its web workers (bundled, loaded from our origin; blob: for Monaco's fallback), data: fonts and
 * images. `next dev` also needs eval for its refresh runtime.
 */
const dev = process.env.NODE_ENV !== "production";
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self' blob:",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");
const securityHeaders = [
  { key: "Content-Security-Policy", value: contentSecurityPolicy },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
];

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

/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships Wasm + data files that break when bundled; load them from node_modules.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@prisma/client",
    "@prisma/adapter-pg",
    "isomorphic-git",
    "pino",
    "pg",
  ],
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
};
export default nextConfig;

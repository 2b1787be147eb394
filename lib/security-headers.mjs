/**
 * Security headers on every answer, pages and API alike (issue 19 L3: a same-site page framed a
 * signed-in dashboard with its Sync and Rollback buttons). The CSP is what the app needs and no
 * more: Next's inline bootstrap scripts (no nonces: pages are cached), Monaco's inline styles and
 * its web workers (bundled, loaded from our origin; blob: for Monaco's fallback), data: fonts and
 * images. `next dev` also needs eval for its refresh runtime.
 *
 * Plain JavaScript because next.config.js reads it; the status fast path
 * (lib/server/http/status-fast-path.ts), which answers outside Next, sends the same list.
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

/** @type {{ key: string, value: string }[]} */
export const securityHeaders = [
  { key: "Content-Security-Policy", value: contentSecurityPolicy },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
];

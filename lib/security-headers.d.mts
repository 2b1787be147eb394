/** Types of security-headers.mjs (plain JavaScript: next.config.js reads it). */
export declare const securityHeaders: { key: string; value: string }[];

// Lint = Next's rules + the boundaries that keep the architecture honest (see ARCHITECTURE.md).
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const prismaOnlyInData = {
  group: ["@prisma/client", "@prisma/*", "@/lib/server/db"],
  message: "Prisma is used only in lib/server/db.ts and lib/server/data/ (query functions). Call a data function instead.",
};

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: [".next/**", ".next-*/**", ".tmp/**", "coverage/**", "node_modules/**", "data/**", "next-env.d.ts", "test-results/**", "playwright-report/**", "bin/**"] },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Engine purity: plain data in, plain data out.
    files: ["lib/engine/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["next", "next/*", "react", "react-dom", "@prisma/*", "isomorphic-git", "isomorphic-git/*", "fs", "node:fs", "fs/*", "node:fs/*", "@/lib/server/*", "@/lib/client/*", "@/components/*", "pg", "@electric-sql/*"], message: "lib/engine is pure: no framework, database, git or filesystem imports." },
          ],
        },
      ],
    },
  },
  {
    // Prisma stays behind the data layer.
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "lib/server/services/**/*.ts", "lib/server/git/**/*.ts", "lib/server/auth/**/*.ts", "lib/server/http/**/*.ts", "lib/server/actions/**/*.ts", "lib/server/scheduler/**/*.ts", "lib/client/**/*.ts", "cli/**/*.ts"],
    // better-auth.ts hands the Prisma client to the auth library's adapter; healthz pings the store.
    ignores: ["lib/server/services/**/*.test.ts", "app/api/healthz/route.ts", "lib/server/auth/better-auth.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [prismaOnlyInData] }] },
  },
  {
    // Client code never reaches into the server.
    files: ["components/**/*.tsx", "lib/client/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [prismaOnlyInData, { group: ["@/lib/server/db", "@/lib/server/data/*"], message: "Components get data from pages (server) or react-query hooks." }] }],
    },
  },
  {
    // The CLI is an HTTP client of /api/v1; it never opens the store.
    files: ["cli/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [prismaOnlyInData, { group: ["@/lib/server/*", "@/app/*"], message: "The CLI talks to the server over HTTP only." }] }],
    },
  },
];

export default config;

// Lint = Next's rules + the boundaries that keep the architecture honest (see ARCHITECTURE.md,
// "Folders and their rules").
//
// `no-restricted-imports` takes one option list per file: when two blocks below match the same
// file, the later block's list replaces the earlier one (flat config does not merge rule options).
// So every block lists all the restrictions for its folder (`prismaClient` included), and the
// blocks go from general to specific.
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const prismaClient = {
  group: ["@prisma/*", ".prisma/*"],
  message: "Prisma is used only in lib/server/db.ts and lib/server/data/ (one function per query). Call a data function instead.",
};
const dbHandle = {
  group: ["@/lib/server/db"],
  message: "The Prisma handle stays in lib/server/data/. Call a data function instead.",
};
const serverCode = {
  group: ["@/lib/server/*"],
  message:
    "Client code never reaches into the server: use lib/actions (server actions), lib/client (react-query hooks), lib/api (wire types) or props from the page.",
};
const appRoutes = {
  group: ["@/app/*"],
  message: "app/ holds routes only. Server actions live in lib/actions, read models in lib/server/views, shared UI in components/.",
};

const restrict = (...patterns) => ({ "no-restricted-imports": ["error", { patterns }] });

const tests = ["**/*.test.ts", "**/*.test.tsx", "test/**", "e2e/**", "bench/**"];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      ".next-*/**",
      ".tmp/**",
      "coverage/**",
      "node_modules/**",
      "data/**",
      "next-env.d.ts",
      "test-results/**",
      "playwright-report/**",
      "bin/**",
      "cli/dist/**",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // No import cycles in the product code: a cycle means two modules own each other's
    // decisions (and module-level state can be read before it is initialised). `import type`
    // is ignored (it is erased at build time). The "@/..." alias resolves through
    // eslint-import-resolver-typescript, set up by eslint-config-next.
    files: ["lib/**/*.{ts,tsx}", "app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "cli/**/*.ts"],
    settings: { "import/ignore": ["node_modules"] },
    rules: { "import/no-cycle": ["error", { ignoreExternal: true }] },
  },
  {
    // Prisma stays behind the data layer, everywhere (tests, bench and scripts included).
    files: ["**/*.{ts,tsx,mts,mjs,js}"],
    ignores: ["lib/server/db.ts", "lib/server/data/**"],
    rules: restrict(prismaClient),
  },
  {
    // Server code reaches the store through data functions, not the Prisma handle.
    // bootstrap.ts opens and migrates the store at start (getDb, getDbKind): no query.
    files: ["lib/server/**/*.{ts,tsx}"],
    ignores: ["lib/server/db.ts", "lib/server/data/**", "lib/server/bootstrap.ts", ...tests],
    rules: restrict(prismaClient, dbHandle),
  },
  {
    // Routes call services, actions and views; query functions are not theirs to call.
    files: ["app/**/*.{ts,tsx}"],
    rules: restrict(prismaClient, dbHandle, {
      group: ["@/lib/server/data/*"],
      message: "app/ does not call query functions: use a service or a view in lib/server/views.",
    }),
  },
  {
    // Components import lib/actions, lib/client, lib/api, engine types and components only.
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      ...restrict(prismaClient, serverCode, appRoutes),
      // A second rule name, so its options do not replace the list above.
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/lib/engine/*"],
              allowTypeImports: true,
              message: "Components take engine types only (import type); the engine's code (ajv, YAML, RE2) stays out of the browser bundle.",
            },
          ],
        },
      ],
    },
  },
  {
    // Client code never reaches into the server.
    files: ["lib/client/**/*.{ts,tsx}"],
    rules: restrict(prismaClient, serverCode, appRoutes),
  },
  {
    // The CLI is an HTTP client of /api/v1; it never opens the store.
    files: ["cli/**/*.ts"],
    rules: restrict(prismaClient, {
      group: ["@/lib/server/*", "@/app/*"],
      message: "The CLI talks to the server over HTTP only.",
    }),
  },
  {
    // Engine purity: plain data in, plain data out.
    files: ["lib/engine/**/*.ts"],
    rules: restrict({
      group: [
        "next",
        "next/*",
        "react",
        "react-dom",
        "@prisma/*",
        ".prisma/*",
        "isomorphic-git",
        "isomorphic-git/*",
        "fs",
        "node:fs",
        "fs/*",
        "node:fs/*",
        "@/lib/server/*",
        "@/lib/client/*",
        "@/components/*",
        "@/app/*",
        "pg",
        "@electric-sql/*",
      ],
      message: "lib/engine is pure: no framework, database, git or filesystem imports.",
    }),
  },
];

export default config;

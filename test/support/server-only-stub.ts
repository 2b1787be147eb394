// vitest runs server modules outside Next; "server-only" is a Next build-time guard.
export {};

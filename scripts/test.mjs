#!/usr/bin/env node
// `npm test`: the whole suite, in the order that fails fastest —
// typecheck → lint → format check → production build (when sources changed) → Vitest → Playwright in Chromium.
// Chromium comes from Debian (`apt-get install chromium`); as root we install it when missing.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

function step(title, cmd, args, extraEnv = {}) {
  const t0 = Date.now();
  console.log(`\n▶ ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...env, ...extraEnv } });
  if (r.status !== 0) {
    console.error(`\n✖ ${title} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
  console.log(`✔ ${title} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

function ensureChromium() {
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (fs.existsSync(chromium)) return;
  if (process.getuid?.() !== 0) {
    console.error(`✖ Chromium is missing at ${chromium}. Install Debian's package (sudo apt-get install -y chromium) or set CHROMIUM_PATH.`);
    process.exit(1);
  }
  step("install Chromium (apt-get)", "bash", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null"]);
}

// The SSH tests run a real OpenSSH server (Debian's openssh-server); as root we install it when missing.
function ensureSshd() {
  if (fs.existsSync("/usr/sbin/sshd")) return;
  if (process.getuid?.() !== 0) {
    console.error("✖ sshd is missing at /usr/sbin/sshd. Install Debian's package (sudo apt-get install -y openssh-server).");
    process.exit(1);
  }
  step("install OpenSSH server (apt-get)", "bash", [
    "-c",
    "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null",
  ]);
}

const only = process.argv[2]; // e.g. `npm test -- unit` or `npm test -- e2e`
if (!only || only === "static") {
  step("typecheck (tsc)", bin("tsc"), ["--noEmit", "-p", "."]);
  step("lint (eslint)", bin("eslint"), [".", "--max-warnings=0"]);
  step("format (prettier --check)", bin("prettier"), ["--check", "."]);
}
if (!only || only === "unit" || only === "e2e") {
  step("build (next build, skipped when up to date)", process.execPath, [path.join(root, "scripts", "build-if-stale.mjs")]);
}
// The event-loop stall cases (issue 19 H2) measure latency: they run alone, after the rest, so
// other test files' servers and Git processes do not share the two cores with them.
const alone = ["test/hardening/validation-stall.test.ts"];
if (!only || only === "unit") {
  ensureSshd();
  step("unit and integration tests (vitest)", bin("vitest"), ["run", ...alone.flatMap((f) => ["--exclude", f])]);
  step("latency cases, alone (vitest)", bin("vitest"), ["run", ...alone]);
}
if (!only || only === "e2e") {
  ensureChromium();
  step("end-to-end tests (playwright, chromium)", bin("playwright"), ["test"]);
}
console.log("\nAll tests passed.");

import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { stripTerminalControls, terminalSafe } from "./terminal-safe";
import { runCli } from "./test-support/run-cli";

/** Everything a hostile commit message or name could carry to a terminal. */
const HOSTILE =
  "deploy\u001b]52;c;ZXZpbCBjbGlwYm9hcmQ=\u0007 \u001b]8;;https://evil.example/\u001b\\click\u001b]8;;\u001b\\ \u001b[2J\u001b[1;1H\u001b[31mred\u001b[0m" +
  "\u001b]0;title\u009c \u009b31m8bit\u001bP1$r\u001b\\ over\rwrite\bback\u0007bell\u007fdel\u0085nel \u001b7\u001b8 ok\ttab\nnext";

describe("terminal-safe: server text cannot drive the terminal (issue 19 L9)", () => {
  it("escape sequences go with their payloads; C0/C1 controls and DEL go; newline and tab stay", () => {
    const out = stripTerminalControls(HOSTILE);
    expect(out).toBe("deploy click red 8bit overwritebackbelldelnel  ok\ttab\nnext");
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(out).not.toContain("evil.example");
    expect(out).not.toContain("ZXZp");
  });

  it("cleans every string of a parsed answer, keys too, at any depth", () => {
    const cleaned = terminalSafe({ items: [{ commitMessage: "a\u001b[2Kb", labels: { ["k\u001b[1m"]: "v\r" } }], n: 3, ok: true, none: null });
    expect(cleaned).toEqual({ items: [{ commitMessage: "ab", labels: { k: "v" } }], n: 3, ok: true, none: null });
  });

  it("runs in linear time on long hostile input", () => {
    const long = "\u001b[".repeat(200_000) + "\u001b]".repeat(200_000);
    const started = performance.now();
    expect(stripTerminalControls(long)).toBe("");
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("the real CLI prints a server's names and error messages without their control sequences", async () => {
    const server = http.createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      if (req.url === "/api/v1/definitions" || req.url?.startsWith("/api/v1/definitions?")) {
        res.end(
          JSON.stringify({
            items: [
              {
                metadata: { name: `web${HOSTILE}` },
                spec: { names: { kind: "Web" }, scope: "Namespaced", gitops: { repoURL: "http://x/r", branch: "main", path: "." } },
                status: {},
              },
            ],
          }),
        );
        return;
      }
      res.statusCode = 400;
      res.end(JSON.stringify({ error: { code: "BAD_REQUEST", message: `refused: ${HOSTILE}`, details: null } }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const env = { SYNCLINE_SERVER: url, SYNCLINE_TOKEN: "t", SYNCLINE_CONFIG: "/nonexistent/config.json" };
      const ls = await runCli(["resource", "definition", "ls"], { env });
      expect(ls.stderr).toBe("");
      expect(ls.stdout).toContain("webdeploy click");
      expect(ls.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      const bad = await runCli(["resource", "definition", "get", "x"], { env });
      expect(bad.stderr).toMatch(/^error: refused: deploy click/);
      expect(bad.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    } finally {
      server.close();
    }
  }, 60_000);
});

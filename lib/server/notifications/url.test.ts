import { describe, expect, it } from "vitest";
import { checkNotificationUrl, redactNotificationUrl, urlSecrets } from "./url";
import { redactText } from "@/lib/engine/redact";

describe("notification URLs", () => {
  it("never shows the secret part of a Slack-style or token URL", () => {
    const slack = "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX";
    expect(redactNotificationUrl(slack)).toBe("https://hooks.slack.com/services/***");
    expect(redactNotificationUrl("https://example.com/hook?token=abcdef")).toBe("https://example.com/hook/***");
    expect(redactNotificationUrl("https://example.com")).toBe("https://example.com/");
    expect(redactNotificationUrl("not a url")).toBe("***");
  });

  it("scrubs the URL's parts from error text", () => {
    const url = "https://hooks.example.com/services/T1/B2/supersecrettoken";
    const msg = `fetch failed for ${url}: ECONNREFUSED (supersecrettoken)`;
    const out = redactText(msg, urlSecrets(url));
    expect(out).not.toContain("supersecrettoken");
  });

  it("accepts http(s) only, without credentials", () => {
    expect(checkNotificationUrl("https://x.example/a")).toBeNull();
    expect(checkNotificationUrl("ftp://x.example/a")).toMatch(/http/);
    expect(checkNotificationUrl("https://u:p@x.example/a")).toMatch(/credentials/);
    expect(checkNotificationUrl("/relative")).toMatch(/absolute/);
  });
});

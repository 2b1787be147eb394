/** The test parser itself must reject what a scraper rejects, or the metrics test proves nothing. */
import { describe, expect, it } from "vitest";
import client from "prom-client";
import { parsePrometheusText, sumOf } from "./prom-text";

describe("strict Prometheus text parser", () => {
  it("parses prom-client output with escapes, histograms and counters", async () => {
    const r = new client.Registry();
    const c = new client.Counter({ name: "t_total", help: "h", labelNames: ["a"], registers: [r] });
    c.inc({ a: 'quote " back \\ nl \n' }, 2);
    const h = new client.Histogram({ name: "t_seconds", help: "h", labelNames: ["x"], buckets: [0.1, 1], registers: [r] });
    h.observe({ x: "1" }, 0.5);
    h.observe({ x: "1" }, 5);
    const fams = parsePrometheusText(await r.metrics());
    expect(fams.get("t_total")?.type).toBe("counter");
    expect(sumOf(fams, "t_total", { a: 'quote " back \\ nl \n' })).toBe(2);
    expect(sumOf(fams, "t_seconds_count", { x: "1" })).toBe(2);
    expect(sumOf(fams, "t_seconds_bucket", { x: "1", le: "1" })).toBe(1);
  });

  it("rejects malformed exposition", () => {
    const bad = [
      "x 1", // no trailing newline
      "1x 1\n",
      'x{a="1} 1\n',
      'x{a="1",a="2"} 1\n',
      "x one\n",
      "x 1\nx 2\n",
      "# TYPE x counter\nx -1\n",
      "x 1\n# TYPE x counter\n",
      '# TYPE x gauge\nx 1\n# TYPE y gauge\ny 1\nx{b="1"} 2\n',
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum 1\n',
      '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_count 3\nh_sum 1\n',
      'x{a="\\q"} 1\n',
    ];
    for (const t of bad) expect(() => parsePrometheusText(t), JSON.stringify(t)).toThrow();
  });
});

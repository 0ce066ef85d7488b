import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildCore } from "../../../lib/adapters/deps.js";
import { defineRoute } from "../../../lib/api/route.js";
import { loadConfig } from "../../../lib/config/load.js";
import { AppError } from "../../../lib/errors.js";
import { handler } from "../../../lib/http/handler.js";
import { ok } from "../../../lib/http/reply.js";
import { emfLine } from "../../../lib/obs/emf.js";
import { createLogger } from "../../../lib/obs/log.js";
import { countEvent, InvocationMetrics, withMetrics } from "../../../lib/obs/metrics.js";
import { observeUpstream } from "../../../lib/obs/upstream.js";
import { captureEmf, dimensionsOf, metric } from "../../helpers/emf.js";
import { apiEvent } from "../../helpers/events.js";

const route = (id: string) =>
  defineRoute({
    id,
    method: "POST",
    path: "/servers",
    auth: "none",
    summary: "a test route",
    body: z.object({ fail: z.number().optional() }),
    responses: { 200: { description: "ok", schema: z.object({}) } },
  });

const core = (env: Record<string, string> = {}) =>
  buildCore(
    loadConfig({ NB_STAGE: "local", NB_SESSIONS__INGRESS__HOST: "s.example.org", ...env }),
    {
      log: createLogger("silent"),
    },
  );

const call = (id: string, body: unknown, env?: Record<string, string>) => {
  const main = handler(route(id), async ({ body: b }) => {
    // An upstream call and a business event inside the request, as the use cases make them.
    await observeUpstream("Cluster", "GET", async () => "ok");
    countEvent("Stops");
    if (b.fail === 429) throw new AppError(429, 1500, "quota exceeded");
    if (b.fail === 500) throw new AppError(500, 3503, "cluster unavailable");
    return ok({});
  });
  return captureEmf(() =>
    main.with(core(env))(apiEvent({ method: "POST", path: "/servers", body }), {} as never),
  );
};

describe("EMF metrics", () => {
  it("prints one line per request with the function, outcome, latency and upstream calls", async () => {
    const { lines } = await call("serversDelete", {});
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? expect.fail("no line");
    expect(line._aws.CloudWatchMetrics.every((d) => d.Namespace === "RenkuNotebooks")).toBe(true);
    expect(line).toMatchObject({
      service: "renku-notebooks",
      function: "serversDelete",
      outcome: "ok",
    });
    expect(metric(line, "Requests")).toMatchObject({
      value: 1,
      unit: "Count",
      dimensions: [
        ["service", "function"],
        ["service", "function", "outcome"],
      ],
    });
    expect(metric(line, "Latency").unit).toBe("Milliseconds");
    expect(typeof line.Latency).toBe("number");
    expect(metric(line, "Stops").value).toBe(1);
    expect(metric(line, "ClusterCalls").value).toBe(1);
    expect(metric(line, "ClusterErrors").value).toBe(0);
    expect(metric(line, "ClusterLatency").unit).toBe("Milliseconds");
    expect(line.errorCode).toBeUndefined();
  });

  it("counts a quota refusal (any 429) with its error code and family", async () => {
    const { result, lines } = await call("serversCreate", { fail: 429 });
    expect(result.statusCode).toBe(429);
    const line = lines[0] ?? expect.fail("no line");
    expect(line).toMatchObject({ outcome: "client_error", errorCode: "1500", errorFamily: "1xxx" });
    expect(metric(line, "QuotaRefusals")).toMatchObject({
      value: 1,
      dimensions: [["service"], ["service", "function"]],
    });
    expect(metric(line, "Failures").dimensions).toEqual([
      ["service", "function", "errorCode"],
      ["service", "errorFamily"],
    ]);
    expect(metric(line, "LaunchesRefused").value).toBe(1);
    expect(metric(line, "LaunchesFailed").value).toBe(0);
  });

  it("counts a failed launch as failed, by its error code", async () => {
    const { lines } = await call("serversCreate", { fail: 500 });
    const line = lines[0] ?? expect.fail("no line");
    expect(line).toMatchObject({ outcome: "server_error", errorCode: "3503", errorFamily: "3xxx" });
    expect(metric(line, "Launches").value).toBe(1);
    expect(metric(line, "LaunchesFailed").value).toBe(1);
    expect(metric(line, "QuotaRefusals").value).toBeUndefined();
  });

  it("prints nothing when NB_METRICS__ENABLED is false, and uses the configured namespace", async () => {
    expect((await call("serversDelete", {}, { NB_METRICS__ENABLED: "false" })).lines).toEqual([]);
    const { lines } = await call("serversDelete", {}, { NB_METRICS__NAMESPACE: "Renku/Test" });
    expect(lines[0]?._aws.CloudWatchMetrics[0]?.Namespace).toBe("Renku/Test");
  });

  it("counts an upstream's retries and errors, not a 404 the caller expects", async () => {
    const m = await withMetrics("serversGet", async (metrics) => {
      await observeUpstream("GitLab", "GET", async (tries) => {
        tries.retries += 2;
      });
      await observeUpstream("Cluster", "GET", async () => {
        throw Object.assign(new Error("not found"), { code: 404 });
      }).catch(() => undefined);
      await observeUpstream("Cluster", "GET", async () => {
        throw Object.assign(new Error("unavailable"), { code: 503 });
      }).catch(() => undefined);
      return metrics;
    });
    const line = JSON.parse(m.requestLine(200, 5, "NS", 0) ?? "{}");
    expect(line).toMatchObject({
      GitLabRetries: 2,
      GitLabErrors: 0,
      ClusterCalls: 2,
      ClusterErrors: 1,
    });
    expect(line.ClusterLatency).toHaveLength(2);
  });

  it("publishes only low-cardinality dimensions", async () => {
    const m = new InvocationMetrics("serversCreate");
    m.failedWith(1004);
    const line = JSON.parse(m.requestLine(422, 3, "NS", 0) ?? "{}");
    expect(Object.keys(dimensionsOf(line)).sort()).toEqual([
      "errorCode",
      "errorFamily",
      "function",
      "outcome",
      "service",
    ]);
  });

  it("writes valid EMF: every declared metric and dimension is a top-level member", () => {
    const text = emfLine({
      namespace: "N",
      timestamp: 1,
      properties: { service: "s" },
      directives: [
        { dimensions: [["service"]], metrics: { A: { unit: "Count", values: [1] } } },
        { dimensions: [["service"]], metrics: {} },
      ],
    });
    expect(JSON.parse(text)).toEqual({
      _aws: {
        Timestamp: 1,
        CloudWatchMetrics: [
          { Namespace: "N", Dimensions: [["service"]], Metrics: [{ Name: "A", Unit: "Count" }] },
        ],
      },
      service: "s",
      A: 1,
    });
  });
});

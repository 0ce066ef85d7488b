/**
 * The EMF lines real invocations print, read as CloudWatch would: a launch (created, then reused),
 * a failed launch, a stop, and a clean-up run, each with its upstream calls; and no user, session
 * or project name anywhere among the dimensions.
 */
import type { ScheduledEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as createMain } from "../../../functions/servers/create.js";
import { configMapLedgerStore } from "../../../lib/adapters/ledger-store.js";
import { recordLaunchInLedger } from "../../../lib/autosave/index.js";
import { cleanupEntry } from "../../../lib/use-cases/cleanup-invocation.js";
import { captureEmf, dimensionsOf, type EmfLine, metric } from "../../helpers/emf.js";
import { invoke, lambdaContext } from "../../helpers/events.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { registeredHeaders } from "../../helpers/users.js";
import { sessionsApi } from "../sessions/api.js";

const HELLO = {
  namespace: "renku-demo",
  project: "hello-world",
  commit_sha: "f1ea33570b1b86af316b85539c1b5d5c07949a82",
};
const alice = registeredHeaders({ username: "alice" });
let stack: SessionStack;
const printed: EmfLine[] = [];

beforeAll(async () => {
  stack = await startSessionStack({
    env: { NB_METRICS__ENABLED: "true", NB_GIT__SERVICE_TOKEN: "glpat-service-secret" },
  });
});
afterAll(() => stack?.stop());

async function run<T>(fn: () => Promise<T>): Promise<{ result: T; line: EmfLine }> {
  const { result, lines } = await captureEmf(fn);
  expect(lines).toHaveLength(1);
  printed.push(...lines);
  return { result, line: lines[0] as EmfLine };
}

const launch = (body: unknown) =>
  run(() =>
    invoke(createMain, { method: "POST", path: "/notebooks/servers", headers: alice, body }),
  );

let serverName = "";

describe("EMF lines of real invocations", () => {
  it("a launch: created, with its GitLab, registry and cluster calls", async () => {
    const { result, line } = await launch(HELLO);
    expect(result.status).toBe(201);
    serverName = result.json.name;
    expect(line).toMatchObject({
      service: "renku-notebooks",
      function: "serversCreate",
      outcome: "created",
    });
    expect(line._aws.CloudWatchMetrics.every((d) => d.Namespace === "RenkuNotebooks")).toBe(true);
    expect(metric(line, "Launches").value).toBe(1);
    expect(metric(line, "LaunchesCreated").value).toBe(1);
    expect(metric(line, "LaunchesFailed").value).toBe(0);
    expect(metric(line, "Requests").dimensions).toEqual([
      ["service", "function"],
      ["service", "function", "outcome"],
    ]);
    for (const upstream of ["GitLab", "Registry", "Cluster"]) {
      const calls = metric(line, `${upstream}Calls`).value as number;
      expect(calls, upstream).toBeGreaterThan(0);
      expect(metric(line, `${upstream}Errors`).value, upstream).toBe(0);
      const latency = metric(line, `${upstream}Latency`);
      expect(latency.unit).toBe("Milliseconds");
      expect([latency.value].flat()).toHaveLength(calls);
      expect(latency.dimensions).toEqual([["service"], ["service", "function"]]);
    }
  });

  it("the same launch again: reused", async () => {
    const { result, line } = await launch(HELLO);
    expect(result.status).toBe(200);
    expect(line.outcome).toBe("reused");
    expect(metric(line, "LaunchesReused").value).toBe(1);
  });

  it("a failed launch: the cluster refuses the create; counted by error code and family", async () => {
    stack.cluster.faults.inject({ method: "POST", pathPattern: /jupyterservers/, kind: "500" });
    const { result, line } = await launch({
      ...HELLO,
      branch: "feature/plots",
      commit_sha: "4800fe13623630e5d59a42b4d28079714ace0edc",
    });
    stack.cluster.faults.clear();
    // A refused create: 500 code 3002 (the reference's "Cannot start the session").
    expect(result.status).toBe(500);
    expect(result.json.error.code).toBe(3002);
    expect(line).toMatchObject({
      outcome: "server_error",
      errorCode: "3002",
      errorFamily: "3xxx",
    });
    expect(metric(line, "LaunchesFailed").value).toBe(1);
    expect(metric(line, "Failures")).toMatchObject({
      value: 1,
      dimensions: [
        ["service", "function", "errorCode"],
        ["service", "errorFamily"],
      ],
    });
    expect(metric(line, "ClusterErrors").value).toBeGreaterThan(0);
  });

  it("a stop", async () => {
    const { result, line } = await run(() => sessionsApi(alice).stop(serverName));
    expect(result.status).toBe(204);
    expect(line).toMatchObject({ function: "serversDelete", outcome: "ok", Stops: 1 });
  });

  it("a clean-up run: scanned, deleted, failed", async () => {
    const name = stack.deps.config.autosave.ledger_name;
    await recordLaunchInLedger(configMapLedgerStore(stack.deps.k8s, name), {
      projectId: 1001,
      projectPath: "renku-demo/hello-world",
      at: new Date(),
    });
    const event = { time: new Date().toISOString() } as ScheduledEvent;
    const { result, line } = await run(() =>
      cleanupEntry(() => stack.deps)(event, lambdaContext()),
    );
    expect(line).toMatchObject({ service: "renku-notebooks", function: "autosaveCleanup" });
    expect(metric(line, "CleanupRuns").value).toBe(1);
    expect(metric(line, "CleanupScanned").value).toBe(result.projectsScanned);
    expect(metric(line, "CleanupDeleted").value).toBe(result.branchesDeleted);
    expect(metric(line, "CleanupFailed").value).toBe(result.branchesFailed + result.projectsFailed);
    expect(result.projectsScanned).toBeGreaterThan(0);
    expect((metric(line, "GitLabCalls").value as number) > 0).toBe(true);
  });

  it("never uses a user, session or project name as a dimension", () => {
    expect(printed.length).toBe(5);
    const allowed = ["service", "function", "outcome", "errorCode", "errorFamily"];
    for (const line of printed) {
      const dims = dimensionsOf(line);
      expect(
        Object.keys(dims).every((k) => allowed.includes(k)),
        JSON.stringify(dims),
      ).toBe(true);
      const values = JSON.stringify(Object.values(dims));
      for (const secret of ["alice", serverName, "hello-world", "renku-demo", "glpat"])
        expect(values).not.toContain(secret);
      // Nor anywhere else in the line: it is stored in the logs as it is.
      expect(JSON.stringify(line)).not.toContain(serverName);
      expect(JSON.stringify(line)).not.toContain("alice");
    }
  });
});

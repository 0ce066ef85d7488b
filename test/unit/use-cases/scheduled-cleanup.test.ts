/**
 * The clean-up jobs as use cases: they act with the service token through the GitLab client the
 * function wires (deps.gitlab), with a batch job's retry budget for the scheduled run, and refuse
 * to start without a service token. The job itself is tested in test/unit/autosave/cleanup-job.
 */
import { describe, expect, it } from "vitest";
import type { Deps } from "../../../lib/adapters/deps.js";
import { DAY_MS } from "../../../lib/autosave/index.js";
import { loadConfig } from "../../../lib/config/load.js";
import type { GitLab } from "../../../lib/gitlab/types.js";
import {
  type CleanupDeps,
  JOB_RETRY_BUDGET_MS,
  runHandedOffCleanup,
  runScheduledCleanup,
  safetyMargin,
} from "../../../lib/use-cases/scheduled-cleanup.js";
import { captureLog, FakeGitLab, FakeLedgerStore } from "../autosave/fakes.js";

const NOW = new Date("2024-06-15T12:00:00.000Z");
const ago = (days: number) => new Date(NOW.getTime() - days * DAY_MS).toISOString();
const TOKEN = "glpat-service-secret";
const EXPIRED = "renku/autosave/jane/master/1111111/aaaaaaa";
const RECENT = "renku/autosave/jane/master/2222222/bbbbbbb";

/** The job's deps over fakes, recording what it asks the GitLab factory for. */
function jobDeps(withServiceToken = true) {
  const base = loadConfig({
    NB_STAGE: "local",
    NB_SESSIONS__INGRESS__HOST: "sessions.example.org",
  });
  const config = {
    ...base,
    git: { ...base.git, service_token: withServiceToken ? TOKEN : undefined },
  };
  const fake = new FakeGitLab()
    .addProject(1, "g/a")
    .addBranch(1, "master", ago(100))
    .addBranch(1, EXPIRED, ago(20))
    .addBranch(1, RECENT, ago(1));
  const ledger = new FakeLedgerStore([{ projectId: 1, projectPath: "g/a", lastLaunch: ago(30) }]);
  const asked: Parameters<Deps["gitlab"]>[] = [];
  const { log, records } = captureLog();
  const deps: CleanupDeps = {
    config,
    log,
    now: () => NOW,
    ledger,
    gitlab: (...args) => {
      asked.push(args);
      return fake as unknown as GitLab;
    },
  };
  return { deps, fake, ledger, asked, records };
}

describe("safetyMargin", () => {
  it("keeps the slowest call's timeouts, its retries and the ledger write, at most half the time left", () => {
    expect(safetyMargin(600_000, 10_000, 60_000)).toBe(60_000 + 2 * 10_000 + 5_000);
    expect(safetyMargin(100_000, 10_000, 60_000)).toBe(50_000);
  });
});

describe("runScheduledCleanup", () => {
  it("runs on the wired GitLab client with the service token and the job's retry budget", async () => {
    const w = jobDeps();
    const summary = await runScheduledCleanup(w.deps);
    expect(w.asked).toEqual([[TOKEN, { maxRetryMs: JOB_RETRY_BUDGET_MS, log: w.deps.log }]]);
    expect(summary).toMatchObject({ projectsScanned: 1, branchesDeleted: 1, branchesKept: 1 });
    expect(w.fake.branchNames(1)).toEqual(["master", RECENT]);
  });

  it("passes a caller's retry budget on", async () => {
    const w = jobDeps();
    await runScheduledCleanup(w.deps, { maxRetryMs: 500 });
    expect(w.asked).toEqual([[TOKEN, { maxRetryMs: 500, log: w.deps.log }]]);
  });

  it("refuses to start without a service token, naming the setting, and asks GitLab nothing", async () => {
    const w = jobDeps(false);
    await expect(runScheduledCleanup(w.deps)).rejects.toMatchObject({
      status: 500,
      message: "The autosave clean-up needs a GitLab service token (NB_GIT__SERVICE_TOKEN).",
    });
    expect(w.asked).toEqual([]);
    expect(w.fake.calls).toEqual([]);
    expect(w.ledger.writes).toBe(0);
    expect(w.records).toContainEqual(
      expect.objectContaining({
        level: 50,
        setting: "NB_GIT__SERVICE_TOKEN",
        msg: "autosave clean-up cannot run: no GitLab service token is configured",
      }),
    );
  });
});

describe("runHandedOffCleanup", () => {
  it("runs on the wired GitLab client with the service token and a request's retry budget", async () => {
    const w = jobDeps();
    w.fake.failList.add(1);
    const result = await runHandedOffCleanup(w.deps, {
      projectId: 1,
      username: "jane",
      commit: "3".repeat(40),
    });
    expect(w.asked).toEqual([[TOKEN, { log: w.deps.log }]]);
    // The fake's listing fails: the job reports it, and it went to the wired client.
    expect(result.deleted).toEqual([]);
    expect(result.failed).toHaveLength(1);
    expect(w.fake.calls.some((c) => c.startsWith("listBranches"))).toBe(true);
  });

  it("refuses to start without a service token", async () => {
    const w = jobDeps(false);
    await expect(
      runHandedOffCleanup(w.deps, { projectId: 1, username: "jane", commit: "3".repeat(40) }),
    ).rejects.toMatchObject({ status: 500 });
    expect(w.asked).toEqual([]);
  });
});

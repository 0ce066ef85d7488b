/**
 * The scheduled autosave clean-up (D17) end to end: the handler acts with the service token against
 * the GitLab double over HTTP and reads the ledger from a real ConfigMap of the local cluster.
 * Each test uses its own ledger ConfigMap and its own projects, so the tests do not see each other.
 */
import type { ScheduledEvent } from "aws-lambda";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../../lib/adapters/deps.js";
import { configMapLedgerStore } from "../../../lib/adapters/ledger-store.js";
import { type LedgerEntry, recordLaunchInLedger } from "../../../lib/autosave/index.js";
import type { Config } from "../../../lib/config/schema.js";
import { cleanupEntry } from "../../../lib/use-cases/cleanup-invocation.js";
import {
  type CleanupDeps,
  runScheduledCleanup,
  safetyMargin,
} from "../../../lib/use-cases/scheduled-cleanup.js";
import { lambdaContext } from "../../helpers/events.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { addAutosave, addProject, branchNames, DAY, sha } from "./fixtures.js";

const SERVICE_TOKEN = "glpat-service-secret";
const scheduledEvent: ScheduledEvent = {
  version: "0",
  id: "test-run",
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: "123456789012",
  time: new Date().toISOString(),
  region: "eu-central-1",
  resources: [],
  detail: {},
};

let stack: SessionStack;
let nextProjectId = 5000;

beforeAll(async () => {
  stack = await startSessionStack({ env: { NB_GIT__SERVICE_TOKEN: SERVICE_TOKEN } });
});
afterAll(() => stack?.stop());
afterEach(() => {
  stack.gitlab.setLatency(0);
  stack.gitlab.clearFaults();
});

/** The stack's deps with this test's ledger ConfigMap and job settings. */
function jobDeps(ledgerName: string, autosave: Partial<Config["autosave"]> = {}): CleanupDeps {
  const { config, log, now, k8s, gitlab } = stack.deps;
  return {
    config: { ...config, autosave: { ...config.autosave, ledger_name: ledgerName, ...autosave } },
    log,
    now,
    ledger: configMapLedgerStore(k8s, ledgerName),
    gitlab,
  };
}

const ledgerStore = (name: string) => configMapLedgerStore(stack.deps.k8s, name);

async function record(name: string, projectId: number, projectPath: string, ageMs = DAY) {
  await recordLaunchInLedger(ledgerStore(name), {
    projectId,
    projectPath,
    at: new Date(Date.now() - ageMs),
  });
}

async function readLedger(name: string): Promise<{ entries: LedgerEntry[]; version: string }> {
  const cm = await stack.deps.k8s.getConfigMap(name);
  expect(cm, `ConfigMap ${name}`).toBeDefined();
  return ledgerStore(name).read();
}

/** A fresh private project (only the administrator service account sees it); returns id, path, root. */
function project(label: string) {
  const id = nextProjectId++;
  const path = `cleanup/${label}-${id}`;
  const root = addProject(stack.gitlab, id, path, [{ username: "alice", access_level: 30 }]);
  return { id, path, root };
}

const branchCallsOf = (projectId: number) =>
  stack.gitlab.calls.filter(
    (c) => c.method === "GET" && c.path.includes(`/projects/${projectId}/repository/branches?`),
  );

describe("the scheduled autosave clean-up", () => {
  it("runs from its handler on the seeded projects with the service token", async () => {
    // Launches recorded in the default ledger, as POST /servers does.
    const name = stack.deps.config.autosave.ledger_name;
    await record(name, 1001, "renku-demo/hello-world");
    await record(name, 1002, "alice/private-notes");
    const before = stack.gitlab.calls.length;

    const summary = await cleanupEntry(() => stack.deps)(scheduledEvent, lambdaContext());

    expect(summary).toMatchObject({
      dryRun: false,
      interrupted: false,
      projectsScanned: 2,
      projectsFailed: 0,
      branchesEvaluated: 4,
      branchesDeleted: 1,
      branchesKept: 3,
      branchesFailed: 0,
    });
    expect(summary.byReason).toMatchObject({ expired: 1, recent: 3 });
    // Only alice's 30-day-old autosave was past the 14-day default retention.
    expect(branchNames(stack.gitlab, 1001).sort()).toEqual(
      [
        "feature/plots",
        "main",
        "master",
        "renku/autosave/alice/master/41e286a/8ae5118",
        "renku/autosave/bob/feature/plots/4800fe1/29edd3e",
      ].sort(),
    );
    expect(branchNames(stack.gitlab, 1002)).toContain(
      "renku/autosave/alice/master/d4b90de/de7d00a",
    );
    // Every GitLab call went out as the service account, private projects included.
    const calls = stack.gitlab.calls.slice(before);
    expect(calls.length).toBeGreaterThan(0);
    expect(new Set(calls.map((c) => c.user))).toEqual(new Set(["renku-bot"]));
    // Progress while it runs, a summary at the end, and never the token.
    const log = stack.logs.join("");
    expect(log).toContain("autosave clean-up: project done");
    expect(log).toContain("autosave clean-up finished");
    expect(log).not.toContain(SERVICE_TOKEN);
  });

  it("fails the invocation with a clear configuration error when no service token is set", async () => {
    const { config } = stack.deps;
    // The stack's deps with one setting changed.
    const deps: Deps = {
      ...stack.deps,
      config: { ...config, git: { ...config.git, service_token: undefined } },
    };
    const before = stack.gitlab.calls.length;
    await expect(cleanupEntry(() => deps)(scheduledEvent, lambdaContext())).rejects.toMatchObject({
      status: 500,
      message: expect.stringContaining("NB_GIT__SERVICE_TOKEN"),
    });
    expect(stack.logs.join("")).toContain("no GitLab service token is configured");
    expect(stack.gitlab.calls.length).toBe(before);
  });

  it("deletes expired and superseded autosaves and nothing else", async () => {
    const p = project("policy");
    const otherRoot = sha("other-root");
    stack.gitlab.state.addCommit(p.id, {
      id: otherRoot,
      parents: [p.root],
      message: "work",
      committed_date: new Date(Date.now() - 40 * DAY).toISOString(),
    });
    const at = (username: string, branch: string, root: string, days: number) =>
      addAutosave(stack.gitlab, { project: p.id, username, branch, root, ageMs: days * DAY });
    const expired = at("alice", "master", p.root, 20);
    const superseded = at("alice", "master", p.root, 3);
    const newest = at("alice", "master", p.root, 1);
    const otherUser = at("bob", "master", p.root, 3);
    const otherRootSave = at("alice", "master", otherRoot, 5);
    const otherBranch = at("alice", "feature/x", p.root, 4);
    // Under the prefix but not autosaves (and very old): never touched.
    const oldSha = sha("ancient");
    stack.gitlab.state.addCommit(p.id, {
      id: oldSha,
      parents: [],
      message: "ancient",
      committed_date: new Date(Date.now() - 400 * DAY).toISOString(),
    });
    const notAutosaves = [
      "renku/autosave/notes",
      "renku/autosave/alice/master/12345/67890",
      "renku/autosave/alice/master/zz-zzzz/yyyyyyy",
    ];
    for (const n of notAutosaves) stack.gitlab.state.setBranch(p.id, n, oldSha);
    stack.gitlab.state.setBranch(p.id, "renku/autosaves-are-here", oldSha);
    await record("ledger-policy", p.id, p.path);

    const summary = await runScheduledCleanup(jobDeps("ledger-policy", { retention_days: 14 }));

    expect(summary.byReason).toEqual({
      expired: 1,
      superseded: 1,
      recent: 4,
      undated: 0,
      "not-autosave": 3,
    });
    expect(summary.branchesDeleted).toBe(2);
    expect(branchNames(stack.gitlab, p.id).sort()).toEqual(
      [
        "master",
        newest,
        otherUser,
        otherRootSave,
        otherBranch,
        ...notAutosaves,
        "renku/autosaves-are-here",
      ].sort(),
    );
    expect(branchNames(stack.gitlab, p.id)).not.toContain(expired);
    expect(branchNames(stack.gitlab, p.id)).not.toContain(superseded);
  });

  it("honours a shorter retention", async () => {
    const p = project("retention");
    const three = addAutosave(stack.gitlab, {
      project: p.id,
      username: "alice",
      branch: "a",
      root: p.root,
      ageMs: 3 * DAY,
    });
    const one = addAutosave(stack.gitlab, {
      project: p.id,
      username: "alice",
      branch: "b",
      root: p.root,
      ageMs: 1 * DAY - 3_600_000,
    });
    await record("ledger-retention", p.id, p.path);
    const summary = await runScheduledCleanup(jobDeps("ledger-retention", { retention_days: 2 }));
    expect(summary.byReason.expired).toBe(1);
    expect(branchNames(stack.gitlab, p.id)).toContain(one);
    expect(branchNames(stack.gitlab, p.id)).not.toContain(three);
  });

  it("in a dry run only reports what it would delete, and leaves the ledger alone", async () => {
    const p = project("dry");
    const old = [0, 1, 2].map((i) =>
      addAutosave(stack.gitlab, {
        project: p.id,
        username: "alice",
        branch: `b${i}`,
        root: p.root,
        ageMs: 30 * DAY,
      }),
    );
    // Launched long ago: a real run would prune this entry once the project is empty.
    await record("ledger-dry", p.id, p.path, 30 * DAY);
    const ledgerBefore = await readLedger("ledger-dry");
    const deletesBefore = stack.gitlab.calls.filter((c) => c.method === "DELETE").length;

    const summary = await runScheduledCleanup(jobDeps("ledger-dry", { dry_run: true }));

    expect(summary).toMatchObject({ dryRun: true, branchesSelected: 3, branchesDeleted: 0 });
    expect(branchNames(stack.gitlab, p.id)).toEqual(expect.arrayContaining(old));
    expect(stack.gitlab.calls.filter((c) => c.method === "DELETE").length).toBe(deletesBefore);
    expect(await readLedger("ledger-dry")).toEqual(ledgerBefore);
    expect(stack.logs.join("")).toContain("autosave clean-up (dry run): would delete");

    // The real run then does it, and prunes the emptied, long-unused project from the ledger.
    const real = await runScheduledCleanup(jobDeps("ledger-dry"));
    expect(real).toMatchObject({ branchesDeleted: 3, ledgerEntriesPruned: 1 });
    expect(branchNames(stack.gitlab, p.id)).toEqual(["master"]);
    expect((await readLedger("ledger-dry")).entries).toEqual([]);
  });

  it("keeps ledger entries of recent launches and drops projects GitLab no longer has", async () => {
    const p = project("recent-launch");
    await record("ledger-prune", p.id, p.path, DAY);
    await record("ledger-prune", 987654, "cleanup/deleted-long-ago", 60 * DAY);
    const summary = await runScheduledCleanup(jobDeps("ledger-prune"));
    // A project GitLab no longer has (404) counts as missing, as the port says (lib/autosave/ports.ts).
    expect(summary).toMatchObject({
      projectsScanned: 1,
      projectsMissing: 1,
      projectsFailed: 0,
      ledgerEntriesPruned: 1,
    });
    expect((await readLedger("ledger-prune")).entries.map((e) => e.projectId)).toEqual([p.id]);
  });

  it("follows GitLab's pagination across several pages", async () => {
    const p = project("pages");
    const now = Date.now();
    const expired: string[] = [];
    const recent: string[] = [];
    for (let i = 0; i < 250; i++) {
      const name = addAutosave(
        stack.gitlab,
        {
          project: p.id,
          username: `user${i}`,
          branch: "master",
          root: p.root,
          ageMs: (i % 5 < 3 ? 30 : 2) * DAY,
        },
        now,
      );
      (i % 5 < 3 ? expired : recent).push(name);
    }
    await record("ledger-pages", p.id, p.path);

    const summary = await runScheduledCleanup(jobDeps("ledger-pages"));

    // 250 branches at 100 a page: three pages, all of them read.
    const pages = branchCallsOf(p.id).map((c) => new URLSearchParams(c.path.split("?")[1]));
    expect(pages.map((q) => q.get("page"))).toEqual(["1", "2", "3"]);
    expect(summary).toMatchObject({
      branchesEvaluated: 250,
      branchesDeleted: 150,
      branchesKept: 100,
      branchesFailed: 0,
    });
    expect(branchNames(stack.gitlab, p.id).sort()).toEqual(["master", ...recent].sort());
  });

  it("backs off on 429 and honours Retry-After, then finishes the job", async () => {
    const p = project("throttled");
    const old = addAutosave(stack.gitlab, {
      project: p.id,
      username: "alice",
      branch: "master",
      root: p.root,
      ageMs: 30 * DAY,
    });
    await record("ledger-429", p.id, p.path);
    const listPath = new RegExp(`/projects/${p.id}/repository/branches\\?`);
    const deletePath = new RegExp(`/projects/${p.id}/repository/branches/`);
    stack.gitlab.injectFault({
      kind: "429",
      pathPattern: listPath,
      times: 1,
      retryAfterSeconds: 1,
    });
    stack.gitlab.injectFault({
      kind: "429",
      method: "DELETE",
      pathPattern: deletePath,
      times: 1,
      retryAfterSeconds: 1,
    });

    const summary = await runScheduledCleanup(jobDeps("ledger-429"));

    expect(summary).toMatchObject({ projectsFailed: 0, branchesDeleted: 1, branchesFailed: 0 });
    expect(branchNames(stack.gitlab, p.id)).not.toContain(old);
    // A refused listing and the one that worked; a refused delete and the one that worked.
    expect(branchCallsOf(p.id)).toHaveLength(2);
    expect(
      stack.gitlab.calls.filter((c) => c.method === "DELETE" && deletePath.test(c.path)),
    ).toHaveLength(2);
    expect(stack.logs.join("")).toContain("retrying GitLab call");
  });

  it("counts a project it cannot list as failed and goes on with the others", async () => {
    const broken = project("broken");
    const fine = project("fine");
    const keep = addAutosave(stack.gitlab, {
      project: broken.id,
      username: "alice",
      branch: "master",
      root: broken.root,
      ageMs: 30 * DAY,
    });
    const gone = addAutosave(stack.gitlab, {
      project: fine.id,
      username: "alice",
      branch: "master",
      root: fine.root,
      ageMs: 30 * DAY,
    });
    await record("ledger-broken", broken.id, broken.path, 30 * DAY);
    await record("ledger-broken", fine.id, fine.path, 30 * DAY);
    stack.gitlab.injectFault({
      kind: "500",
      pathPattern: new RegExp(`/projects/${broken.id}/repository/branches\\?`),
    });

    const summary = await runScheduledCleanup(jobDeps("ledger-broken"), { maxRetryMs: 500 });

    expect(summary).toMatchObject({ projectsScanned: 1, projectsFailed: 1, branchesDeleted: 1 });
    expect(branchNames(stack.gitlab, broken.id)).toContain(keep);
    expect(branchNames(stack.gitlab, fine.id)).not.toContain(gone);
    // The failed project stays in the ledger for the next run.
    expect((await readLedger("ledger-broken")).entries.map((e) => e.projectId)).toEqual([
      broken.id,
    ]);
  });

  it("is safe when two runs overlap", async () => {
    const expired: string[] = [];
    const kept: string[] = [];
    const ids: number[] = [];
    for (let n = 0; n < 6; n++) {
      const p = project("overlap");
      ids.push(p.id);
      for (let i = 0; i < 6; i++) {
        const name = addAutosave(stack.gitlab, {
          project: p.id,
          username: `u${i}`,
          branch: "master",
          root: p.root,
          ageMs: (i < 4 ? 30 : 1) * DAY,
        });
        (i < 4 ? expired : kept).push(name);
      }
      // Half the projects launched long ago: both runs try to prune them at the same time.
      await record("ledger-overlap", p.id, p.path, (n % 2 === 0 ? 30 : 1) * DAY);
    }
    stack.gitlab.setLatency(5);

    const [a, b] = await Promise.all([
      runScheduledCleanup(jobDeps("ledger-overlap", { concurrency: 3 })),
      runScheduledCleanup(jobDeps("ledger-overlap", { concurrency: 2 })),
    ]);

    for (const s of [a, b]) {
      expect(s.branchesFailed).toBe(0);
      expect(s.projectsFailed).toBe(0);
      expect(s.ledgerError).toBeUndefined();
    }
    // Each expired branch was deleted exactly once; one the other run removed first is "already gone".
    const distinct = (s: typeof a) => s.branchesDeleted - s.branchesAlreadyGone;
    expect(distinct(a) + distinct(b)).toBe(expired.length);
    const all = new Set(ids.flatMap((id) => branchNames(stack.gitlab, id)));
    for (const id of ids) expect(branchNames(stack.gitlab, id)).toContain("master");
    for (const e of expired) expect(all.has(e)).toBe(false);
    for (const k of kept) expect(all.has(k)).toBe(true);
    // Recent projects' entries stay; none of the projects is empty, so nothing is pruned.
    expect((await readLedger("ledger-overlap")).entries).toHaveLength(6);
  });

  it("leaves the ledger intact when interrupted, and the next run finishes the job", async () => {
    const projects = Array.from({ length: 12 }, () => project("interrupted"));
    const expired: string[] = [];
    for (const p of projects) {
      for (let i = 0; i < 5; i++) {
        expired.push(
          addAutosave(stack.gitlab, {
            project: p.id,
            username: `u${i}`,
            branch: "main",
            root: p.root,
            ageMs: 30 * DAY,
          }),
        );
      }
      await record("ledger-interrupted", p.id, p.path, 30 * DAY);
    }
    const ledgerBefore = await readLedger("ledger-interrupted");
    stack.gitlab.setLatency(10);

    // Stop the run once GitLab has seen a handful of its deletions.
    const stop = new AbortController();
    const deletesBefore = stack.gitlab.calls.filter((c) => c.method === "DELETE").length;
    const watcher = setInterval(() => {
      const deletes = stack.gitlab.calls.filter((c) => c.method === "DELETE").length;
      if (deletes - deletesBefore >= 8) stop.abort();
    }, 2);
    const first = await runScheduledCleanup(jobDeps("ledger-interrupted", { concurrency: 2 }), {
      signal: stop.signal,
    }).finally(() => clearInterval(watcher));

    expect(first.interrupted).toBe(true);
    expect(first.branchesFailed).toBe(0);
    const remaining = projects.flatMap((p) => branchNames(stack.gitlab, p.id));
    expect(remaining.filter((n) => n !== "master").length).toBeGreaterThan(0);
    // The ledger is not pruned by a run that did not see everything.
    expect(await readLedger("ledger-interrupted")).toEqual(ledgerBefore);

    const second = await runScheduledCleanup(jobDeps("ledger-interrupted", { concurrency: 2 }));
    expect(second.interrupted).toBe(false);
    expect(first.branchesDeleted + second.branchesDeleted - second.branchesAlreadyGone).toBe(
      expired.length,
    );
    for (const p of projects) expect(branchNames(stack.gitlab, p.id)).toEqual(["master"]);
    expect((await readLedger("ledger-interrupted")).entries).toEqual([]);
  });

  it("stops starting new work before the invocation's time runs out", async () => {
    const projects = Array.from({ length: 10 }, () => project("deadline"));
    for (const p of projects) {
      addAutosave(stack.gitlab, {
        project: p.id,
        username: "alice",
        branch: "main",
        root: p.root,
        ageMs: 30 * DAY,
      });
      await record("ledger-deadline", p.id, p.path, 30 * DAY);
    }
    const ledgerBefore = await readLedger("ledger-deadline");
    // With 20 ms per call and one call at a time, ten projects cannot fit in a 30 ms budget.
    stack.gitlab.setLatency(20);
    const summary = await runScheduledCleanup(jobDeps("ledger-deadline", { concurrency: 1 }), {
      remainingMs: 30,
      safetyMarginMs: 0,
    });
    expect(summary.interrupted).toBe(true);
    expect(summary.projectsScanned).toBeLessThan(projects.length);
    expect(await readLedger("ledger-deadline")).toEqual(ledgerBefore);
    expect(stack.logs.join("")).toContain("time is running out");
  });

  it("keeps a safety margin that covers a call in flight, but never more than half the time", () => {
    expect(safetyMargin(900_000, 8_000, 60_000)).toBe(60_000 + 16_000 + 5_000);
    expect(safetyMargin(10_000, 8_000, 60_000)).toBe(5_000);
  });
});

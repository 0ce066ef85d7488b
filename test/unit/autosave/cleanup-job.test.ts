import { describe, expect, it } from "vitest";
import {
  type CleanupSummary,
  cleanupSettings,
  DAY_MS,
  type LedgerEntry,
  recordLaunchInLedger,
  runAutosaveCleanup,
} from "../../../lib/autosave/index.js";
import { captureLog, FakeGitLab, FakeLedgerStore, noPause, tick } from "./fakes.js";

const NOW = new Date("2024-06-15T12:00:00.000Z");
const RET = 14 * DAY_MS;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY_MS).toISOString();

const BULK = 30; // expired autosaves in project 6

/** The world before the job, and what must be left after it. */
function world() {
  const gitlab = new FakeGitLab()
    .addProject(1, "g/a")
    .addBranch(1, "master", ago(100))
    .addBranch(1, "renku/autosave/jane/master/1111111/aaaaaaa", ago(20)) // expired
    .addBranch(1, "renku/autosave/jane/master/2222222/bbbbbbb", ago(3)) // superseded by the next
    .addBranch(1, "renku/autosave/jane/master/2222222/ccccccc", ago(1))
    .addBranch(1, "renku/autosave/bob/master/2222222/ddddddd", ago(2))
    .addBranch(1, "renku/autosave/notes", ago(100)) // not an autosave: never touched
    .addProject(2, "g/b")
    .addBranch(2, "main", ago(100))
    .addBranch(2, "renku/autosave/jane/main/3333333/eeeeeee", ago(15))
    .addBranch(2, "renku/autosave/bob/main/3333333/fffffff", ago(40))
    .addProject(3, "g/c") // listing fails
    .addBranch(3, "renku/autosave/jane/main/4444444/0000000", ago(40))
    // project 4 is gone from GitLab
    .addProject(5, "g/e") // no autosaves, launched recently
    .addProject(6, "g/bulk");
  for (let i = 0; i < BULK; i++) {
    gitlab.addBranch(6, `renku/autosave/u${i}/main/5555555/${String(i).padStart(7, "0")}`, ago(30));
  }
  gitlab.failList.add(3);

  const ledger: LedgerEntry[] = [
    { projectId: 1, projectPath: "g/a", lastLaunch: ago(30) },
    { projectId: 2, projectPath: "g/b", lastLaunch: ago(30) },
    { projectId: 3, projectPath: "g/c", lastLaunch: ago(30) },
    { projectId: 4, projectPath: "g/gone", lastLaunch: ago(30) },
    { projectId: 5, projectPath: "g/e", lastLaunch: ago(2) },
    { projectId: 6, projectPath: "g/bulk", lastLaunch: ago(1) },
  ];
  const left = {
    1: [
      "master",
      "renku/autosave/bob/master/2222222/ddddddd",
      "renku/autosave/jane/master/2222222/ccccccc",
      "renku/autosave/notes",
    ],
    2: ["main"],
    3: ["renku/autosave/jane/main/4444444/0000000"],
    5: [],
    6: [],
  };
  // 2 and 4 are empty and old; 6 is empty but launched within the retention.
  const ledgerLeft = [1, 3, 5, 6];
  return { gitlab, store: new FakeLedgerStore(ledger), left, ledgerLeft };
}

type World = ReturnType<typeof world>;

function run(
  w: World,
  opts: { dryRun?: boolean; concurrency?: number; signal?: AbortSignal } = {},
) {
  const captured = captureLog();
  const summary = runAutosaveCleanup({
    gitlab: w.gitlab,
    ledger: w.store,
    log: captured.log,
    now: () => NOW,
    retentionMs: RET,
    dryRun: opts.dryRun ?? false,
    concurrency: opts.concurrency ?? 3,
    signal: opts.signal,
    ledgerOptions: { pause: noPause, attempts: 20 },
  });
  return { summary, records: captured.records };
}

function expectFinished(w: World) {
  for (const [id, names] of Object.entries(w.left)) {
    expect(w.gitlab.branchNames(Number(id)), `project ${id}`).toEqual([...names].sort());
  }
  expect(w.store.entries.map((e) => e.projectId)).toEqual(w.ledgerLeft);
}

describe("scheduled autosave clean-up", () => {
  it("deletes expired and superseded autosaves, keeps the rest, prunes the ledger, and sums up", async () => {
    const w = world();
    const { summary, records } = run(w);
    const s = await summary;
    expectFinished(w);
    expect(s).toEqual({
      dryRun: false,
      interrupted: false,
      projectsScanned: 4, // 1, 2, 5, 6
      projectsMissing: 1, // 4
      projectsFailed: 1, // 3
      branchesEvaluated: 5 + 2 + BULK,
      branchesKept: 3,
      branchesDeleted: 2 + 2 + BULK,
      branchesAlreadyGone: 0,
      branchesSelected: 2 + 2 + BULK,
      branchesFailed: 0,
      byReason: { expired: 1 + 2 + BULK, superseded: 1, recent: 2, undated: 0, "not-autosave": 1 },
      ledgerEntriesPruned: 2,
    } satisfies CleanupSummary);
    // Progress is logged per project as it goes, then the summary.
    const done = records.filter((r) => r.msg === "autosave clean-up: project done");
    expect(done.map((r) => r.projectId).sort()).toEqual([1, 2, 5, 6]);
    expect(records.at(-1)).toMatchObject({ msg: "autosave clean-up finished", summary: s });
    expect(records.some((r) => r.level === 40 && r.projectId === 3)).toBe(true);
  });

  it("in a dry run deletes nothing and leaves the ledger alone, but reports what it would do", async () => {
    const w = world();
    const before = JSON.stringify(w.store.entries);
    const { summary, records } = run(w, { dryRun: true });
    const s = await summary;
    expect(w.gitlab.calls.filter((c) => c.startsWith("deleteBranch"))).toEqual([]);
    expect(w.gitlab.branchNames(1)).toHaveLength(6);
    expect(JSON.stringify(w.store.entries)).toBe(before);
    expect(w.store.writes).toBe(0);
    expect(s).toMatchObject({
      dryRun: true,
      branchesDeleted: 0,
      branchesSelected: 2 + 2 + BULK,
      ledgerEntriesPruned: 1, // only project 4 (gone); 2 would still hold autosaves
    });
    const would = records.filter((r) => r.msg === "autosave clean-up (dry run): would delete");
    expect(would).toHaveLength(2 + 2 + BULK);
    expect(would.map((r) => r.branch)).toContain("renku/autosave/jane/master/2222222/bbbbbbb");
  });

  it("never has more GitLab calls in flight than the configured concurrency", async () => {
    const w = world();
    await run(w, { concurrency: 2 }).summary;
    expect(w.gitlab.maxInFlight).toBeLessThanOrEqual(2);
    expectFinished(w);
  });

  it("counts a failed deletion, goes on, and keeps that project in the ledger", async () => {
    const w = world();
    w.gitlab.failDelete.add("renku/autosave/jane/main/3333333/eeeeeee");
    const s = await run(w).summary;
    expect(s.branchesFailed).toBe(1);
    expect(s.branchesDeleted).toBe(2 + 1 + BULK);
    expect(w.gitlab.branchNames(2)).toEqual(["main", "renku/autosave/jane/main/3333333/eeeeeee"]);
    expect(w.store.entries.map((e) => e.projectId)).toEqual([1, 2, 3, 5, 6]);
  });

  it("is safe when two runs go at once: same end state, nothing counted as failed, no launch lost", async () => {
    const w = world();
    const a = run(w);
    const b = run(w);
    const launch = recordLaunchInLedger(
      w.store,
      { projectId: 7, projectPath: "g/new", at: NOW },
      { pause: noPause, attempts: 20 },
    );
    const [sa, sb] = await Promise.all([a.summary, b.summary, launch]);
    // Both listed before either deleted: the second found every one of its targets gone.
    expect(sa.branchesAlreadyGone + sb.branchesAlreadyGone).toBeGreaterThan(0);
    w.ledgerLeft = [1, 3, 5, 6, 7];
    expectFinished(w);
    expect(sa.branchesFailed + sb.branchesFailed).toBe(0);
    // Between them they deleted every selected branch once; the loser saw it already gone.
    expect(
      sa.branchesDeleted + sb.branchesDeleted - sa.branchesAlreadyGone - sb.branchesAlreadyGone,
    ).toBe(2 + 2 + BULK);
  });

  it("stops cleanly when interrupted, and the next run finishes the job", async () => {
    const w = world();
    const controller = new AbortController();
    const del = w.gitlab.deleteBranch.bind(w.gitlab);
    let n = 0;
    w.gitlab.deleteBranch = async (projectId, name) => {
      if (++n === 5) controller.abort();
      return del(projectId, name);
    };
    const first = await run(w, { signal: controller.signal }).summary;
    expect(first.interrupted).toBe(true);
    expect(first.branchesDeleted).toBeLessThan(2 + 2 + BULK);
    expect(w.store.writes).toBe(0); // the ledger is pruned only by a complete run

    w.gitlab.deleteBranch = del;
    const second = await run(w).summary;
    expect(second.interrupted).toBe(false);
    expect(second.branchesFailed).toBe(0);
    expectFinished(w);
  });

  it("is safe when killed halfway (calls that never return), and the next run finishes the job", async () => {
    const w = world();
    w.gitlab.hangDeletesAfter = 4;
    void run(w).summary; // never settles: the process "died" with deletions in flight
    for (
      let i = 0;
      i < 500 && !w.gitlab.calls.some((c) => c.startsWith("deleteBranch(hung)"));
      i++
    ) {
      await tick();
    }
    expect(w.gitlab.deleteCount).toBe(4);
    expect(w.store.writes).toBe(0);

    w.gitlab.hangDeletesAfter = undefined;
    const s = await run(w).summary;
    expect(s.branchesFailed).toBe(0);
    expectFinished(w);
  });

  it("takes its settings from config.autosave", () => {
    expect(cleanupSettings({ retention_days: 14, dry_run: true, concurrency: 4 })).toEqual({
      retentionMs: RET,
      dryRun: true,
      concurrency: 4,
    });
  });
});

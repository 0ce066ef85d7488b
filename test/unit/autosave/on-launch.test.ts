import { describe, expect, it } from "vitest";
import { cleanupAutosavesOnLaunch, isProperAncestor } from "../../../lib/autosave/index.js";
import { captureLog, FakeGitLab } from "./fakes.js";

const sha = (c: string) => c.repeat(40).slice(0, 40);
// c1 <- c2 <- c3 on master; d1 branches off c2.
const C1 = sha("1a");
const C2 = sha("2b");
const C3 = sha("3c");
const D1 = sha("4d");
const P = 1;

function seeded() {
  return new FakeGitLab()
    .addProject(P, "g/p")
    .addCommit(C1)
    .addCommit(C2, [C1])
    .addCommit(C3, [C2])
    .addCommit(D1, [C2])
    .addBranch(P, `renku/autosave/jane/master/${C1.slice(0, 7)}/aaaaaaa`, "2024-01-01T00:00:00Z")
    .addBranch(P, `renku/autosave/jane/master/${C3.slice(0, 7)}/bbbbbbb`, "2024-01-01T00:00:00Z")
    .addBranch(P, `renku/autosave/jane/side/${D1.slice(0, 7)}/ccccccc`, "2024-01-01T00:00:00Z")
    .addBranch(P, "renku/autosave/jane/master/9999999/ddddddd", "2024-01-01T00:00:00Z")
    .addBranch(P, `renku/autosave/bob/master/${C1.slice(0, 7)}/eeeeeee`, "2024-01-01T00:00:00Z")
    .addBranch(P, "master", "2024-01-01T00:00:00Z");
}

describe("autosave clean-up on launch", () => {
  it("deletes exactly the caller's autosaves whose root is a proper ancestor of the new commit", async () => {
    const gitlab = seeded();
    const { log } = captureLog();
    const res = await cleanupAutosavesOnLaunch(gitlab, {
      projectId: P,
      username: "jane",
      commit: C3,
      log,
    });
    expect(res.deleted).toEqual([`renku/autosave/jane/master/${C1.slice(0, 7)}/aaaaaaa`]);
    expect(res.failed).toEqual([]);
    expect(Object.fromEntries(res.kept.map((k) => [k.name, k.reason]))).toEqual({
      [`renku/autosave/jane/master/${C3.slice(0, 7)}/bbbbbbb`]: "same-commit",
      [`renku/autosave/jane/side/${D1.slice(0, 7)}/ccccccc`]: "not-ancestor",
      "renku/autosave/jane/master/9999999/ddddddd": "no-merge-base",
    });
    expect(gitlab.branchNames(P)).toEqual(
      [
        "master",
        `renku/autosave/bob/master/${C1.slice(0, 7)}/eeeeeee`,
        `renku/autosave/jane/master/${C3.slice(0, 7)}/bbbbbbb`,
        `renku/autosave/jane/side/${D1.slice(0, 7)}/ccccccc`,
        "renku/autosave/jane/master/9999999/ddddddd",
      ].sort(),
    );
  });

  it("keeps everything when the session starts at an older commit", async () => {
    const gitlab = seeded();
    const { log } = captureLog();
    const res = await cleanupAutosavesOnLaunch(gitlab, {
      projectId: P,
      username: "jane",
      commit: C1,
      log,
    });
    expect(res.deleted).toEqual([]);
    expect(gitlab.branchNames(P)).toHaveLength(6);
  });

  it("treats a short commit equal to the root as the same commit, not a descendant", async () => {
    const gitlab = seeded();
    const { log } = captureLog();
    const res = await cleanupAutosavesOnLaunch(gitlab, {
      projectId: P,
      username: "jane",
      commit: C3.slice(0, 7),
      log,
    });
    expect(res.deleted).toEqual([`renku/autosave/jane/master/${C1.slice(0, 7)}/aaaaaaa`]);
    expect(res.kept).toContainEqual({
      name: `renku/autosave/jane/master/${C3.slice(0, 7)}/bbbbbbb`,
      reason: "same-commit",
    });
  });

  it("never throws: a failing listing or merge base is returned and logged", async () => {
    const gitlab = seeded();
    gitlab.failList.add(P);
    const { log, records } = captureLog();
    const res = await cleanupAutosavesOnLaunch(gitlab, {
      projectId: P,
      username: "jane",
      commit: C3,
      log,
    });
    expect(res.deleted).toEqual([]);
    expect(res.failed).toHaveLength(1);
    expect(records.some((r) => r.level === 40)).toBe(true);

    const flaky = seeded();
    flaky.mergeBase = async () => {
      throw new Error("GitLab is unavailable");
    };
    const res2 = await cleanupAutosavesOnLaunch(flaky, {
      projectId: P,
      username: "jane",
      commit: C3,
      log,
    });
    expect(res2.failed).toHaveLength(4);
    expect(flaky.branchNames(P)).toHaveLength(6);
  });
});

describe("isProperAncestor", () => {
  it("compares the merge base's full SHA, not a 7-character prefix against 40 characters", () => {
    expect(isProperAncestor(C1.slice(0, 7), C3, { id: C1 })).toEqual({ ancestor: true });
    expect(isProperAncestor(C1.slice(0, 7), C1, { id: C1 }).ancestor).toBe(false);
    expect(isProperAncestor(C1.slice(0, 7), C3, { id: C2 }).ancestor).toBe(false);
    expect(isProperAncestor(C1.slice(0, 7), C3, undefined).ancestor).toBe(false);
  });

  it("ignores letter case in SHAs", () => {
    expect(isProperAncestor(C1.slice(0, 7).toUpperCase(), C3.toUpperCase(), { id: C1 })).toEqual({
      ancestor: true,
    });
  });
});

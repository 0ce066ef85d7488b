import { describe, expect, it } from "vitest";
import {
  autosavesForCaller,
  deleteOwnAutosave,
  toAutosaveItems,
} from "../../../lib/autosave/index.js";
import { AppError } from "../../../lib/errors.js";
import { captureLog, FakeGitLab } from "./fakes.js";

const P = 7;
function seeded() {
  return new FakeGitLab()
    .addProject(P, "group/sub/proj")
    .addBranch(P, "master", "2024-05-01T10:00:00.000+02:00")
    .addBranch(P, "renku/autosave/jane/master/abc1234/def5678", "2024-05-01T10:00:00.000+02:00")
    .addBranch(P, "renku/autosave/jane/feat/x/1111111/2222222", "2024-05-02T08:30:00Z")
    .addBranch(P, "renku/autosave/bob/master/abc1234/def5678", "2024-05-01T10:00:00Z")
    .addBranch(P, "renku/autosave/jane/broken", "2024-05-01T10:00:00Z")
    .addBranch(P, "renku/autosave/jane/master/abc1234/def5678x", "2024-05-01T10:00:00Z");
}

const jane = { kind: "registered" as const, username: "jane" };

describe("GET autosave listing", () => {
  it("lists only the caller's well-formed autosaves in GitLab's order, dated from the branch list alone", async () => {
    const gitlab = seeded();
    const res = await autosavesForCaller(gitlab, {
      user: jane,
      projectPath: "group/sub/proj",
      pvsSupport: true,
    });
    expect(res).toEqual({
      pvsSupport: true,
      autosaves: [
        {
          branch: "master",
          commit: "abc1234",
          pvs: false,
          date: "2024-05-01T08:00:00.000Z",
          name: "renku/autosave/jane/master/abc1234/def5678",
        },
        {
          branch: "feat/x",
          commit: "1111111",
          pvs: false,
          date: "2024-05-02T08:30:00.000Z",
          name: "renku/autosave/jane/feat/x/1111111/2222222",
        },
      ],
    });
    // One project lookup and one branch list: no request per branch.
    expect(gitlab.calls).toEqual(["getProject group/sub/proj", `listBranches ${P}`]);
  });

  it("answers 404 'Cannot find project' for a project the caller cannot see", async () => {
    const err = await autosavesForCaller(seeded(), {
      user: jane,
      projectPath: "group/hidden",
      pvsSupport: false,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(404);
    expect((err as AppError).message).toBe("Cannot find project group/hidden");
  });

  it("gives anonymous callers an empty list once the project is found, listing no branches", async () => {
    const gitlab = seeded();
    const anon = { kind: "anonymous" as const, username: "anon-1" };
    const res = await autosavesForCaller(gitlab, {
      user: anon,
      projectPath: "group/sub/proj",
      pvsSupport: true,
    });
    expect(res).toEqual({ pvsSupport: true, autosaves: [] });
    expect(gitlab.calls).toEqual(["getProject group/sub/proj"]);
    const missing = await autosavesForCaller(gitlab, {
      user: anon,
      projectPath: "group/missing",
      pvsSupport: true,
    }).catch((e: unknown) => e);
    expect((missing as AppError).status).toBe(404);
  });

  it("gives a null date when GitLab's committed_date is unusable", () => {
    const items = toAutosaveItems(
      [
        {
          name: "renku/autosave/jane/m/1234567/7654321",
          commit: { id: "x", committed_date: "soon" },
        },
      ],
      "jane",
    );
    expect(items[0]?.date).toBeNull();
  });
});

describe("DELETE one autosave", () => {
  const detail =
    "This could be the result of a malformed autosave name or changing your username. If the problem persists you can always find all autosave branches in your Gitlab project.";

  it("deletes the caller's own autosave", async () => {
    const gitlab = seeded();
    const { log } = captureLog();
    const name = "renku/autosave/jane/master/abc1234/def5678";
    await expect(
      deleteOwnAutosave(gitlab, { projectId: P, username: "jane", name, log }),
    ).resolves.toBe("deleted");
    expect(gitlab.branchNames(P)).not.toContain(name);
  });

  it.each(["renku/autosave/bob/master/abc1234/def5678", "renku/autosave/jane/broken", "master"])(
    "refuses %j with the reference 404 and touches nothing",
    async (name) => {
      const gitlab = seeded();
      const { log } = captureLog();
      const before = gitlab.branchNames(P);
      const err = await deleteOwnAutosave(gitlab, {
        projectId: P,
        username: "jane",
        name,
        log,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).toJSON()).toEqual({
        error: { code: 1404, message: `Cannot initialize or find the autosave ${name}.`, detail },
      });
      expect(gitlab.branchNames(P)).toEqual(before);
    },
  );

  it("swallows a GitLab failure (the endpoint still answers 204) and logs it", async () => {
    const gitlab = seeded();
    const name = "renku/autosave/jane/master/abc1234/def5678";
    gitlab.failDelete.add(name);
    const { log, records } = captureLog();
    await expect(
      deleteOwnAutosave(gitlab, { projectId: P, username: "jane", name, log }),
    ).resolves.toBe("failed");
    expect(records.some((r) => r.level === 40 && r.branch === name)).toBe(true);
  });

  it("reports an autosave that is already gone as missing", async () => {
    const gitlab = seeded();
    const { log } = captureLog();
    await expect(
      deleteOwnAutosave(gitlab, {
        projectId: P,
        username: "jane",
        name: "renku/autosave/jane/gone/1234567/7654321",
        log,
      }),
    ).resolves.toBe("missing");
  });
});

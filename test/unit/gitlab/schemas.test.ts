import { describe, expect, it } from "vitest";
import {
  branchListSchema,
  branchSchema,
  commitSchema,
  projectSchema,
  userSchema,
} from "../../../lib/gitlab/schemas.js";

const project = (extra: Record<string, unknown> = {}) => ({
  id: 7,
  name: "hello",
  path_with_namespace: "group/sub/hello",
  http_url_to_repo: "https://gitlab.example.org/group/sub/hello.git",
  web_url: "https://gitlab.example.org/group/sub/hello",
  visibility: "private",
  default_branch: "main",
  star_count: 3,
  ...extra,
});

describe("project answers", () => {
  it("takes the higher of project and group access as the caller's level", () => {
    const p = projectSchema.parse(
      project({
        permissions: {
          project_access: { access_level: 20, notification_level: 3 },
          group_access: { access_level: 40, notification_level: 3 },
        },
      }),
    );
    expect(p).toEqual({
      id: 7,
      path_with_namespace: "group/sub/hello",
      http_url_to_repo: "https://gitlab.example.org/group/sub/hello.git",
      web_url: "https://gitlab.example.org/group/sub/hello",
      visibility: "private",
      default_branch: "main",
      accessLevel: 40,
    });
  });

  it("gives level 0 to anonymous callers (no permissions) and to non-members (nulls)", () => {
    expect(projectSchema.parse(project()).accessLevel).toBe(0);
    const nulls = project({ permissions: { project_access: null, group_access: null } });
    expect(projectSchema.parse(nulls).accessLevel).toBe(0);
  });

  it("accepts an empty repository with no default branch", () => {
    expect(projectSchema.parse(project({ default_branch: null })).default_branch).toBeNull();
  });

  it("rejects answers that lack what the service relies on", () => {
    expect(projectSchema.safeParse(project({ id: "7" })).success).toBe(false);
    expect(projectSchema.safeParse(project({ visibility: "secret" })).success).toBe(false);
    const { http_url_to_repo: _, ...noRepo } = project();
    expect(projectSchema.safeParse(noRepo).success).toBe(false);
  });
});

const commit = {
  id: "a".repeat(40),
  short_id: "aaaaaaaa",
  committed_date: "2024-03-04T09:00:00.000+00:00",
  parent_ids: ["b".repeat(40)],
  title: "t",
  message: "t",
};

describe("branch, commit and user answers", () => {
  it("keeps the branch name and its head commit", () => {
    const b = branchSchema.parse({
      name: "renku/autosave/a/main/1234567/abcdefg",
      commit,
      merged: false,
    });
    expect(b).toEqual({
      name: "renku/autosave/a/main/1234567/abcdefg",
      commit: {
        id: commit.id,
        committed_date: commit.committed_date,
        parent_ids: commit.parent_ids,
      },
    });
    expect(branchListSchema.parse([])).toEqual([]);
    expect(branchSchema.safeParse({ name: "x", commit: { id: "a" } }).success).toBe(false);
  });

  it("reads a commit, defaulting missing parent ids to none", () => {
    const { parent_ids: _, ...root } = commit;
    expect(commitSchema.parse(root).parent_ids).toEqual([]);
    expect(commitSchema.parse(commit)).toEqual({
      id: commit.id,
      short_id: "aaaaaaaa",
      committed_date: commit.committed_date,
      parent_ids: commit.parent_ids,
    });
  });

  it("reads the current user, email optional", () => {
    expect(userSchema.parse({ id: 1, username: "a", name: "A", state: "active" })).toEqual({
      id: 1,
      username: "a",
      name: "A",
      email: null,
    });
    expect(userSchema.safeParse({ username: "a", name: "A" }).success).toBe(false);
  });
});

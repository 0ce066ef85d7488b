import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadSeed, parseSeed, resolveDate } from "./seed.js";

const AUTOSAVE = /^renku\/autosave\/([^/]+)\/(.+)\/([a-zA-Z0-9]{7})\/([a-zA-Z0-9]{7})$/;

describe("the local seed", () => {
  afterEach(() => {
    delete process.env.LOCAL_SEED_FILE;
  });

  it("has the public demo project with a default branch and history", () => {
    const seed = loadSeed();
    const demo = seed.projects.find((p) => p.path === "renku-demo/hello-world");
    expect(demo?.visibility).toBe("public");
    const master = demo?.branches.find((b) => b.name === "master");
    const head = demo?.commits.find((c) => c.id === master?.commit);
    expect(head?.parents.length).toBe(1);
    expect(demo?.commits.length).toBeGreaterThanOrEqual(3);
    // The registry setup owns the images' content; the loader only guarantees a list.
    expect(Array.isArray(seed.images)).toBe(true);
  });

  it("has a subgroup project, a private project, and well-formed autosaves whose root is their parent", () => {
    const seed = loadSeed();
    expect(seed.projects.some((p) => p.path.split("/").length === 3)).toBe(true);
    expect(seed.projects.some((p) => p.visibility === "private")).toBe(true);
    const usernames = new Set(seed.users.map((u) => u.username));
    const autosaves = seed.projects.flatMap((p) =>
      p.branches.filter((b) => b.name.startsWith("renku/autosave/")).map((b) => ({ p, b })),
    );
    expect(autosaves.length).toBeGreaterThanOrEqual(3);
    for (const { p, b } of autosaves) {
      const m = AUTOSAVE.exec(b.name);
      expect(m, b.name).not.toBeNull();
      expect(usernames.has(m?.[1] ?? "")).toBe(true);
      expect(b.commit.startsWith(m?.[4] ?? "-")).toBe(true);
      const head = p.commits.find((c) => c.id === b.commit);
      expect(head?.parents[0]?.startsWith(m?.[3] ?? "-")).toBe(true);
    }
  });

  it("follows LOCAL_SEED_FILE", () => {
    const dir = mkdtempSync(join(tmpdir(), "seed-"));
    const file = join(dir, "seed.json");
    writeFileSync(file, JSON.stringify({ users: [], projects: [], images: ["x/y:1"] }));
    process.env.LOCAL_SEED_FILE = file;
    expect(loadSeed().images).toEqual(["x/y:1"]);
  });

  it("names every problem of a broken seed with its path", () => {
    const sha = "a".repeat(40);
    const broken = {
      users: [],
      projects: [
        {
          id: 1,
          path: "g/p",
          visibility: "public",
          default_branch: "main",
          members: [{ username: "ghost", access_level: 30 }],
          commits: [{ id: sha, parents: ["b".repeat(40)], message: "m", committed_date: "never" }],
          branches: [{ name: "main", commit: "c".repeat(40) }],
        },
      ],
    };
    expect(() => parseSeed(broken)).toThrow(/projects\.0\.commits\.0\.committed_date/);
    const fixedDate = structuredClone(broken);
    (fixedDate.projects[0]?.commits[0] as { committed_date: string }).committed_date = "now-1d";
    expect(() => parseSeed(fixedDate)).toThrow(
      /unknown user ghost.*unknown parent.*unknown commit/,
    );
  });

  it("turns relative dates into GitLab's ISO form", () => {
    const now = Date.parse("2024-05-10T12:00:00Z");
    expect(resolveDate("now-2d", now)).toBe("2024-05-08T12:00:00.000+00:00");
    expect(resolveDate("now-3h", now)).toBe("2024-05-10T09:00:00.000+00:00");
    expect(resolveDate("now", now)).toBe("2024-05-10T12:00:00.000+00:00");
    expect(resolveDate("2024-01-02T03:04:05+01:00", now)).toBe("2024-01-02T02:04:05.000+00:00");
  });
});

/** The GitLab client against the GitLab double, over real HTTP on 127.0.0.1. */
import { Writable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../../lib/errors.js";
import { createGitLabClient } from "../../../lib/gitlab/client.js";
import { createLogger } from "../../../lib/obs/log.js";
import { type GitLabDouble, startGitLabDouble } from "../../local/gitlab/index.js";
import { loadSeed } from "../../local/seed.js";

const ALICE = "glpat-alice-secret";
const BOB = "glpat-bob-secret";
const CAROL = "glpat-carol-secret"; // guest on bob/secret
const DAVE = "glpat-dave-secret"; // member of nothing
const SERVICE = "glpat-service-secret";

let gl: GitLabDouble;
const seed = loadSeed();
const hello = seed.projects.find((p) => p.path === "renku-demo/hello-world");
if (!hello) throw new Error("seed lacks renku-demo/hello-world");
const masterSha = hello.branches.find((b) => b.name === "master")?.commit ?? "";

const client = (token?: string, extra: { timeoutMs?: number; maxRetryMs?: number } = {}) =>
  createGitLabClient({ baseUrl: gl.url, token, timeoutMs: extra.timeoutMs ?? 60_000, ...extra });

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  gl = await startGitLabDouble({ seed });
});
afterAll(async () => {
  await gl.stop();
});
afterEach(() => {
  gl.clearFaults();
  gl.setLatency(0);
});

describe("projects", () => {
  it("finds a public project anonymously, with no access level", async () => {
    const p = await client().getProject("renku-demo/hello-world");
    expect(p).toEqual({
      id: 1001,
      path_with_namespace: "renku-demo/hello-world",
      http_url_to_repo: `${gl.url}/renku-demo/hello-world.git`,
      web_url: `${gl.url}/renku-demo/hello-world`,
      visibility: "public",
      default_branch: "master",
      accessLevel: 0,
    });
  });

  it("URL-encodes subgroup paths and reports group-granted access", async () => {
    gl.calls.length = 0;
    const p = await client(BOB).getProject("renku-demo/analysis/climate-model");
    expect(p?.id).toBe(1003);
    expect(p?.accessLevel).toBe(30);
    expect(gl.calls[0]?.path).toBe("/api/v4/projects/renku-demo%2Fanalysis%2Fclimate-model");
    expect(gl.calls[0]?.user).toBe("bob");
  });

  it("shows a private project to its members only", async () => {
    expect((await client(ALICE).getProject("alice/private-notes"))?.accessLevel).toBe(50);
    expect(await client().getProject("alice/private-notes")).toBeUndefined();
    expect(await client(DAVE).getProject("alice/private-notes")).toBeUndefined();
  });

  it("shows an internal project to any signed-in user but not to anonymous callers", async () => {
    expect((await client(DAVE).getProject("renku-demo/internal-tools"))?.visibility).toBe(
      "internal",
    );
    expect(await client().getProject("renku-demo/internal-tools")).toBeUndefined();
  });

  it("treats a missing project and an invalid token (401) as missing", async () => {
    expect(await client(ALICE).getProject("nobody/nothing")).toBeUndefined();
    expect(await client("glpat-revoked").getProject("renku-demo/hello-world")).toBeUndefined();
  });
});

describe("branches and commits", () => {
  it("gets a branch whose name contains a slash", async () => {
    gl.calls.length = 0;
    const b = await client().getBranch(1001, "feature/plots");
    expect(b?.name).toBe("feature/plots");
    expect(b?.commit.parent_ids?.length).toBe(1);
    expect(gl.calls[0]?.path).toBe("/api/v4/projects/1001/repository/branches/feature%2Fplots");
    expect(await client().getBranch(1001, "no-such-branch")).toBeUndefined();
  });

  it("gets a commit by SHA; unknown SHAs are missing", async () => {
    const c = await client(ALICE).getCommit(1001, masterSha);
    expect(c).toMatchObject({ id: masterSha, short_id: masterSha.slice(0, 8) });
    expect(c?.parent_ids).toHaveLength(1);
    expect(await client(ALICE).getCommit(1001, "f".repeat(40))).toBeUndefined();
  });

  it("hides a private project's repository from a guest (403) as missing", async () => {
    expect((await client(CAROL).getProject("bob/secret"))?.accessLevel).toBe(10);
    expect(await client(CAROL).getBranch(1005, "main")).toBeUndefined();
    expect(await client(CAROL).listBranches(1005, "^")).toEqual([]);
    expect(await client(BOB).getBranch(1005, "main")).toBeDefined();
  });

  it("lists autosave branches with ^prefix search only", async () => {
    const names = (await client(ALICE).listBranches(1001, "^renku/autosave/")).map((b) => b.name);
    expect(names.length).toBe(3);
    expect(names.every((n) => n.startsWith("renku/autosave/"))).toBe(true);
    expect(names).toEqual([...names].sort());
  });

  it("follows pagination across several pages", async () => {
    const root = gl.state.project(1003)?.branches.get("main")?.commit ?? "";
    for (let i = 0; i < 230; i++) {
      gl.state.setBranch(
        1003,
        `renku/autosave/bob/main/${root.slice(0, 7)}/${String(i).padStart(7, "0")}`,
        root,
      );
    }
    gl.calls.length = 0;
    const branches = await client(SERVICE).listBranches(1003, "^renku/autosave/bob/");
    expect(branches).toHaveLength(230);
    expect(new Set(branches.map((b) => b.name)).size).toBe(230);
    const pages = gl.calls.map((c) => new URL(c.path, gl.url).searchParams);
    expect(pages.map((q) => q.get("page"))).toEqual(["1", "2", "3"]);
    expect(
      pages.every((q) => q.get("per_page") === "100" && q.get("search") === "^renku/autosave/bob/"),
    ).toBe(true);
  });

  it("finds the merge base by walking parent links, and undefined for unknown refs", async () => {
    const plots = hello.branches.find((b) => b.name === "feature/plots")?.commit ?? "";
    const forkPoint = hello.commits.find((c) => c.id === plots)?.parents[0];
    const base = await client(ALICE).mergeBase(1001, [plots, masterSha]);
    expect(base?.id).toBe(forkPoint);
    // An ancestor's merge base with a descendant is the ancestor itself.
    expect((await client(ALICE).mergeBase(1001, [forkPoint ?? "", masterSha]))?.id).toBe(forkPoint);
    expect(await client(ALICE).mergeBase(1001, ["e".repeat(40), masterSha])).toBeUndefined();
    const q = new URL(gl.calls.at(-1)?.path ?? "", gl.url).searchParams;
    expect(q.getAll("refs[]")).toEqual(["e".repeat(40), masterSha]);
  });

  it("has no merge base between unrelated histories", async () => {
    gl.state.addCommit(1001, { id: "1".repeat(40), message: "orphan", committed_date: "now" });
    expect(await client(ALICE).mergeBase(1001, ["1".repeat(40), masterSha])).toBeUndefined();
  });
});

describe("deleting branches", () => {
  it("really removes the branch, then reports it missing", async () => {
    const name = "renku/autosave/alice/master/aaaaaaa/bbbbbbb";
    gl.state.setBranch(1001, name, masterSha);
    expect(await client(ALICE).deleteBranch(1001, name)).toBe("deleted");
    expect(await client(ALICE).getBranch(1001, name)).toBeUndefined();
    expect(await client(ALICE).deleteBranch(1001, name)).toBe("missing");
  });

  it("refuses non-developers with 403 and anonymous callers with 401, leaving the branch", async () => {
    const name = "renku/autosave/bob/main/ccccccc/ddddddd";
    gl.state.setBranch(1001, name, masterSha);
    expect(await failure(client(DAVE).deleteBranch(1001, name))).toMatchObject({
      status: 403,
      code: 1403,
    });
    expect(await failure(client().deleteBranch(1001, name))).toMatchObject({
      status: 401,
      code: 1401,
    });
    expect(await client().getBranch(1001, name)).toBeDefined();
  });
});

describe("the service account", () => {
  it("sees private projects' autosaves and may delete them, as a GitLab administrator", async () => {
    const bot = client(SERVICE);
    const autosaves = await bot.listBranches(1002, "^renku/autosave/");
    expect(autosaves.map((b) => b.name)).toEqual([
      expect.stringMatching(/^renku\/autosave\/alice\/master\/[0-9a-f]{7}\/[0-9a-f]{7}$/),
    ]);
    const name = autosaves[0]?.name ?? "";
    expect(await bot.deleteBranch(1002, name)).toBe("deleted");
    expect(await client(ALICE).getBranch(1002, name)).toBeUndefined();
    expect(gl.calls.at(-2)).toMatchObject({ method: "DELETE", user: "renku-bot" });
  });
});

describe("the current user", () => {
  it("answers who the token belongs to", async () => {
    expect(await client(ALICE).currentUser()).toEqual({
      id: 11,
      username: "alice",
      name: "Alice Example",
      email: "alice@example.org",
    });
  });

  it("turns a missing or invalid token into 401 asking to log in again", async () => {
    for (const token of [undefined, "glpat-revoked"]) {
      const err = await failure(client(token).currentUser());
      expect(err).toMatchObject({ status: 401, code: 1401 });
      expect(err.message).toMatch(/Gitlab credentials are invalid or expired/);
    }
  });
});

describe("faults", () => {
  it("retries a 429 after Retry-After and succeeds", async () => {
    gl.injectFault({ kind: "429", retryAfterSeconds: 1, times: 1, pathPattern: /\/user$/ });
    gl.calls.length = 0;
    expect((await client(ALICE).currentUser()).username).toBe("alice");
    expect(gl.calls.filter((c) => c.path === "/api/v4/user")).toHaveLength(2);
  });

  it("gives up at once with 503/3503 when Retry-After exceeds the budget", async () => {
    gl.injectFault({ kind: "429", retryAfterSeconds: 60 });
    gl.calls.length = 0;
    const err = await failure(client(ALICE).getProject("renku-demo/hello-world"));
    expect(err).toMatchObject({ status: 503, code: 3503 });
    expect(err.message).toMatch(/GitLab is rate limiting/);
    expect(gl.calls).toHaveLength(1);
  });

  it("retries 5xx and connection resets on idempotent calls", async () => {
    gl.injectFault({ kind: "500", times: 1, method: "GET" });
    gl.injectFault({ kind: "503", times: 1, method: "GET" });
    gl.injectFault({ kind: "reset", times: 1, method: "GET" });
    gl.calls.length = 0;
    expect((await client().getProject("renku-demo/hello-world"))?.id).toBe(1001);
    expect(gl.calls).toHaveLength(4);
    const name = "renku/autosave/alice/master/eeeeeee/fffffff";
    gl.state.setBranch(1001, name, masterSha);
    gl.injectFault({ kind: "503", times: 1, method: "DELETE" });
    expect(await client(ALICE).deleteBranch(1001, name)).toBe("deleted");
  });

  it("reports persistent 5xx as GitLab being unavailable (503/3503)", async () => {
    gl.injectFault({ kind: "500" });
    const err = await failure(client(ALICE, { maxRetryMs: 400 }).getBranch(1001, "master"));
    expect(err).toMatchObject({ status: 503, code: 3503 });
    expect(err.message).toMatch(/GitLab is unavailable/);
  });

  it("turns a hang into a timeout error naming GitLab", async () => {
    gl.injectFault({ kind: "hang", times: 1 });
    const err = await failure(
      client(ALICE, { timeoutMs: 300 }).getProject("renku-demo/hello-world"),
    );
    expect(err).toMatchObject({ status: 503, code: 3503 });
    expect(err.message).toMatch(/GitLab did not answer within 300 ms/);
  });

  it("turns a connection refused into 503/3503", async () => {
    const gone = await startGitLabDouble({ seed });
    const url = gone.url;
    await gone.stop();
    const err = await failure(
      createGitLabClient({ baseUrl: url, timeoutMs: 500, maxRetryMs: 300 }).currentUser(),
    );
    expect(err).toMatchObject({ status: 503, code: 3503, message: "GitLab cannot be reached." });
  });

  it("adds latency without changing answers", async () => {
    gl.setLatency(50);
    expect((await client().getBranch(1001, "master"))?.commit.id).toBe(masterSha);
  });
});

describe("secrets", () => {
  it("never puts the token into errors or logs", async () => {
    const token = "glpat-alice-secret";
    const lines: string[] = [];
    const log = createLogger(
      "trace",
      new Writable({
        write(chunk, _e, cb) {
          lines.push(String(chunk));
          cb();
        },
      }),
    );
    const gitlab = createGitLabClient({
      baseUrl: gl.url,
      token,
      timeoutMs: 300,
      maxRetryMs: 500,
      log,
    });
    const errors: unknown[] = [];
    gl.injectFault({ kind: "hang", times: 1 });
    errors.push(await failure(gitlab.getProject("alice/private-notes")));
    gl.injectFault({ kind: "429", retryAfterSeconds: 0, times: 10 });
    errors.push(await failure(gitlab.currentUser()));
    gl.clearFaults();
    gl.injectFault({ kind: "reset" });
    errors.push(await failure(gitlab.getBranch(1002, "master")));
    gl.clearFaults();
    errors.push(await failure(gitlab.deleteBranch(1003, "main"))); // alice is no member: 403
    await gitlab.listBranches(1002, "^renku/");
    expect(lines.length).toBeGreaterThan(5);
    for (const err of errors) {
      const e = err as AppError;
      const text = [e.message, e.detail, JSON.stringify(e.toJSON()), String(e.cause), e.stack].join(
        "\n",
      );
      expect(text).not.toContain(token);
    }
    expect(lines.join("\n")).not.toContain(token);
  });
});

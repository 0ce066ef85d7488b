/** The GitLab double's wire format, read raw, as a GitLab client library would see it. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GitLabDouble, startGitLabDouble } from "../../local/gitlab/index.js";

let gl: GitLabDouble;
const ALICE = { authorization: "Bearer glpat-alice-secret" };

const get = async (path: string, headers: Record<string, string> = {}, method = "GET") => {
  const res = await fetch(`${gl.url}/api/v4${path}`, { method, headers });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as unknown) : undefined,
  };
};

beforeAll(async () => {
  gl = await startGitLabDouble();
  for (let i = 0; i < 45; i++) {
    gl.state.setBranch(
      1001,
      `z-page-${String(i).padStart(2, "0")}`,
      gl.state.project(1001)?.branches.get("master")?.commit ?? "",
    );
  }
});
afterAll(async () => {
  await gl.stop();
});

describe("GitLab double: entities", () => {
  it("renders permissions only for authenticated callers", async () => {
    const anon = await get("/projects/renku-demo%2Fhello-world");
    expect(anon.body).not.toHaveProperty("permissions");
    expect(anon.body).toMatchObject({ namespace: { full_path: "renku-demo", kind: "group" } });
    const alice = await get("/projects/1001", ALICE);
    expect(alice.body).toMatchObject({
      permissions: { project_access: { access_level: 40 }, group_access: null },
    });
  });

  it("accepts PRIVATE-TOKEN as well as a bearer token", async () => {
    const me = await get("/user", { "private-token": "glpat-bob-secret" });
    expect(me.body).toMatchObject({ username: "bob", email: "bob@example.org", state: "active" });
  });
});

describe("GitLab double: pagination", () => {
  it("sends GitLab's pagination headers and links", async () => {
    const page2 = await get(
      "/projects/1001/repository/branches?search=%5Ez-page-&per_page=20&page=2",
    );
    expect((page2.body as unknown[]).length).toBe(20);
    expect(
      Object.fromEntries(
        ["x-page", "x-per-page", "x-next-page", "x-prev-page", "x-total", "x-total-pages"].map(
          (h) => [h, page2.headers.get(h)],
        ),
      ),
    ).toEqual({
      "x-page": "2",
      "x-per-page": "20",
      "x-next-page": "3",
      "x-prev-page": "1",
      "x-total": "45",
      "x-total-pages": "3",
    });
    const link = page2.headers.get("link") ?? "";
    expect(link).toMatch(/<[^>]*page=1[^>]*>; rel="prev"/);
    expect(link).toMatch(/<[^>]*page=3[^>]*>; rel="next"/);
    expect(link).toMatch(/rel="first"/);
    expect(link).toMatch(/<[^>]*page=3[^>]*>; rel="last"/);
    const last = await get(
      "/projects/1001/repository/branches?search=%5Ez-page-&per_page=20&page=3",
    );
    expect((last.body as unknown[]).length).toBe(5);
    expect(last.headers.get("x-next-page")).toBe("");
  });

  it("supports suffix and substring search", async () => {
    const suffix = await get("/projects/1001/repository/branches?search=plots%24");
    expect((suffix.body as { name: string }[]).map((b) => b.name)).toEqual(["feature/plots"]);
    const sub = await get("/projects/1001/repository/branches?search=PAGE-4&per_page=100");
    expect((sub.body as unknown[]).length).toBe(5);
  });
});

describe("GitLab double: error bodies", () => {
  it("answers like GitLab for missing things and bad credentials", async () => {
    expect(await get("/projects/alice%2Fprivate-notes")).toMatchObject({
      status: 404,
      body: { message: "404 Project Not Found" },
    });
    expect(await get("/projects/1001/repository/branches/nope")).toMatchObject({
      status: 404,
      body: { message: "404 Branch Not Found" },
    });
    expect(await get(`/projects/1001/repository/commits/${"0".repeat(40)}`)).toMatchObject({
      status: 404,
      body: { message: "404 Commit Not Found" },
    });
    expect(await get("/user")).toMatchObject({
      status: 401,
      body: { message: "401 Unauthorized" },
    });
    expect(await get("/projects/1001", { authorization: "Bearer nope" })).toMatchObject({
      status: 401,
      body: { message: "401 Unauthorized" },
    });
    expect(
      await get("/projects/1001/repository/merge_base?refs%5B%5D=master&refs%5B%5D=nope"),
    ).toMatchObject({
      status: 400,
      body: { message: "Could not find ref: nope" },
    });
    expect(await get("/projects/1001/repository/merge_base?refs%5B%5D=master")).toMatchObject({
      status: 400,
      body: { message: "Provide at least 2 refs" },
    });
    expect(await get("/nothing/here")).toMatchObject({
      status: 404,
      body: { error: "404 Not Found" },
    });
  });

  it("records each call with its raw path and caller", async () => {
    gl.calls.length = 0;
    await get("/projects/renku-demo%2Fhello-world", ALICE);
    expect(gl.calls).toEqual([
      { method: "GET", path: "/api/v4/projects/renku-demo%2Fhello-world", user: "alice" },
    ]);
  });
});

describe("GitLab double: faults", () => {
  it("injects 429 with Retry-After a limited number of times", async () => {
    gl.injectFault({ kind: "429", retryAfterSeconds: 7, times: 1, pathPattern: /\/user/ });
    const limited = await fetch(`${gl.url}/api/v4/user`, { headers: ALICE });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(await limited.text()).toBe("Retry later\n");
    expect((await get("/user", ALICE)).status).toBe(200);
  });

  it("injects 5xx on matching methods only and resets connections", async () => {
    gl.injectFault({ kind: "503", method: "DELETE", times: 1 });
    expect((await get("/projects/1001", ALICE)).status).toBe(200);
    expect(
      await get("/projects/1001/repository/branches/z-page-00", ALICE, "DELETE"),
    ).toMatchObject({
      status: 503,
      body: { message: "503 Service Unavailable" },
    });
    gl.injectFault({ kind: "reset", times: 1 });
    await expect(fetch(`${gl.url}/api/v4/user`)).rejects.toThrow();
    gl.injectFault({ kind: "500" });
    expect((await get("/user", ALICE)).status).toBe(500);
    gl.clearFaults();
    expect((await get("/user", ALICE)).status).toBe(200);
  });

  it("hangs until the client gives up", async () => {
    gl.injectFault({ kind: "hang", times: 1 });
    await expect(
      fetch(`${gl.url}/api/v4/user`, { signal: AbortSignal.timeout(200) }),
    ).rejects.toMatchObject({ name: "TimeoutError" });
  });
});

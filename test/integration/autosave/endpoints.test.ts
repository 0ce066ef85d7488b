/**
 * GET and DELETE /notebooks/{namespace_project}/autosave through the real middy stack, against the
 * GitLab double over HTTP (seed: test/local/seed.json, docs/seed.md) with the caller's own token.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { main as del } from "../../../functions/autosaves/delete.js";
import { main as list } from "../../../functions/autosaves/list.js";
import { invoke } from "../../helpers/events.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { anonHeaders, registeredHeaders } from "../../helpers/users.js";
import { addAutosave, branchNames, DAY } from "./fixtures.js";

const HELLO = "renku-demo/hello-world";
const CLIMATE = "renku-demo/analysis/climate-model";
// Seeded in hello-world (docs/seed.md): two of alice's on master, one of bob's on feature/plots.
const ALICE_FRESH = "renku/autosave/alice/master/41e286a/8ae5118";
const ALICE_STALE = "renku/autosave/alice/master/9b1eb29/9be9409";
const BOB_PLOTS = "renku/autosave/bob/feature/plots/4800fe1/29edd3e";
const CLIMATE_MAIN = "7d9d32a883c845e52067fa681ad8f3c38acbddcd";
const ALICE_PRIVATE = "renku/autosave/alice/master/d4b90de/de7d00a";
const NOT_FOUND_DETAIL =
  "This could be the result of a malformed autosave name or changing your username. If the problem persists you can always find all autosave branches in your Gitlab project.";

const alice = registeredHeaders({ username: "alice" });
const bob = registeredHeaders({ username: "bob" });
const dave = registeredHeaders({ username: "dave" });
const anon = anonHeaders("anon-autosave-1");

let stack: SessionStack;
let climateAutosave: string;

beforeAll(async () => {
  stack = await startSessionStack();
  // bob is a developer of the subgroup project through its group; give him an autosave there.
  climateAutosave = addAutosave(stack.gitlab, {
    project: CLIMATE,
    username: "bob",
    branch: "main",
    root: CLIMATE_MAIN,
    ageMs: DAY,
  });
});
afterAll(() => stack?.stop());
beforeEach(() => {
  stack.gitlab.calls.length = 0;
});

const enc = encodeURIComponent;

/** As API Gateway hands it over: the path parameters still percent-encoded. */
const getList = (project: string, headers: Record<string, string>) =>
  invoke(list, {
    path: `/notebooks/${enc(project)}/autosave`,
    headers,
    pathParameters: { namespace_project: enc(project) },
  });

const deleteOne = (project: string, name: string, headers: Record<string, string>) =>
  invoke(del, {
    method: "DELETE",
    path: `/notebooks/${enc(project)}/autosave/${enc(name)}`,
    headers,
    pathParameters: { namespace_project: enc(project), autosave_name: enc(name) },
  });

describe("GET /notebooks/{namespace_project}/autosave", () => {
  it("lists only the caller's own autosaves, with their parts and head commit dates", async () => {
    const res = await getList(HELLO, alice);
    expect(res.status).toBe(200);
    expect(res.json.pvsSupport).toBe(true);
    const byName = new Map(
      (res.json.autosaves as { name: string }[]).map((a) => [a.name, a] as const),
    );
    expect([...byName.keys()].sort()).toEqual([ALICE_FRESH, ALICE_STALE].sort());
    expect(byName.get(ALICE_FRESH)).toMatchObject({
      branch: "master",
      commit: "41e286a",
      pvs: false,
      name: ALICE_FRESH,
    });
    const fresh = byName.get(ALICE_FRESH) as unknown as { date: string };
    const stale = byName.get(ALICE_STALE) as unknown as { date: string };
    // Seeded as now-1d and now-30d: real instants, in ISO form, in that order.
    expect(new Date(fresh.date).toISOString()).toBe(fresh.date);
    expect(Date.parse(fresh.date)).toBeGreaterThan(Date.parse(stale.date));
    expect(Date.now() - Date.parse(stale.date)).toBeGreaterThan(20 * DAY);
  });

  it("takes the dates from the branch list: no request per branch", async () => {
    await getList(HELLO, alice);
    const branchCalls = stack.gitlab.calls.filter((c) => c.path.includes("/repository/branches"));
    expect(branchCalls).toHaveLength(1);
    expect(branchCalls[0]?.path).toContain("search=%5Erenku%2Fautosave%2F");
    // Every call was made with alice's own token.
    expect(new Set(stack.gitlab.calls.map((c) => c.user))).toEqual(new Set(["alice"]));
  });

  it("keeps a session branch that contains slashes whole", async () => {
    const res = await getList(HELLO, bob);
    expect(res.status).toBe(200);
    expect(res.json.autosaves).toEqual([
      expect.objectContaining({ name: BOB_PLOTS, branch: "feature/plots", commit: "4800fe1" }),
    ]);
  });

  it("resolves subgroup paths, encoded or already decoded", async () => {
    const encoded = await getList(CLIMATE, bob);
    expect(encoded.status).toBe(200);
    expect(encoded.json.autosaves.map((a: { name: string }) => a.name)).toEqual([climateAutosave]);
    const decoded = await invoke(list, {
      path: `/notebooks/${CLIMATE}/autosave`,
      headers: bob,
      pathParameters: { namespace_project: CLIMATE },
    });
    expect(decoded.status).toBe(200);
    expect(decoded.json).toEqual(encoded.json);
  });

  it("shows a user nobody else's autosaves in a project they can see", async () => {
    const res = await getList(HELLO, dave);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ pvsSupport: true, autosaves: [] });
  });

  it("lists a private project's autosaves to its member", async () => {
    const res = await getList("alice/private-notes", alice);
    expect(res.status).toBe(200);
    expect(res.json.autosaves.map((a: { name: string }) => a.name)).toEqual([ALICE_PRIVATE]);
  });

  it("is 404 for a project the caller cannot see, without saying whether it exists", async () => {
    const hidden = await getList("alice/private-notes", dave);
    expect(hidden.status).toBe(404);
    expect(hidden.json.error.message).toBe("Cannot find project alice/private-notes");
    const missing = await getList("nobody/nothing", dave);
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toBe("Cannot find project nobody/nothing");
    expect(hidden.json.error.code).toBe(missing.json.error.code);
  });

  it("answers anonymous callers with an empty list for a public project, without their branches", async () => {
    const res = await getList(HELLO, anon);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ pvsSupport: true, autosaves: [] });
    expect(stack.gitlab.calls.map((c) => c.path)).not.toContainEqual(
      expect.stringContaining("/repository/branches"),
    );
  });

  it("answers anonymous callers 404 for a project that is missing or not public", async () => {
    for (const project of ["renku-demo/no-such-project", "alice/private-notes"]) {
      const res = await getList(project, anon);
      expect(res.status).toBe(404);
      expect(res.json).toEqual({
        error: { code: 1404, message: `Cannot find project ${project}` },
      });
    }
  });

  it("is 401 without credentials", async () => {
    const res = await getList(HELLO, {});
    expect(res.status).toBe(401);
  });
});

describe("DELETE /notebooks/{namespace_project}/autosave/{autosave_name}", () => {
  const expectAutosave404 = (res: Awaited<ReturnType<typeof deleteOne>>, name: string) => {
    expect(res.status).toBe(404);
    expect(res.json.error.message).toBe(`Cannot initialize or find the autosave ${name}.`);
    expect(res.json.error.detail).toBe(NOT_FOUND_DETAIL);
  };

  it("refuses another user's autosave with the reference 404 and leaves it alone", async () => {
    const res = await deleteOne(HELLO, BOB_PLOTS, alice);
    expectAutosave404(res, BOB_PLOTS);
    expect(branchNames(stack.gitlab, HELLO)).toContain(BOB_PLOTS);
    expect(stack.gitlab.calls.some((c) => c.method === "DELETE")).toBe(false);
  });

  it("refuses a malformed name with the same 404", async () => {
    for (const name of ["master", "renku/autosave/alice/master/41e286a", "renku/autosave/alice"]) {
      expectAutosave404(await deleteOne(HELLO, name, alice), name);
    }
    expect(branchNames(stack.gitlab, HELLO)).toContain("master");
  });

  it("is 404 for a project the caller cannot see", async () => {
    const res = await deleteOne("alice/private-notes", ALICE_PRIVATE, dave);
    expect(res.status).toBe(404);
    expect(res.json.error.message).toBe("Cannot find project alice/private-notes");
    expect(branchNames(stack.gitlab, "alice/private-notes")).toContain(ALICE_PRIVATE);
  });

  it("refuses anonymous callers: no autosave is ever theirs", async () => {
    const res = await deleteOne(HELLO, ALICE_STALE, anon);
    expectAutosave404(res, ALICE_STALE);
    expect(branchNames(stack.gitlab, HELLO)).toContain(ALICE_STALE);
  });

  it("deletes the caller's own autosave (204, empty) and the list no longer shows it", async () => {
    const res = await deleteOne(HELLO, ALICE_STALE, alice);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect(branchNames(stack.gitlab, HELLO)).not.toContain(ALICE_STALE);
    expect(branchNames(stack.gitlab, HELLO)).toContain(ALICE_FRESH);
    const after = await getList(HELLO, alice);
    expect(after.json.autosaves.map((a: { name: string }) => a.name)).toEqual([ALICE_FRESH]);
  });

  it("answers 204 again for an autosave that is already gone", async () => {
    const res = await deleteOne(HELLO, ALICE_STALE, alice);
    expect(res.status).toBe(204);
  });

  it("deletes in a subgroup project with an encoded branch name", async () => {
    const res = await deleteOne(CLIMATE, climateAutosave, bob);
    expect(res.status).toBe(204);
    expect(branchNames(stack.gitlab, CLIMATE)).toEqual(["main"]);
    const del = stack.gitlab.calls.find((c) => c.method === "DELETE");
    // The branch name travels as one encoded path segment.
    expect(del?.path).toContain(enc(climateAutosave));
  });

  it("never echoes the caller's tokens", async () => {
    const res = await deleteOne(HELLO, BOB_PLOTS, alice);
    expect(res.text).not.toContain("glpat-alice-secret");
    expect(stack.logs.join("")).not.toContain("glpat-alice-secret");
  });
});

describe("project paths and names with unencoded slashes (API Gateway's {proxy+} route)", () => {
  const greedy = (method: string, rest: string, headers: Record<string, string>) =>
    invoke(method === "GET" ? list : del, {
      method,
      path: `/notebooks/${rest}`,
      headers,
      pathParameters: { proxy: rest },
    });

  it("lists a subgroup project's autosaves as the encoded path does", async () => {
    const plain = await greedy("GET", `${HELLO}/autosave`, alice);
    expect(plain.status).toBe(200);
    expect(plain.json).toEqual((await getList(HELLO, alice)).json);
    const anonymous = await greedy("GET", "renku-demo/no-such-project/autosave", anon);
    expect(anonymous.status).toBe(404);
    expect(anonymous.json.error.message).toBe("Cannot find project renku-demo/no-such-project");
  });

  it("deletes with the project and the autosave name both unencoded, or either encoded", async () => {
    const master = "f1ea33570b1b86af316b85539c1b5d5c07949a82";
    const first = addAutosave(stack.gitlab, {
      project: HELLO,
      username: "bob",
      branch: "master",
      root: master,
      ageMs: DAY,
    });
    const res = await greedy("DELETE", `${HELLO}/autosave/${first}`, bob);
    expect(res.status).toBe(204);
    expect(branchNames(stack.gitlab, HELLO)).not.toContain(first);
    const second = addAutosave(stack.gitlab, {
      project: HELLO,
      username: "bob",
      branch: "feature/plots",
      root: master,
      ageMs: DAY,
    });
    const mixed = await greedy("DELETE", `${HELLO}/autosave/${enc(second)}`, bob);
    expect(mixed.status).toBe(204);
    expect(branchNames(stack.gitlab, HELLO)).not.toContain(second);
    expect(branchNames(stack.gitlab, HELLO)).toContain(BOB_PLOTS);
  });

  it("answers paths of no route as the catch-all does: 404, or 405 with Allow", async () => {
    const unknown = await greedy("GET", "servers/x/y", alice);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe(1404);
    const method = await greedy("DELETE", "servers", alice);
    expect(method.status).toBe(405);
    expect(method.headers.allow).toBe("GET, POST");
    const noName = await greedy("DELETE", `${HELLO}/autosave`, alice);
    expect(noName.status).toBe(405);
    expect(noName.headers.allow).toBe("GET");
  });
});

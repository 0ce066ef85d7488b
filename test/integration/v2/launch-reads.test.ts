/**
 * What a v2 launch asks renku-data-services at once, shown by the double holding one answer until
 * another call has arrived: read one after the other, the held answer never comes and the launch
 * fails on the upstream timeout instead of answering 201.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { QUOTA_EXHAUSTED } from "../../../lib/use-cases/v2/resources.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { v2Headers } from "../../helpers/v2-users.js";
import { LAUNCHERS, PROJECTS, v2Api } from "./api.js";

let stack: SessionStack;
const alice = v2Api(v2Headers("alice"));
const bob = v2Api(v2Headers("bob"));
const USAGE = "/api/data/resource_pools/2/usage";

beforeAll(async () => {
  stack = await startSessionStack({
    timing: "instant",
    env: { NB_SESSIONS__GIT_PROXY__RENKU_CLIENT_SECRET: "local-git-proxy-secret" },
  });
});
afterEach(() => stack.dataServices.clearFaults());
afterAll(() => stack?.stop());

const callsSince = (n: number) => stack.dataServices.calls.slice(n).map((c) => c.path);

describe("a v2 launch with a quota-enforced class", () => {
  let name = "";

  it("asks for the pool's usage once the pools answer, without waiting for the project", async () => {
    stack.dataServices.holdUntilCalled(`/api/data/projects/${PROJECTS.hello}`, USAGE);
    const before = stack.dataServices.calls.length;
    const r = await alice.create({ launcher_id: LAUNCHERS.metered });
    expect(r.status, r.text).toBe(201);
    expect(r.json).toMatchObject({ launcher_id: LAUNCHERS.metered, resource_class_id: 4 });
    name = r.json.name;
    const paths = callsSince(before);
    expect(paths[0]).toBe(`/api/data/session_launchers/${LAUNCHERS.metered}`);
    expect(paths.indexOf(USAGE)).toBeGreaterThan(paths.indexOf("/api/data/resource_pools"));
    const usage = stack.dataServices.calls.slice(before).filter((c) => c.path === USAGE);
    expect(usage).toEqual([{ method: "GET", path: USAGE, user: "alice", authorized: true }]);
  });

  it("once pools were read, asks for the usage while the pools are still unanswered", async () => {
    expect((await alice.delete(name)).status).toBe(204);
    await stack.cluster.amalthea.settle();
    stack.dataServices.holdUntilCalled("/api/data/resource_pools", USAGE);
    const before = stack.dataServices.calls.length;
    const r = await alice.create({ launcher_id: LAUNCHERS.metered });
    expect(r.status, r.text).toBe(201);
    expect(r.json.name).toBe(name);
    const paths = callsSince(before);
    expect(paths.indexOf(USAGE)).toBeGreaterThan(0);
    expect(paths.filter((p) => p === USAGE)).toHaveLength(1);
  });

  it("still refuses an exhausted quota with data-services' 422, asked early with the caller's token", async () => {
    const before = stack.dataServices.calls.length;
    const r = await bob.create({ launcher_id: LAUNCHERS.metered });
    expect(r.status).toBe(422);
    expect(r.json).toEqual({ error: { code: 1422, message: QUOTA_EXHAUSTED } });
    const usage = stack.dataServices.calls.slice(before).filter((c) => c.path === USAGE);
    expect(usage.map((c) => c.user)).toEqual(["bob"]);
    expect(await stack.deps.amaltheaSessions.list("renku.io/safe-username=sub-bob")).toEqual([]);
  });

  it("answers a repeat launch 200 from the existing session", async () => {
    const r = await alice.create({ launcher_id: LAUNCHERS.metered });
    expect([r.status, r.json.name]).toEqual([200, name]);
  });
});

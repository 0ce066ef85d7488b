/**
 * The data-services client against the double, over HTTP: the shapes a launch reads, and
 * data-services' authorisation carried by the caller's own token.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataServicesClient, DataServicesError } from "../../../lib/data-services/client.js";
import { accessToken } from "../../helpers/v2-users.js";
import {
  type DataServicesDouble,
  startDataServicesDouble,
} from "../../local/data-services/index.js";
import { loadSeed } from "../../local/seed.js";

let ds: DataServicesDouble;
let client: ReturnType<typeof createDataServicesClient>;
const PUBLIC_LAUNCHER = "01JDV2SES00000000000000001";
const PRIVATE_LAUNCHER = "01JDV2SES00000000000000002";
const PRIVATE_PROJECT = "01JDV2PRJ00000000000000002";

beforeAll(async () => {
  ds = await startDataServicesDouble({
    seed: loadSeed(),
    gitlabUrl: "http://gitlab.local",
    registryHost: "registry.local:5000",
  });
  client = createDataServicesClient({ baseUrl: ds.url, timeoutMs: 60_000 });
});
afterAll(() => ds.stop());

const rejection = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as DataServicesError;
  }
  throw new Error("expected a rejection");
};

describe("the data-services double through the client", () => {
  it("learns from pools answers which pool holds a class, for the next launch's usage read", async () => {
    const fresh = createDataServicesClient({ baseUrl: ds.url, timeoutMs: 1000 });
    expect(fresh().poolHint(4)).toBeUndefined();
    await fresh(accessToken({ username: "alice" })).resourcePools();
    // Any caller's client of this process: only class and pool ids, no caller's data.
    const other = fresh();
    expect(other.poolHint(4)).toEqual({ poolId: 2, quotaEnforced: true });
    expect(other.poolHint(2)).toEqual({ poolId: 1, quotaEnforced: false });
    expect(other.poolHint(null)).toEqual({ poolId: 1, quotaEnforced: false });
    expect(other.poolHint(99)).toBeUndefined();
  });

  it("serves a public project's launcher, environment embedded, to anyone", async () => {
    const launcher = await client().launcher(PUBLIC_LAUNCHER);
    expect(launcher.project_id).toBe("01JDV2PRJ00000000000000001");
    expect(launcher.environment.container_image).toBe(
      "registry.local:5000/renku/singleuser:latest",
    );
    expect(launcher.environment.port).toBe(8888);
    expect(launcher.env_variables).toEqual([
      { name: "GREETING", value: "hello" },
      { name: "DATASET" },
    ]);
    expect(ds.calls.at(-1)).toEqual({
      method: "GET",
      path: `/api/data/session_launchers/${PUBLIC_LAUNCHER}`,
      authorized: false,
    });
  });

  it("answers 404 in data-services' words for a private project's launcher to a non-member", async () => {
    const err = await rejection(
      client(accessToken({ username: "bob" })).launcher(PRIVATE_LAUNCHER),
    );
    expect(err).toBeInstanceOf(DataServicesError);
    expect(err.status).toBe(404);
    expect(err.body).toEqual({
      code: 1404,
      message: `Session launcher with id '${PRIVATE_LAUNCHER}' does not exist or you do not have access to it.`,
    });
    expect((await rejection(client().project(PRIVATE_PROJECT))).status).toBe(404);
  });

  it("serves the private launcher and project to a member, the caller known by the token's sub", async () => {
    const alice = client(accessToken({ username: "alice" }));
    expect((await alice.launcher(PRIVATE_LAUNCHER)).resource_class_id).toBe(2);
    const project = await alice.project(PRIVATE_PROJECT);
    expect([project.namespace, project.slug]).toEqual(["alice", "private-notes"]);
    expect(project.repositories).toEqual(["http://gitlab.local/alice/private-notes.git"]);
    expect(ds.calls.at(-1)?.user).toBe("alice");
  });

  it("filters pools and classes to the caller, and reports the caller's usage", async () => {
    expect((await client().resourcePools()).map((p) => p.id)).toEqual([1, 3]);
    const bob = client(accessToken({ username: "bob" }));
    const pools = await bob.resourcePools();
    expect(pools.map((p) => p.id)).toEqual([1, 2, 3]);
    expect(pools[1]?.quota?.id).toBe("metered-quota");
    expect((await bob.resourceClass(4)).quota_enforced).toBe(true);
    expect((await rejection(client().resourceClass(4))).status).toBe(404);
    const usage = await bob.poolUsage(2);
    expect(usage.user_usage.cost).toBe(120);
    expect(usage.pool_limits).toEqual({ pool_id: 2, total_limit: 0, user_limit: 100 });
  });

  it("turns an unreadable token into an anonymous caller, as data-services does", async () => {
    const err = await rejection(client("not-a-jwt").launcher(PRIVATE_LAUNCHER));
    expect(err.status).toBe(404);
    expect(ds.calls.at(-1)).toMatchObject({ authorized: true });
    expect(ds.calls.at(-1)?.user).toBeUndefined();
  });

  it("reports a broken answer or no answer as status 0, naming the call but not the token", async () => {
    ds.injectFault({ kind: "garbage" });
    const garbage = await rejection(client("tok-secret").launcher(PUBLIC_LAUNCHER));
    expect(garbage.status).toBe(0);
    expect(garbage.message).toBe(
      `GET /session_launchers/${PUBLIC_LAUNCHER} answered an unexpected body`,
    );
    ds.injectFault({ kind: "hang" });
    const impatient = createDataServicesClient({ baseUrl: ds.url, timeoutMs: 1000 });
    const hang = await rejection(impatient("tok-secret").project(PRIVATE_PROJECT));
    expect(hang.status).toBe(0);
    expect(hang.message).toContain("no answer within 1000 ms");
    expect(hang.message).not.toContain("tok-secret");
  });
});

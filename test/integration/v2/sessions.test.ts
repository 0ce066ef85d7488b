/**
 * The v2 sessions API against the stand-ins: the local cluster (real @kubernetes/client-node over
 * HTTP, simulated Amalthea), the renku-data-services double and the real registry.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AmaltheaSession } from "../../../lib/backends/amaltheasession/types.js";
import { sessionName } from "../../../lib/use-cases/v2/session-name.js";
import { invoke } from "../../helpers/events.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { v2AnonHeaders, v2Headers } from "../../helpers/v2-users.js";
import { LAUNCHERS, PROJECTS, v2Api } from "./api.js";

let stack: SessionStack;
const alice = v2Api(v2Headers("alice"));
const bob = v2Api(v2Headers("bob"));
const anonymous = v2Api();
const aliceName = sessionName(
  { id: "sub-alice", email: "alice@example.org" },
  PROJECTS.hello,
  LAUNCHERS.hello,
);

beforeAll(async () => {
  stack = await startSessionStack({
    timing: "instant",
    env: { NB_SESSIONS__GIT_PROXY__RENKU_CLIENT_SECRET: "local-git-proxy-secret" },
  });
});
afterAll(() => stack?.stop());

const cr = async (name: string) => (await stack.deps.amaltheaSessions.get(name)) as AmaltheaSession;

describe("v2 reads without sessions", () => {
  it("lists with one API request: AmaltheaSessions by the caller's label, from the watch cache", async () => {
    const before = stack.cluster.requests.length;
    expect((await alice.list()).status).toBe(200);
    const made = stack.cluster.requests.slice(before);
    expect(made.map((r) => [r.verb, r.resource])).toEqual([["list", "amaltheasessions"]]);
    const query = new URLSearchParams(made[0]?.query ?? "");
    expect(query.get("labelSelector")).toBe("renku.io/safe-username=sub-alice");
    expect(query.get("resourceVersion")).toBe("0");
  });

  it("lists [] for an unauthenticated caller and for a bad token (never 401)", async () => {
    expect(await anonymous.list()).toMatchObject({ status: 200, json: [] });
    const bad = v2Api({ authorization: "Bearer not.a.jwt" });
    expect(await bad.list()).toMatchObject({ status: 200, json: [] });
  });

  it("answers 404 code 1404 for a missing session, 204 on its DELETE", async () => {
    const r = await alice.get("nobody-0123456789ab");
    expect(r.status).toBe(404);
    expect(r.json).toEqual({
      error: { code: 1404, message: "The session with ID nobody-0123456789ab does not exist." },
    });
    expect((await alice.delete("nobody-0123456789ab")).status).toBe(204);
  });

  it("validates after authentication: POST {} is 422 code 1422 naming launcher_id", async () => {
    const r = await anonymous.create({});
    expect(r.status).toBe(422);
    expect(r.json.error.code).toBe(1422);
    expect(r.json.error.message).toBe(
      "There are errors in the following fields, launcher_id: Field required",
    );
  });

  it("refuses a bad session_type with 422 code 1422", async () => {
    const r = await alice.list({ session_type: "batch" });
    expect([r.status, r.json.error.code]).toEqual([422, 1422]);
  });
});

describe("v2 POST, through to a running session", () => {
  it("creates alice's session (201) with data-services' name, then 200 on repeat", async () => {
    const first = await alice.create({ launcher_id: LAUNCHERS.hello, ignored_field: true });
    expect(first.status).toBe(201);
    expect(first.json.name).toBe(aliceName);
    expect(first.json).toMatchObject({
      project_id: PROJECTS.hello,
      launcher_id: LAUNCHERS.hello,
      resource_class_id: 1,
      session_type: "interactive",
      image: `${stack.registryHost}/renku/singleuser:latest`,
      resources: { requests: { cpu: 0.5, memory: 1, storage: 1 } },
      status: { state: "starting" },
    });
    expect(first.json).not.toHaveProperty("lastInteraction");
    const again = await alice.create({ launcher_id: LAUNCHERS.hello });
    expect(again.status).toBe(200);
    expect(again.json.name).toBe(aliceName);
  });

  it("reaches running in the local Amalthea with the v2-era clone and proxy images", async () => {
    await stack.cluster.amalthea.settle();
    const r = await alice.get(aliceName);
    expect(r.status).toBe(200);
    expect(r.json.status).toMatchObject({ state: "running" });
    expect(r.json.status.ready_containers).toBe(r.json.status.total_containers);
    // Amalthea writes the URL; without a TLS secret its scheme is http (as for data-services).
    expect(r.json.url).toBe(`http://sessions.example.org/sessions/${aliceName}/lab/`);
    const session = await cr(aliceName);
    expect(session.spec.initContainers?.map((c) => c.name)).toEqual([
      "init-certificates",
      "git-clone",
    ]);
    expect(session.spec.extraContainers?.map((c) => c.name)).toEqual(["git-proxy"]);
  });

  it("lists it for alice and not for bob, and bob's GET is 404", async () => {
    expect((await alice.list()).json.map((s: { name: string }) => s.name)).toEqual([aliceName]);
    expect((await alice.list({ session_type: "interactive" })).json).toHaveLength(1);
    expect((await alice.list({ session_type: "non-interactive" })).json).toEqual([]);
    expect((await bob.list()).json).toEqual([]);
    expect((await bob.get(aliceName)).status).toBe(404);
    expect((await bob.delete(aliceName)).status).toBe(204);
    expect(await cr(aliceName)).toBeDefined();
  });

  it("serves its logs, one entry per container, and 404 to bob", async () => {
    const r = await alice.logs(aliceName, { max_lines: "5" });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(
      expect.arrayContaining(["init-certificates", "git-clone", "amalthea-session", "git-proxy"]),
    );
    expect((await bob.logs(aliceName)).json.error).toEqual({
      code: 1404,
      message: `Cannot find session ${aliceName} for user sub-bob to retrieve logs.`,
    });
  });

  it("PATCH sets lastInteraction (now), hibernates, and resumes", async () => {
    const touched = await alice.patch(aliceName, { lastInteraction: "now" });
    expect(touched.status).toBe(200);
    expect(touched.json.lastInteraction).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await cr(aliceName)).spec.culling?.lastInteraction).toBe(touched.json.lastInteraction);

    const hibernated = await alice.patch(aliceName, { state: "hibernated" });
    expect(hibernated.status).toBe(200);
    expect(hibernated.json.status.state).toBe("hibernated");
    expect(hibernated.json).not.toHaveProperty("lastInteraction");
    await stack.cluster.amalthea.settle();
    expect((await alice.get(aliceName)).json.status.state).toBe("hibernated");

    const resumed = await alice.patch(aliceName, { state: "running" });
    expect(resumed.status).toBe(200);
    expect(resumed.json.status.state).toBe("starting");
    await stack.cluster.amalthea.settle();
    expect((await alice.get(aliceName)).json.status.state).toBe("running");
  });

  it("PATCH refuses a future or zone-less lastInteraction with 422 code 1422", async () => {
    const future = await alice.patch(aliceName, { lastInteraction: "2999-01-01T00:00:00Z" });
    expect(future.json.error).toEqual({
      code: 1422,
      message: "The timestamp is in the future: 2999-01-01T00:00:00Z",
    });
    const local = await alice.patch(aliceName, { lastInteraction: "2020-01-01T00:00:00" });
    expect(local.json.error.message).toBe(
      "The timestamp has no timezone information: 2020-01-01T00:00:00",
    );
  });

  it("DELETE removes it (204) and its Secret goes with it", async () => {
    expect((await alice.delete(aliceName)).status).toBe(204);
    await stack.cluster.amalthea.settle();
    expect(await stack.deps.amaltheaSessions.get(aliceName)).toBeUndefined();
    expect((await alice.get(aliceName)).status).toBe(404);
  });
});

describe("v2 POST refusals, in data-services' words", () => {
  it("404s a private project's launcher for a non-member", async () => {
    const r = await bob.create({ launcher_id: LAUNCHERS.privateNotes });
    expect(r.status).toBe(404);
    expect(r.json.error).toEqual({
      code: 1404,
      message: `Session launcher with id '${LAUNCHERS.privateNotes}' does not exist or you do not have access to it.`,
    });
  });

  it("answers 401 to an anonymous caller without the _renku_session cookie", async () => {
    const r = await v2Api({ "renku-auth-anon-id": "anon-nocookie" }).create({
      launcher_id: LAUNCHERS.scratch,
    });
    expect(r.status).toBe(401);
    expect(r.json.error).toEqual({
      code: 1401,
      message:
        "You have to have a renku session cookie at _renku_session in order to launch an anonymous session.",
    });
  });

  it("answers the quota message (422) when the pool's quota is exhausted", async () => {
    const r = await bob.create({ launcher_id: LAUNCHERS.metered });
    expect(r.json.error).toEqual({
      code: 1422,
      message:
        "Cannot start the session because your quota in the selected resource pool is exhausted.",
    });
  });

  it("validates disk storage against the class", async () => {
    const big = await alice.create({ launcher_id: LAUNCHERS.scratch, disk_storage: 11 });
    expect(big.json.error.message).toBe(
      "The requested storage surpasses the maximum value allowed.",
    );
    const zero = await alice.create({ launcher_id: LAUNCHERS.scratch, disk_storage: 0 });
    expect(zero.json.error.message).toBe(
      "Storage requests have to be greater than or equal to 1GB.",
    );
  });

  it("names unknown env overrides, and what it does not support yet", async () => {
    const env = await alice.create({
      launcher_id: LAUNCHERS.hello,
      env_variable_overrides: [{ name: "NOPE", value: "x" }],
    });
    expect(env.json.error.message).toContain(
      "The following environment variables are not defined in the session launcher: {'NOPE'}.",
    );
    expect((await alice.create({ launcher_id: LAUNCHERS.job })).json.error).toEqual({
      code: 1422,
      message: "Non-interactive sessions (jobs) are not supported yet by this sessions service.",
    });
    expect((await alice.create({ launcher_id: LAUNCHERS.hpc })).json.error.message).toBe(
      "Sessions on remote resource pools (HPC) are not supported yet by this sessions service.",
    );
  });
});

describe("v2 anonymous launch", () => {
  it("launches with the cookie as the authproxy token and lists it for that anon id", async () => {
    const anon = v2Api(v2AnonHeaders("anon-visitor1", "cookie-value-1"));
    const r = await anon.create({ launcher_id: LAUNCHERS.scratch });
    expect(r.status).toBe(201);
    const name = r.json.name as string;
    expect(name).toBe(
      sessionName({ id: "anon-visitor1" }, "01JDV2PRJ00000000000000003", LAUNCHERS.scratch),
    );
    const session = await cr(name);
    expect(session.metadata.labels).toMatchObject({
      "renku.io/safe-username": "anon-visitor1",
      "renku.io/anonymous-session": "true",
    });
    expect(session.spec.authentication?.type).toBe("token");
    expect(session.spec.culling?.maxHibernatedDuration).toBe("1s");
    const secret = await stack.deps.amaltheaSessions.getSecret(name);
    const auth = Buffer.from(secret?.data?.auth ?? "", "base64").toString();
    expect(auth).toContain('token: "cookie-value-1"');
    expect((await anon.list()).json.map((s: { name: string }) => s.name)).toEqual([name]);
    expect(JSON.stringify(r.json)).not.toContain("cookie-value-1");
  });
});

describe("v2 image check", () => {
  it("answers 200 accessible true, with platforms for a multi-platform image", async () => {
    const single = await alice.images(`${stack.registryHost}/renku/singleuser:latest`);
    expect(single).toMatchObject({ status: 200, json: { accessible: true } });
    const multi = await alice.images(
      `${stack.registryHost}/renku-demo/analysis/climate-model:7d9d32a`,
    );
    expect(multi.json).toEqual({
      accessible: true,
      platforms: [
        { architecture: "amd64", os: "linux" },
        { architecture: "arm64", os: "linux" },
      ],
    });
  });

  it("answers 200 accessible false for a missing image, 422 for an unparsable one", async () => {
    const missing = await anonymous.images(`${stack.registryHost}/renku/none:latest`);
    expect(missing).toMatchObject({ status: 200, json: { accessible: false } });
    const bad = await anonymous.images("UPPER/Case::x");
    expect([bad.status, bad.json.error.code]).toEqual([422, 1422]);
    expect((await anonymous.images()).status).toBe(422);
  });
});

describe("v2 features refused rather than dropped", () => {
  const WITH_EXTRAS = "01JDV2SES00000000000000007";
  const DC = "01JDV2DC000000000000000001";

  it("refuses a launch when the caller saved session secrets for the project", async () => {
    const r = await alice.create({ launcher_id: WITH_EXTRAS });
    expect(r.json.error).toEqual({
      code: 1422,
      message:
        "Project session secrets are not supported yet by this sessions service: you saved secrets for this project's session secret slots; remove them to launch here.",
    });
  });

  it("refuses a launch of a project with a linked data connector, unless it is skipped", async () => {
    const r = await bob.create({ launcher_id: WITH_EXTRAS });
    expect([r.status, r.json.error.code]).toEqual([422, 1422]);
    expect(r.json.error.message).toMatch(/^Data connectors are not supported yet/);
    const skipped = await bob.create({
      launcher_id: WITH_EXTRAS,
      data_connectors_overrides: [{ data_connector_id: DC, skip: true }],
    });
    expect(skipped.status).toBe(201);
    expect((await bob.delete(skipped.json.name)).status).toBe(204);
  });
});

describe("v2 paths in the catch-all", () => {
  it("answers another method on a v2 path with 405 code 1405 and Allow", async () => {
    const { main } = await import("../../../functions/not-found.js");
    const r = await invoke(main, { method: "PUT", path: "/api/data/sessions", headers: {} });
    expect(r.status).toBe(405);
    expect(r.json.error.code).toBe(1405);
    expect(r.headers.allow).toBe("GET, POST");
  });
});

describe("v2 PATCH resource_class_id", () => {
  it("moves a session to another class of the caller's pools, and 404s an unknown class", async () => {
    const r = await alice.create({ launcher_id: LAUNCHERS.scratch });
    expect(r.status).toBe(201);
    const name = r.json.name as string;
    const moved = await alice.patch(name, { state: "hibernated", resource_class_id: 2 });
    expect(moved.status).toBe(200);
    expect(moved.json.resource_class_id).toBe(2);
    const session = await cr(name);
    expect(session.metadata.annotations).toMatchObject({
      "renku.io/resource_class_id": "2",
      "renku.io/resource_pool_id": "1",
    });
    expect(session.spec.template?.metadata?.annotations?.["renku.io/resource_class_id"]).toBe("2");
    expect(session.spec.session.resources).toEqual({
      requests: { cpu: "1000m", memory: "2Gi" },
      limits: { memory: "2Gi" },
    });
    const unknown = await alice.patch(name, { resource_class_id: 99 });
    expect(unknown.json.error).toEqual({
      code: 1404,
      message: "The resource class you requested with ID 99 does not exist",
    });
    expect((await alice.delete(name)).status).toBe(204);
  });
});

/**
 * The session endpoints' contract around the life cycle: list filters (3.4), ownership (D12: a
 * foreign session is a 404 on every endpoint and stays untouched), every 4xx, the Kubernetes
 * error codes (3000, 3001, 3005), PATCH with the resource-pool service, server options, and how
 * many Kubernetes calls each endpoint makes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installTestDeps, useTestDeps } from "../../helpers/deps.js";
import { k8sCalls as calls } from "../../helpers/k8s-calls.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { anonHeaders, registeredHeaders } from "../../helpers/users.js";
import { sessionsApi } from "./api.js";
import { CLIMATE, HELLO, launch } from "./launch.js";

const alice = registeredHeaders({ username: "alice" });
const bob = registeredHeaders({ username: "bob" });
const anon = anonHeaders("anon-endpoints1");
const asAlice = sessionsApi(alice);
const asBob = sessionsApi(bob);
const asAnon = sessionsApi(anon);
const nobody = sessionsApi({});

let stack: SessionStack;
/** alice: hello-world master, hello-world feature/plots, climate-model main. */
let master: string;
let feature: string;
let climate: string;
let bobs: string;

beforeAll(async () => {
  stack = await startSessionStack({ timing: "instant", crc: true });
  master = (await launch(stack, { headers: alice })).metadata.name;
  feature = (
    await launch(stack, { headers: alice, branch: "feature/plots", commitSha: HELLO.feature })
  ).metadata.name;
  climate = (
    await launch(stack, {
      headers: alice,
      project: CLIMATE,
      branch: "main",
      commitSha: CLIMATE.main,
    })
  ).metadata.name;
  bobs = (await launch(stack, { headers: bob })).metadata.name;
});
afterAll(async () => {
  await stack?.stop();
});

/** Kubernetes requests made while `fn` runs. */
const k8sCalls = (fn: () => Promise<unknown>) => calls(stack.cluster, fn);

describe("GET /servers", () => {
  const names = async (query?: Record<string, string>) => {
    const r = await asAlice.list(query);
    expect(r.status).toBe(200);
    return Object.keys(r.json.servers).sort();
  };

  it("lists only the caller's sessions, each fully serialised", async () => {
    expect(await names()).toEqual([master, feature, climate].sort());
    const r = await asAlice.list();
    const session = r.json.servers[climate];
    expect(session.annotations).toMatchObject({
      "renku.io/namespace": "renku-demo/analysis",
      "renku.io/projectName": "climate-model",
      "renku.io/branch": "main",
      "renku.io/commit-sha": CLIMATE.main,
      "renku.io/safe-username": "alice",
      "renku.io/default_image_used": "False",
    });
    expect(session.status.state).toBe("running");
    expect(session.started).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    expect(Object.keys((await asBob.list()).json.servers)).toEqual([bobs]);
    expect((await asAnon.list()).json).toEqual({ servers: {} });
  });

  it("filters on project and namespace (case-insensitive), branch and commit (exact), ANDed", async () => {
    expect(await names({ project: "hello-world" })).toEqual([master, feature].sort());
    expect(await names({ project: "Hello-World" })).toEqual([master, feature].sort());
    expect(await names({ namespace: "renku-demo/analysis" })).toEqual([climate]);
    expect(await names({ branch: "feature/plots" })).toEqual([feature]);
    expect(await names({ branch: "Feature/plots" })).toEqual([]);
    expect(await names({ commit_sha: HELLO.master })).toEqual([master]);
    expect(await names({ project: "hello-world", branch: "master" })).toEqual([master]);
    expect(await names({ project: "climate-model", branch: "master" })).toEqual([]);
    expect(await names({ unknown: "ignored" })).toHaveLength(3);
  });

  it("makes one Kubernetes call, a list by the owner's label from the watch cache", async () => {
    const start = stack.cluster.requests.length;
    expect(await k8sCalls(() => asAlice.list({ project: "hello-world" }))).toEqual([
      "list jupyterservers",
    ]);
    expect(stack.cluster.requests[start]?.query).toContain("resourceVersion=0");
    // A fault that matches only alice's selector proves the selector is what is sent.
    stack.cluster.faults.inject({
      pathPattern: /labelSelector=renku\.io(%2F|\/)safe-username(%3D|=)alice(&|$)/,
      kind: "503",
    });
    try {
      expect((await asAlice.list()).status).toBe(503);
    } finally {
      stack.cluster.faults.clear();
    }
  });
});

describe("another user's session is a 404 everywhere and stays as it was", () => {
  const snapshot = async () => {
    const js = await stack.deps.k8s.get(master);
    return { version: js?.metadata.resourceVersion, deleting: js?.metadata.deletionTimestamp };
  };

  it.each([
    ["bob", asBob, "bob"],
    ["an anonymous user", asAnon, "anon-2dendpoints1"],
  ])("for %s", async (_who, api, safe) => {
    const before = await snapshot();
    const get = await api.get(master);
    expect(get.status).toBe(404);
    expect(get.json.error).toEqual({
      code: 1404,
      message: `The server ${master} does not exist.`,
    });
    const del = await api.stop(master, { forced: "true" });
    expect(del.status).toBe(404);
    expect(del.json.error.message).toBe(
      `Cannot find server ${master} for user ${safe} in order to delete it.`,
    );
    const logs = await api.logs(master);
    expect(logs.status).toBe(404);
    expect(logs.json.error.message).toBe(
      `Cannot find server ${master} for user ${safe} to read the logs from.`,
    );
    const patch = await api.patch(master, { state: "hibernated" });
    if (safe.startsWith("anon-")) expect(patch.json.error.code).toBe(3007);
    else {
      expect(patch.status).toBe(404);
      expect(patch.json.error).toEqual({
        code: 1404,
        message: `The server ${master} does not exist.`,
      });
    }
    expect(await snapshot()).toEqual(before);
    expect((await asAlice.get(master)).json.status.state).toBe("running");
  });
});

describe("client errors", () => {
  it("answers 401 without credentials, before validating anything (D4)", async () => {
    for (const r of [
      await nobody.list(),
      await nobody.get(master),
      await nobody.stop(master),
      await nobody.patch(master, { state: "nonsense" }),
      await nobody.logs(master, { max_lines: "-1" }),
      await nobody.options(),
    ]) {
      expect(r.status).toBe(401);
      expect(r.json.error.code).toBe(1401);
    }
  });

  it("404s for names that do not exist, with each endpoint's message", async () => {
    const ghost = "alice-nothing-12345678";
    expect((await asAlice.get(ghost)).json.error.message).toBe(
      `The server ${ghost} does not exist.`,
    );
    expect((await asAlice.stop(ghost)).json.error.message).toBe(
      `Cannot find server ${ghost} for user alice in order to delete it.`,
    );
    expect((await asAlice.logs(ghost)).json.error.message).toBe(
      `Cannot find server ${ghost} for user alice to read the logs from.`,
    );
    const patch = await asAlice.patch(ghost, { state: "running" });
    expect(patch.status).toBe(404);
    expect(patch.json.error.code).toBe(1404);
  });

  it("rejects a negative or non-numeric max_lines with 422", async () => {
    for (const max_lines of ["-1", "ten", "1.5"]) {
      const r = await asAlice.logs(master, { max_lines });
      expect(r.status).toBe(422);
      expect(r.json.error.code).toBe(1422);
    }
  });

  it("rejects PATCH bodies with an unknown state or a non-positive class", async () => {
    for (const body of [
      { state: "paused" },
      { resource_class_id: 0 },
      { resource_class_id: "x" },
    ]) {
      const r = await asAlice.patch(master, body);
      expect(r.status).toBe(422);
      expect(r.json.error.code).toBe(1422);
    }
  });

  it("refuses a class change on a running session (422)", async () => {
    const r = await asAlice.patch(master, { resource_class_id: 2 });
    expect(r.status).toBe(422);
    expect(r.json.error).toEqual({
      code: 1000,
      message: "The resource class can be changed only if the server is hibernated or failing",
    });
  });

  it("PATCH with neither field answers the session unchanged", async () => {
    const before = await asAlice.get(master);
    const r = await asAlice.patch(master, {});
    expect(r.status).toBe(200);
    expect(r.json).toEqual(before.json);
  });

  it("PATCH answers 500 code 3006 when persistent volumes are disabled", async () => {
    useTestDeps({ ...stack.env, NB_SESSIONS__STORAGE__PVS_ENABLED: "false" });
    try {
      const r = await asAlice.patch(master, { state: "hibernated" });
      expect(r.status).toBe(500);
      expect(r.json.error).toEqual({
        code: 3006,
        message: "Persistent Volumes aren't enabled in the config.",
      });
    } finally {
      installTestDeps(stack.deps);
    }
    expect((await asAlice.get(master)).json.status.state).toBe("running");
  });
});

describe("Kubernetes failures", () => {
  it("DELETE: 500 code 3001, and the session is still there", async () => {
    stack.cluster.faults.inject({ method: "DELETE", pathPattern: /jupyterservers/, kind: "500" });
    const r = await asAlice.stop(feature);
    expect(r.status).toBe(500);
    expect(r.json.error.code).toBe(3001);
    expect(r.json.error.message).toBe(
      "The server cannot be deleted, most likely due to problems with the underlying infrastructure.",
    );
    expect((await asAlice.get(feature)).json.status.state).toBe("running");
  });

  it("logs: 500 code 3000 naming the pod and container", async () => {
    stack.cluster.faults.inject({ pathPattern: /\/log\?.*container=git-proxy/, kind: "500" });
    const r = await asAlice.logs(feature);
    expect(r.status).toBe(500);
    expect(r.json.error.code).toBe(3000);
    expect(r.json.error.message).toBe(
      `Logs cannot be read for pod ${feature}-0, container git-proxy.`,
    );
  });

  it("PATCH: 500 code 3005, and the session is not hibernated", async () => {
    stack.cluster.faults.inject({ method: "PATCH", pathPattern: /jupyterservers/, kind: "503" });
    const r = await asAlice.patch(feature, { state: "hibernated" });
    expect(r.status).toBe(500);
    expect(r.json.error).toMatchObject({ code: 3005, message: "The server cannot be patched." });
    expect((await asAlice.get(feature)).json.status.state).toBe("running");
  });
});

describe("PATCH resource_class_id with the resource-pool service", () => {
  it("moves a hibernated session to a class of a pool the caller may use", async () => {
    expect((await asAlice.patch(climate, { state: "hibernated" })).status).toBe(200);
    const r = await asAlice.patch(climate, { resource_class_id: 3 });
    expect(r.status).toBe(200);
    expect(r.json.resources.requests).toMatchObject({ cpu: 2, memory: "8G", gpu: 1 });
    expect(r.json.annotations["renku.io/resourceClassId"]).toBe("3");
    const js = await stack.deps.k8s.get(climate);
    expect(js?.metadata.labels["renku.io/quota"]).toBe("gpu-quota");
    const sts = await stack.deps.k8s.getStatefulSet(climate);
    expect(sts?.spec?.template.spec?.priorityClassName).toBe("gpu-quota");
    expect(stack.crc?.calls.at(-1)).toMatchObject({ user: "alice", authorized: true });
  });

  it("back to a public class drops the quota label for the public pool's", async () => {
    const r = await asAlice.patch(climate, { resource_class_id: 2 });
    expect(r.status).toBe(200);
    expect(r.json.resources.requests).toMatchObject({ cpu: 1, memory: "2G" });
    expect(r.json.resources.requests.gpu).toBeUndefined();
    const js = await stack.deps.k8s.get(climate);
    expect(js?.metadata.labels["renku.io/quota"]).toBe("public-quota");
  });

  it("a class the caller cannot see does not exist (422 code 1005)", async () => {
    expect((await asBob.patch(bobs, { state: "hibernated" })).status).toBe(200);
    const r = await asBob.patch(bobs, { resource_class_id: 3 });
    expect(r.status).toBe(422);
    expect(r.json.error).toEqual({
      code: 1005,
      message: "The resource class ID 3 does not exist.",
    });
    const missing = await asAlice.patch(climate, { resource_class_id: 99 });
    expect(missing.json.error.code).toBe(1005);
  });
});

describe("Kubernetes calls per endpoint", () => {
  it("GET: one get; DELETE: get then delete; logs: get then one read per container", async () => {
    expect(await k8sCalls(() => asAlice.get(master))).toEqual(["get jupyterservers"]);
    const logs = await k8sCalls(() => asAlice.logs(master));
    expect(logs[0]).toBe("get jupyterservers");
    expect(logs.slice(1)).toEqual(Array(7).fill("get pods/log"));
    expect(await k8sCalls(() => asAlice.stop(master))).toEqual([
      "get jupyterservers",
      "delete jupyterservers",
    ]);
    expect(await k8sCalls(() => asAlice.options())).toEqual([]);
  });

  it("PATCH: hibernate is get + the sidecar's status (service proxy) + patch + freeing its places; resume takes a place, then the StatefulSet and secret reads and writes", async () => {
    const hibernate = await k8sCalls(() => asAlice.patch(feature, { state: "hibernated" }));
    expect(hibernate).toEqual([
      "get jupyterservers",
      "create services/proxy",
      "patch jupyterservers",
      // The hibernated session's quota places are freed (D19).
      "deletecollection configmaps",
    ]);
    const resume = await k8sCalls(() => asAlice.patch(feature, { state: "running" }));
    // The resume takes its place first: list, then create (owned by the session from the start).
    expect(resume.slice(0, 3)).toEqual([
      "get jupyterservers",
      "list configmaps",
      "create configmaps",
    ]);
    expect(resume.slice(3, 5).sort()).toEqual(["get secrets", "get statefulsets"]);
    expect(resume.slice(5, -1)).toEqual(["patch statefulsets"]);
    expect(resume.at(-1)).toBe("patch jupyterservers");
    expect((await asAlice.get(feature)).json.status.state).toBe("running");
  });
});

describe("GET /server_options", () => {
  it("gives the configured choices; with a resource-pool service only defaultUrl and lfs_auto_fetch", async () => {
    for (const api of [asAlice, asAnon]) {
      const r = await api.options();
      expect(r.status).toBe(200);
      expect(r.json).toEqual({
        defaultUrl: {
          order: 1,
          displayName: "Default Environment",
          type: "enum",
          default: "/lab",
          options: ["/lab"],
        },
        lfs_auto_fetch: {
          order: 6,
          displayName: "Automatically fetch LFS data",
          type: "boolean",
          default: false,
        },
        cloudstorage: { s3: { enabled: false } },
      });
    }
  });

  it("with static options, renders byte quantities as gigabytes", async () => {
    const { NB_CRC_URL: _, ...staticEnv } = stack.env;
    useTestDeps(staticEnv);
    try {
      const r = await asAlice.options();
      expect(r.json.mem_request).toMatchObject({ default: "1G", options: ["1G", "2G"] });
      expect(r.json.disk_request).toMatchObject({ default: "1G", options: ["1G", "10G"] });
      expect(r.json.cpu_request).toMatchObject({ default: 0.5, options: [0.5, 1.0] });
    } finally {
      installTestDeps(stack.deps);
    }
  });
});

describe("status warnings end to end", () => {
  const dave = registeredHeaders({ username: "dave" });
  const asDave = sessionsApi(dave);
  let name: string;
  const warnings = async () => (await asDave.get(name)).json.status.warnings as unknown[];

  it("says when the default image was used", async () => {
    name = (await launch(stack, { headers: dave, image: stack.env.NB_SESSIONS__DEFAULT_IMAGE }))
      .metadata.name;
    const r = await asDave.get(name);
    expect(r.json.annotations["renku.io/default_image_used"]).toBe("True");
    expect(r.json.status.warnings).toEqual([
      { message: "Server was started using the default image.", critical: false },
    ]);
  });

  it("warns of idle hibernation once inside the warning window (D11)", async () => {
    // A warning window longer than the idle threshold (86400 s): a fresh session is inside it.
    useTestDeps({ ...stack.env, NB_SESSIONS__TERMINATION_WARNING_DURATION_SECONDS: "90000" });
    try {
      const idle = (await warnings()).find((w) =>
        String((w as { message: string }).message).startsWith("Server is idle"),
      ) as { message: string; critical: boolean } | undefined;
      expect(idle?.critical).toBe(true);
      const seconds = Number(
        /will be hibernated in (\d+) seconds\.$/.exec(idle?.message ?? "")?.[1],
      );
      expect(seconds).toBeGreaterThan(80000);
      expect(seconds).toBeLessThanOrEqual(86400);
    } finally {
      installTestDeps(stack.deps);
    }
  });

  it("tells a hibernated session's remaining time, not the threshold (D11)", async () => {
    expect((await asDave.patch(name, { state: "hibernated" })).status).toBe(200);
    const hibernated = (await warnings()).find((w) =>
      String((w as { message: string }).message).startsWith("Server is hibernated"),
    ) as { message: string; critical: boolean } | undefined;
    expect(hibernated?.critical).toBe(false);
    const seconds = Number(
      /will be terminated in (\d+) seconds\.$/.exec(hibernated?.message ?? "")?.[1],
    );
    expect(seconds).toBeGreaterThan(250000);
    expect(seconds).toBeLessThanOrEqual(259200);
  });
});

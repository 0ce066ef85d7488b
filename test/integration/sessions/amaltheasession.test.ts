/**
 * What only the AmaltheaSession backend does, through the endpoints: a class change with the
 * resource-pool service (merge patch, stale keys removed, applied at the resume), the Kubernetes
 * calls of each endpoint, the hibernated countdown from `hibernatedSince`, and the Secrets it
 * creates beside a session and that go with it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amaltheaSessions, KITS } from "../../helpers/backends.js";
import { k8sCalls as calls } from "../../helpers/k8s-calls.js";
import { type SessionStack, startSessionStack } from "../../helpers/stack.js";
import { registeredHeaders } from "../../helpers/users.js";
import { sessionsApi } from "./api.js";
import { CLIMATE, launch } from "./launch.js";

const alice = registeredHeaders({ username: "alice" });
const asAlice = sessionsApi(alice);
let stack: SessionStack;
let climate: string;
let hello: string;

beforeAll(async () => {
  stack = await startSessionStack({ timing: "instant", crc: true, env: KITS.amaltheasession.env });
  climate = (
    await launch(stack, {
      headers: alice,
      project: CLIMATE,
      branch: "main",
      commitSha: CLIMATE.main,
    })
  ).metadata.name;
  hello = (await launch(stack, { headers: alice, privateImage: true })).metadata.name;
});
afterAll(async () => {
  await stack?.stop();
});

const k8sCalls = (fn: () => Promise<unknown>) => calls(stack.cluster, fn);

describe("PATCH resource_class_id on an AmaltheaSession", () => {
  it("refuses a class change on a running session (422), as for a JupyterServer", async () => {
    const r = await asAlice.patch(climate, { resource_class_id: 2 });
    expect(r.status).toBe(422);
    expect(r.json.error.message).toBe(
      "The resource class can be changed only if the server is hibernated or failing",
    );
  });

  it("moves a hibernated session to a GPU class of the caller's pool", async () => {
    expect((await asAlice.patch(climate, { state: "hibernated" })).status).toBe(200);
    const r = await asAlice.patch(climate, { resource_class_id: 3 });
    expect(r.status).toBe(200);
    expect(r.json.resources.requests).toMatchObject({ cpu: 2, memory: "8G", gpu: 1 });
    expect(r.json.annotations["renku.io/resourceClassId"]).toBe("3");
    const ams = await amaltheaSessions(stack.deps).get(climate);
    expect(ams?.metadata.labels["renku.io/quota"]).toBe("gpu-quota");
    expect(ams?.spec.priorityClassName).toBe("gpu-quota");
  });

  it("back to a CPU class removes the GPU from requests and limits", async () => {
    const r = await asAlice.patch(climate, { resource_class_id: 2 });
    expect(r.status).toBe(200);
    expect(r.json.resources.requests.gpu).toBeUndefined();
    const ams = await amaltheaSessions(stack.deps).get(climate);
    expect(ams?.spec.session.resources?.limits?.["nvidia.com/gpu"]).toBeUndefined();
    expect(ams?.metadata.labels["renku.io/quota"]).toBe("public-quota");
  });

  it("the resumed pod runs with the new class", async () => {
    expect((await asAlice.patch(climate, { state: "running" })).status).toBe(200);
    await stack.cluster.amalthea.settle();
    const pod = await stack.deps.k8s.getPod(`${climate}-0`);
    const session = pod?.spec?.containers.find((c) => c.name === "amalthea-session");
    expect(session?.resources?.requests).toMatchObject({ cpu: "1" });
    expect((await asAlice.get(climate)).json.status.state).toBe("running");
  });
});

describe("Kubernetes calls per endpoint", () => {
  it("GET reads the session and its pod; a list of running sessions reads no pod; logs one read per container", async () => {
    expect((await k8sCalls(() => asAlice.get(hello))).sort()).toEqual([
      "get amaltheasessions",
      "get pods",
    ]);
    const start = stack.cluster.requests.length;
    expect(await k8sCalls(() => asAlice.list())).toEqual(["list amaltheasessions"]);
    // A polling list reads the watch cache.
    expect(stack.cluster.requests[start]?.query).toContain("resourceVersion=0");
    // Running says every container is ready: the answer is the one GET gives with the pod.
    const listed = (await asAlice.list()).json.servers;
    expect(Object.keys(listed).sort()).toEqual([climate, hello].sort());
    for (const name of [hello, climate])
      expect(listed[name]).toEqual((await asAlice.get(name)).json);
    const logs = await k8sCalls(() => asAlice.logs(hello));
    // The pod once, then the log of each of its 3 init and 6 regular containers (the session
    // router among them, D22).
    expect(logs.filter((c) => c === "get pods")).toHaveLength(1);
    expect(logs.filter((c) => c === "get pods/log")).toHaveLength(9);
  });

  it("lists the pods too while some session is neither running nor hibernated", async () => {
    const failing = (
      await launch(stack, { headers: alice, branch: "crashing", fault: "crashloop" })
    ).metadata.name;
    try {
      expect((await k8sCalls(() => asAlice.list())).sort()).toEqual([
        "list amaltheasessions",
        "list pods",
      ]);
      const listed = (await asAlice.list()).json.servers;
      expect(listed[failing].status.state).toBe("failed");
      expect(listed[failing]).toEqual((await asAlice.get(failing)).json);
    } finally {
      await asAlice.stop(failing);
    }
  });

  it("DELETE reads the session alone (no pod) to check its owner, then deletes it", async () => {
    const doomed = (await launch(stack, { headers: alice, branch: "doomed" })).metadata.name;
    let status = 0;
    const made = await k8sCalls(async () => {
      status = (await asAlice.stop(doomed)).status;
    });
    expect(status).toBe(204);
    expect(made).toEqual(["get amaltheasessions", "delete amaltheasessions"]);
  });

  it("hibernate asks the sidecar, then one merge patch; resume refreshes the pull secret, then one JSON patch", async () => {
    const hibernate = await k8sCalls(() => asAlice.patch(hello, { state: "hibernated" }));
    // The git sidecar's get_status through the pod proxy (Amalthea makes no rpc-server Service).
    // Then its quota places are freed (D19).
    expect(hibernate.filter((c) => !c.startsWith("get"))).toEqual([
      "create pods/proxy",
      "patch amaltheasessions",
      "deletecollection configmaps",
    ]);
    // The resume takes its place first (list, create, owned by the session from the start).
    const resume = await k8sCalls(() => asAlice.patch(hello, { state: "running" }));
    expect(resume.filter((c) => !c.startsWith("get"))).toEqual([
      "list configmaps",
      "create configmaps",
      "update secrets",
      "patch amaltheasessions",
    ]);
  });
});

describe("status and secrets", () => {
  it("tells a hibernated session's remaining time from hibernatedSince", async () => {
    expect((await asAlice.patch(hello, { state: "hibernated" })).status).toBe(200);
    await stack.cluster.amalthea.settle();
    const r = await asAlice.get(hello);
    expect(r.json.status.state).toBe("hibernated");
    const warning = (r.json.status.warnings as { message: string; critical: boolean }[]).find((w) =>
      w.message.startsWith("Server is hibernated"),
    );
    const seconds = Number(/terminated in (\d+) seconds\.$/.exec(warning?.message ?? "")?.[1]);
    expect(seconds).toBeGreaterThan(250000);
    expect(seconds).toBeLessThanOrEqual(259200);
  });

  it("creates its auth and pull secrets, adopted, and they go with the session", async () => {
    expect(await stack.deps.k8s.getSecret(hello)).toBeDefined();
    expect(await stack.deps.k8s.getSecret(`${hello}-image-secret`)).toBeDefined();
    expect((await asAlice.stop(hello)).status).toBe(204);
    await stack.cluster.amalthea.settle();
    expect(await stack.deps.k8s.getSecret(hello)).toBeUndefined();
    expect(await stack.deps.k8s.getSecret(`${hello}-image-secret`)).toBeUndefined();
  });
});
